import Kernels

/// A safetensors file opened for reading: memory-mapped, header fully validated at open.
///
/// Tensor bytes are never copied until asked for as floats: ``rawBytes(_:)`` is a view into
/// the mapping, valid while this object lives. Immutable after `init`, so it can be shared
/// between threads.
///
/// ```swift
/// let file = try SafetensorsFile(path: "weights.safetensors")
/// let w = try file.tensor("conv.weight")   // Tensor, shape as stored, e.g. [64, 3, 3, 3]
/// ```
public final class SafetensorsFile: @unchecked Sendable {
    /// The path as given to `init`; used in error messages.
    public let path: String
    /// The header's `__metadata__` (string → string); empty when absent.
    public let metadata: [String: String]
    /// Every tensor, in data-offset order.
    public let entries: [SafetensorsEntry]

    private let mapping: MappedFile
    /// The data section: the bytes after the header, into which entries' `dataOffsets` point.
    private let data: UnsafeRawBufferPointer
    private let entryIndex: [String: Int]

    /// Maps the file at `path` and validates its whole header (see ``SafetensorsHeader``).
    ///
    /// - Throws: ``SafetensorsError``: `unreadable` for a path that cannot be opened,
    ///   or a specific error for each way the header can be malformed.
    public init(path: String) throws(SafetensorsError) {
        let mapping = try MappedFile(path: path)
        let header = try SafetensorsHeader(parsing: mapping.bytes, path: path)
        self.path = path
        self.mapping = mapping
        self.metadata = header.metadata
        self.entries = header.entries
        self.data = UnsafeRawBufferPointer(rebasing: mapping.bytes[header.dataStart...])
        self.entryIndex = Dictionary(uniqueKeysWithValues: header.entries.enumerated().map { ($1.name, $0) })
    }

    /// The names of all tensors, in data-offset order.
    public var names: [String] { entries.map(\.name) }

    /// The entry (dtype, shape, offsets) of the tensor called `name`.
    public func entry(_ name: String) throws(SafetensorsError) -> SafetensorsEntry {
        guard let index = entryIndex[name] else { throw .tensorNotFound(file: path, name: name) }
        return entries[index]
    }

    /// The tensor's bytes as stored (little-endian, `entry.byteCount` bytes), without copying.
    ///
    /// The view is valid only while this `SafetensorsFile` is alive.
    public func rawBytes(_ name: String) throws(SafetensorsError) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: data[try entry(name).dataOffsets])
    }

    /// Float32 tensors of a little-endian host, aligned to 4 bytes (the safetensors writers
    /// align every tensor), are read from the mapping; this file stays open while they are used.
    /// Their `release` gives parts of the mapping back (``MappedFile/evict(_:)``).
    public func borrowed(_ name: String) -> BorrowedFloats? {
        guard 1.littleEndian == 1, let entry = try? entry(name), entry.dtype == .f32,
              case let raw = UnsafeRawBufferPointer(rebasing: data[entry.dataOffsets]), let base = raw.baseAddress,
              Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else { return nil }
        let (count, address, stride) = (raw.count / MemoryLayout<Float>.stride, Int(bitPattern: base),
                                        MemoryLayout<Float>.stride)
        return BorrowedFloats(owner: self, base: base.assumingMemoryBound(to: Float.self), count: count) {
            [mapping] range in
            precondition(range.lowerBound >= 0 && range.upperBound <= count, "BorrowedFloats: \(range) outside 0..<\(count)")
            mapping.evict(UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address + range.lowerBound * stride),
                                                 count: range.count * stride))
        }
    }

    /// The tensor's elements converted exactly to `Float`, last axis fastest. The file's pages
    /// holding them are released once copied (``MappedFile/evict(_:)``), so a loaded model is
    /// resident once, not also as the mapped file.
    ///
    /// - Returns: `entry.elementCount` floats.
    /// - Throws: ``SafetensorsError/notFloat(file:tensor:dtype:)`` unless the dtype is F32, F16 or BF16.
    public func floats(_ name: String) throws(SafetensorsError) -> [Float] {
        let entry = try entry(name)
        let stored = UnsafeRawBufferPointer(rebasing: data[entry.dataOffsets])
        guard let values = entry.dtype.decodeFloats(stored) else {
            throw .notFloat(file: path, tensor: name, dtype: entry.dtype)
        }
        mapping.evict(stored)
        return values
    }

    /// The tensor as a float32 ``Tensor`` with its stored shape.
    public func tensor(_ name: String) throws(SafetensorsError) -> Tensor {
        Tensor(shape: try entry(name).shape, data: try floats(name))
    }
}
