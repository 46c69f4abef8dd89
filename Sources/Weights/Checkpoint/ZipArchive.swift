/// A minimal reader of the zip archives `torch.save` writes (PKWARE APPNOTE.TXT, sections 4.3
/// and 4.4): the central directory (with its zip64 forms), local headers, stored entries.
///
/// PyTorch writes every entry uncompressed (method 0), data aligned to 64 bytes by padding in
/// the local header's extra field; a compressed entry gives ``CheckpointError/compressedEntry(file:entry:method:)``.
/// Entries are views into the caller's bytes, CRC-checked when read.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: Int
        let crc: UInt32
        /// The entry's bytes in the archive (compressed size = size for stored entries).
        let data: Range<Int>
    }

    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let localHeaderSignatureBytes: [UInt8] = [0x50, 0x4B, 0x03, 0x04]  // "PK\3\4"
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    let file: String
    let bytes: UnsafeRawBufferPointer
    /// Entries in central-directory order.
    let entries: [Entry]

    init(bytes: UnsafeRawBufferPointer, file: String) throws(CheckpointError) {
        self.file = file
        self.bytes = bytes
        let directory = try Self.centralDirectory(bytes, file: file)
        var entries: [Entry] = []
        var position = directory.start
        for index in 0..<directory.count {
            let (entry, next) = try Self.entry(bytes, at: position, index: index, directoryEnd: directory.start + directory.size,
                                               file: file)
            entries.append(entry)
            position = next
        }
        self.entries = entries
    }

    /// Where the central directory lies and how many entries it has, from the end-of-directory
    /// record (22 bytes + a comment of up to 65 535 bytes, at the end) or its zip64 form.
    private static func centralDirectory(_ bytes: UnsafeRawBufferPointer, file: String) throws(CheckpointError)
        -> (count: Int, size: Int, start: Int)
    {
        func damaged(_ reason: String) -> CheckpointError { .malformedZip(file: file, reason: reason) }
        let size = bytes.count
        guard size >= 22 else { throw damaged("the file is \(size) bytes, shorter than an end-of-directory record") }
        var end = -1
        var candidate = size - 22
        while candidate >= max(0, size - 22 - 65_535) {
            if bytes.littleEndian(candidate, as: UInt32.self) == endSignature
                && candidate + 22 + Int(bytes.littleEndian(candidate + 20, as: UInt16.self)) == size {
                end = candidate
                break
            }
            candidate -= 1
        }
        guard end >= 0 else { throw damaged("no end-of-central-directory record (truncated?)") }
        guard bytes.littleEndian(end + 4, as: UInt16.self) == 0, bytes.littleEndian(end + 6, as: UInt16.self) == 0 else {
            throw damaged("multi-disk archives are not supported")
        }
        var count = Int(bytes.littleEndian(end + 10, as: UInt16.self))
        var directorySize = Int(bytes.littleEndian(end + 12, as: UInt32.self))
        var directoryStart = Int(bytes.littleEndian(end + 16, as: UInt32.self))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryStart == 0xFFFF_FFFF {
            // Zip64: a locator just before the record points at the zip64 end record.
            let locator = end - 20
            guard locator >= 0, bytes.littleEndian(locator, as: UInt32.self) == zip64LocatorSignature else {
                throw damaged("zip64 sizes without a zip64 end-of-directory locator")
            }
            let record64 = Int(clamping: bytes.littleEndian(locator + 8, as: UInt64.self))
            guard record64 >= 0, record64 <= size - 56,
                  bytes.littleEndian(record64, as: UInt32.self) == zip64EndSignature else {
                throw damaged("the zip64 end-of-directory record is missing or outside the file")
            }
            count = Int(clamping: bytes.littleEndian(record64 + 32, as: UInt64.self))
            directorySize = Int(clamping: bytes.littleEndian(record64 + 40, as: UInt64.self))
            directoryStart = Int(clamping: bytes.littleEndian(record64 + 48, as: UInt64.self))
        }
        guard directoryStart <= size, directorySize <= size - directoryStart else {
            throw damaged("the central directory (\(directorySize) bytes at \(directoryStart)) lies outside the \(size)-byte file")
        }
        return (count, directorySize, directoryStart)
    }

    /// Central-directory entry `index` at `position`, checked against its local header; and
    /// where the next entry starts.
    private static func entry(_ bytes: UnsafeRawBufferPointer, at position: Int, index: Int, directoryEnd: Int,
                              file: String) throws(CheckpointError) -> (Entry, next: Int) {
        func damaged(_ reason: String) -> CheckpointError { .malformedZip(file: file, reason: reason) }
        let size = bytes.count
        guard position + 46 <= directoryEnd, bytes.littleEndian(position, as: UInt32.self) == centralSignature else {
            throw damaged("central directory entry \(index) at byte \(position) is damaged")
        }
        let flags = bytes.littleEndian(position + 8, as: UInt16.self)
        let method = Int(bytes.littleEndian(position + 10, as: UInt16.self))
        let crc = bytes.littleEndian(position + 16, as: UInt32.self)
        var sizes = Zip64Sizes(uncompressed: Int(bytes.littleEndian(position + 24, as: UInt32.self)),
                               compressed: Int(bytes.littleEndian(position + 20, as: UInt32.self)),
                               localOffset: Int(bytes.littleEndian(position + 42, as: UInt32.self)))
        let nameLength = Int(bytes.littleEndian(position + 28, as: UInt16.self))
        let extraLength = Int(bytes.littleEndian(position + 30, as: UInt16.self))
        let commentLength = Int(bytes.littleEndian(position + 32, as: UInt16.self))
        let nameStart = position + 46
        let next = nameStart + nameLength + extraLength + commentLength
        guard next <= directoryEnd else { throw damaged("central directory entry \(index) runs past the directory") }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameStart + nameLength]),
                          as: UTF8.self)
        guard flags & 1 == 0 else { throw damaged("entry '\(name)' is encrypted") }
        try sizes.read(bytes, extra: (nameStart + nameLength)..<(nameStart + nameLength + extraLength)) { reason in
            damaged("entry '\(name)' has \(reason)")
        }
        // The local header: its own name and extra lengths decide where the data starts.
        let (compressed, localOffset) = (sizes.compressed, sizes.localOffset)
        guard localOffset <= size - 30, bytes.littleEndian(localOffset, as: UInt32.self) == localHeaderSignature else {
            throw damaged("entry '\(name)': no local header at byte \(localOffset)")
        }
        let dataStart = localOffset + 30 + Int(bytes.littleEndian(localOffset + 26, as: UInt16.self))
            + Int(bytes.littleEndian(localOffset + 28, as: UInt16.self))
        guard dataStart <= size, compressed <= size - dataStart else {
            throw damaged("entry '\(name)' (\(compressed) bytes at \(dataStart)) runs past the end of the \(size)-byte file")
        }
        if method == 0 && compressed != sizes.uncompressed {
            throw damaged("stored entry '\(name)' has compressed size \(compressed) ≠ size \(sizes.uncompressed)")
        }
        return (Entry(name: name, method: method, crc: crc, data: dataStart..<dataStart + compressed), next)
    }

    /// An entry's sizes and local-header offset, which a zip64 extra field (id 1) replaces: its
    /// 8-byte values stand, in this order, for the 32-bit fields that are 0xFFFFFFFF.
    private struct Zip64Sizes {
        var uncompressed: Int
        var compressed: Int
        var localOffset: Int

        mutating func read(_ bytes: UnsafeRawBufferPointer, extra range: Range<Int>,
                           _ damaged: (String) -> CheckpointError) throws(CheckpointError) {
            var extra = range.lowerBound
            while extra + 4 <= range.upperBound {
                let id = bytes.littleEndian(extra, as: UInt16.self)
                let length = Int(bytes.littleEndian(extra + 2, as: UInt16.self))
                guard extra + 4 + length <= range.upperBound else { throw damaged("a damaged extra field") }
                if id == 1 {
                    var field = extra + 4
                    func next64() throws(CheckpointError) -> Int {
                        guard field + 8 <= extra + 4 + length else { throw damaged("a short zip64 field") }
                        defer { field += 8 }
                        return Int(clamping: bytes.littleEndian(field, as: UInt64.self))
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next64() }
                    if compressed == 0xFFFF_FFFF { compressed = try next64() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try next64() }
                }
                extra += 4 + length
            }
        }
    }

    func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The bytes of a stored entry, CRC-checked.
    func contents(of entry: Entry) throws(CheckpointError) -> UnsafeRawBufferPointer {
        guard entry.method == 0 else { throw .compressedEntry(file: file, entry: entry.name, method: entry.method) }
        let data = UnsafeRawBufferPointer(rebasing: bytes[entry.data])
        let crc = CRC32.checksum(data)
        guard crc == entry.crc else {
            throw .malformedZip(file: file, reason: "entry '\(entry.name)' has CRC-32 \(hex(crc)), the directory says \(hex(entry.crc))")
        }
        return data
    }

    private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
}

extension UnsafeRawBufferPointer {
    /// A little-endian unsigned integer at `offset` (the caller checks bounds).
    @inline(__always)
    func littleEndian<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
