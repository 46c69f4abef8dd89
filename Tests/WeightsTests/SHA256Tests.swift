import Foundation
import Testing
import Weights

/// SHA-256 against the FIPS 180-2 example digests, fed whole and in awkward pieces.
@Suite struct SHA256Tests {
    static let vectors: [(message: [UInt8], digest: String)] = [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test func digestsMatchTheStandardsExamples() {
        for (message, digest) in Self.vectors {
            #expect(SHA256.hexDigest(message) == digest, "\(message.count) bytes")
            // Pieces of 1, 63, 64, 65 and 1000 bytes cross every block boundary case.
            var hasher = SHA256()
            var start = 0
            var sizes = [1, 63, 64, 65, 1000].makeIterator()
            while start < message.count {
                let size = sizes.next() ?? 4096
                let end = min(message.count, start + size)
                message[start..<end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            #expect(hasher.finalizeHex() == digest, "\(message.count) bytes in pieces")
        }
    }

    @Test func fileDigestReadsTheWholeFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(getpid()).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.vectors[3].message).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hexDigest(ofFile: path) == Self.vectors[3].digest)
    }
}
