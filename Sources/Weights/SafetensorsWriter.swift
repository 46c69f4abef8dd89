#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
import Kernels

/// Writes float32 tensors to a safetensors file.
///
/// The output matches what the reference implementation writes
/// (https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs, `prepare`):
/// compact JSON with `__metadata__` first (omitted when empty), the header padded with spaces
/// to a multiple of 8 bytes, tensors' data contiguous with no gaps. Tensors are laid out in the
/// order given, so the same input always gives the same bytes.
public enum SafetensorsWriter {
    /// Writes `tensors` as F32 with `metadata`, atomically: into a temporary file in the same
    /// directory, flushed to disk, then renamed over `path`. On failure `path` is untouched.
    ///
    /// - Parameters:
    ///   - tensors: names (unique, not `__metadata__`) with their tensors, in file order.
    ///   - metadata: string key/values stored in `__metadata__`.
    ///   - path: the file to create or replace.
    /// - Throws: ``SafetensorsError/duplicateTensor(file:name:)`` for a repeated name,
    ///   ``SafetensorsError/writeFailed(file:reason:)`` for a reserved name or an I/O error.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to path: String
    ) throws(SafetensorsError) {
        let header = try headerBytes(tensors, metadata: metadata, path: path)
        try writeAtomically(to: path) { (fd: Int32) throws(SafetensorsError) in
            try writeAll(fd, header, path: path)
            for (_, tensor) in tensors {
                #if _endian(little)
                try writeAll(fd, tensor.data, path: path)
                #else
                try writeAll(fd, tensor.data.map { $0.bitPattern.littleEndian }, path: path)
                #endif
            }
        }
    }

    /// The length prefix and the padded JSON header for `tensors` laid out in order.
    static func headerBytes(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], path: String
    ) throws(SafetensorsError) -> [UInt8] {
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }
                .map { JSONValue.quoted($0.key) + ":" + JSONValue.quoted($0.value) }
            members.append(JSONValue.quoted(SafetensorsHeader.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var names: Set<String> = []
        var offset = 0
        for (name, tensor) in tensors {
            guard name != SafetensorsHeader.metadataKey else {
                throw .writeFailed(file: path, reason: "'\(name)' is reserved and cannot name a tensor")
            }
            guard names.insert(name).inserted else { throw .duplicateTensor(file: path, name: name) }
            let end = offset + tensor.count * DType.f32.size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append(
                JSONValue.quoted(name) + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Array(("{" + members.joined(separator: ",") + "}").utf8)
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json
    }

    /// Creates a temporary file next to `path`, lets `body` fill it, flushes it and renames it
    /// to `path`; removes the temporary file if anything fails.
    private static func writeAtomically(
        to path: String, _ body: (Int32) throws(SafetensorsError) -> Void
    ) throws(SafetensorsError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(directory).\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func failure(_ what: String) -> SafetensorsError {
            .writeFailed(file: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do throws(SafetensorsError) {
            try body(fd)
            guard fsync(fd) == 0 else { throw failure("fsync") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure("close") }
        guard rename(temporary, path) == 0 else { throw failure("rename") }
        renamed = true
    }

    /// Writes the bytes of `values` to `fd` (in host byte order), retrying short writes and
    /// interruptions.
    private static func writeAll<Element>(_ fd: Int32, _ values: [Element], path: String) throws(SafetensorsError) {
        let code: Int32 = values.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
                if written < 0 && errno != EINTR { return errno }
                done += max(written, 0)
            }
            return 0
        }
        guard code == 0 else { throw .writeFailed(file: path, reason: String(cString: strerror(code))) }
    }
}
