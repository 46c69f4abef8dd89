import Foundation
import Testing
@testable import Weights

/// SHA-256 against the FIPS 180-2 example digests, whole and from files read in pieces, and the
/// digest cache: reused for a file as it was, never for a file rewritten in place.
@Suite struct SHA256Tests {
    static let vectors: [(message: [UInt8], digest: String)] = [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(getpid())-\(name)").path
    }

    @Test func digestsMatchTheStandardsExamples() {
        for (message, digest) in Self.vectors { #expect(SHA256.hexDigest(message) == digest, "\(message.count) bytes") }
    }

    @Test func fileDigestReadsTheWholeFileInPieces() throws {
        let path = Self.scratch("file")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.vectors[3].message).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hexDigest(ofFile: path) == Self.vectors[3].digest)
        // 9 MiB + 7 bytes: two 8 MiB pieces, the last one short.
        let big = Data((0..<(9 << 20) + 7).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })
        try big.write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hexDigest(ofFile: path) == SHA256.hexDigest(big))
    }

    @Test func theCacheAnswersForAnUnchangedFileAndRehashesARewrittenOne() throws {
        let (file, cacheFile) = (Self.scratch("weights"), Self.scratch("cache.json"))
        defer { [file, cacheFile].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        try Data("first content".utf8).write(to: URL(fileURLWithPath: file))
        let first = try DigestCache(path: cacheFile).digest(ofFile: file)
        #expect(first == SHA256.hexDigest(Data("first content".utf8)))

        // A later process reads the stored digest without hashing: a planted value comes back.
        var stored = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cacheFile))) as! [String: Any]
        #expect(stored.count == 1)
        let key = try #require(stored.keys.first)
        stored[key] = ["sha256": "planted", "stored": 0.0]
        try JSONSerialization.data(withJSONObject: stored).write(to: URL(fileURLWithPath: cacheFile))
        #expect(try DigestCache(path: cacheFile).digest(ofFile: file) == "planted")

        // Rewritten in place with the same size and its modification time set back: hashed again.
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        usleep(20_000)
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.write(Data("other content".utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: file)
        #expect(try DigestCache(path: cacheFile).digest(ofFile: file) == SHA256.hexDigest(Data("other content".utf8)))
    }
}
