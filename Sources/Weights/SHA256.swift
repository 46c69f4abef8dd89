import Crypto
import Foundation

/// SHA-256 as lower-case hex, for bundle files (checked against `bundle.json`), heads and
/// taxonomies: swift-crypto's (BoringSSL's assembly on Linux).
public enum SHA256 {
    public static func hexDigest<D: DataProtocol>(_ data: D) -> String { hex(Crypto.SHA256.hash(data: data)) }

    /// The SHA-256 of a file, read in 4 MiB pieces.
    public static func hexDigest(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WeightLoadError.unreadable(source: path, reason: "cannot open for hashing")
        }
        defer { try? handle.close() }
        var hasher = Crypto.SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hex(hasher.finalize())
    }

    private static func hex(_ digest: Crypto.SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
