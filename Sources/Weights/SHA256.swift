import Crypto
import Foundation

/// SHA-256 as lower-case hex, for bundle files (checked against `bundle.json`), heads and
/// taxonomies: swift-crypto's (BoringSSL's assembly on Linux).
public enum SHA256 {
    public static func hexDigest<D: DataProtocol>(_ data: D) -> String { hex(Crypto.SHA256.hash(data: data)) }

    /// The SHA-256 of a regular file (mapped: a FIFO, a device such as `/dev/zero`, or a
    /// directory is refused, never read forever).
    public static func hexDigest(ofFile path: String) throws -> String {
        let file = try MappedFile(path: path) { WeightLoadError.unreadable(source: path, reason: "cannot hash: \($0)") }
        return hex(Crypto.SHA256.hash(data: file.bytes))
    }

    private static func hex(_ digest: Crypto.SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
