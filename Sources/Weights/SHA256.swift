import Crypto
import Foundation

/// SHA-256 as lower-case hex, for bundle files (checked against `bundle.json`), heads and
/// taxonomies: swift-crypto's (BoringSSL's assembly on Linux).
public enum SHA256 {
    public static func hexDigest<D: DataProtocol>(_ data: D) -> String { hex(Crypto.SHA256.hash(data: data)) }

    /// The SHA-256 of a regular file (mapped: a FIFO, a device such as `/dev/zero`, or a
    /// directory is refused, never read forever). Hashed in chunks whose pages are released
    /// once read, so hashing a 300 MB weight file does not make it resident.
    public static func hexDigest(ofFile path: String) throws -> String {
        let file = try MappedFile(path: path) { WeightLoadError.unreadable(source: path, reason: "cannot hash: \($0)") }
        var hasher = Crypto.SHA256()
        var offset = 0
        while offset < file.bytes.count {
            let chunk = UnsafeRawBufferPointer(rebasing: file.bytes[offset..<min(offset + chunkBytes, file.bytes.count)])
            hasher.update(bufferPointer: chunk)
            file.evict(chunk)
            offset += chunk.count
        }
        return hex(hasher.finalize())
    }

    /// Bytes hashed between two releases of the file's pages.
    static let chunkBytes = 8 << 20

    private static func hex(_ digest: Crypto.SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
