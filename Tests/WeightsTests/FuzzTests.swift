import Foundation
import Kernels
import Testing
@testable import Weights

/// Seeded random mutations of valid files: each must open and read fully, or be rejected with
/// a `SafetensorsError`; never crash.
@Suite struct FuzzTests {
    static let iterations = 3000
    static let seed: UInt64 = 0x5AFE_7E45

    /// The kinds of damage done to a file.
    enum Mutation: CaseIterable {
        case flipBit, setByte, truncate, insertBytes, deleteBytes, rewriteHeaderLength, duplicateSpan
        /// Replaces one digit of the header with another: the JSON stays valid, the shapes and
        /// offsets it describes do not.
        case changeDigit
    }

    /// Bytes that matter to the JSON grammar and to UTF-8, besides random ones.
    static let interestingBytes = Array(#"{}[]":,-.0123456789eE\ "#.utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xFF]

    /// Valid files to mutate: one from the writer (F32 with metadata, a scalar, an empty tensor)
    /// and the reference F16, BF16 and mixed-dtype fixtures.
    static func seedFiles(in directory: TemporaryDirectory) throws -> [[UInt8]] {
        let written = directory.path("seed.safetensors")
        try SafetensorsWriter.write(
            [
                ("a", Tensor(shape: [2, 3], data: [1, -2, 3.5, .nan, .infinity, -0.0])),
                ("scalar", Tensor(shape: [], data: [7])),
                ("empty", Tensor(shape: [0, 2], data: [])),
            ],
            metadata: ["id": "x", "n": "1"], to: written)
        let fixtures = ["f16.safetensors", "bf16.safetensors", "mixed.safetensors"].map {
            fixturesDirectory.appendingPathComponent($0).path
        }
        return try ([written] + fixtures).map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: $0))) }
    }

    /// The end of the length prefix and header, as far as the prefix can be believed.
    static func headerEnd(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 8 else { return bytes.count }
        let length = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        return min(bytes.count, 8 + Int(min(length, 1 << 20)))
    }

    /// A position in `bytes`, half the time inside the length prefix or the header.
    static func position(in bytes: [UInt8], using random: inout SplitMix64) -> Int {
        guard !bytes.isEmpty else { return 0 }
        let limit = Bool.random(using: &random) ? bytes.count : max(headerEnd(bytes), 1)
        return Int.random(in: 0..<limit, using: &random)
    }

    static func mutate(_ bytes: inout [UInt8], _ mutation: Mutation, using random: inout SplitMix64) {
        let at = position(in: bytes, using: &random)
        switch mutation {
        case .flipBit where !bytes.isEmpty:
            bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case .setByte where !bytes.isEmpty:
            bytes[at] = Bool.random(using: &random)
                ? interestingBytes.randomElement(using: &random)!
                : UInt8.random(in: 0...255, using: &random)
        case .truncate:
            bytes.removeLast(bytes.count - at)
        case .insertBytes:
            let count = Int.random(in: 1...8, using: &random)
            bytes.insert(contentsOf: (0..<count).map { _ in interestingBytes.randomElement(using: &random)! }, at: at)
        case .deleteBytes where !bytes.isEmpty:
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
        case .rewriteHeaderLength where bytes.count >= 8:
            let current = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let length: UInt64 = switch Int.random(in: 0..<5, using: &random) {
            case 0: UInt64.random(in: 0...UInt64.max, using: &random)
            case 1: current &+ UInt64.random(in: 1...16, using: &random)
            case 2: current &- UInt64.random(in: 1...16, using: &random)
            case 3: UInt64(bytes.count - 8)
            default: [0, UInt64.max, 100_000_000, 100_000_001, 1 << 63].randomElement(using: &random)!
            }
            withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        case .duplicateSpan where !bytes.isEmpty:
            let span = bytes[at..<min(bytes.count, at + Int.random(in: 1...32, using: &random))]
            bytes.insert(contentsOf: span, at: position(in: bytes, using: &random))
        case .changeDigit:
            let digits = (8..<headerEnd(bytes)).filter { (0x30...0x39).contains(bytes[$0]) }
            if let index = digits.randomElement(using: &random) {
                bytes[index] = UInt8.random(in: 0x30...0x39, using: &random)
            }
        default:
            break
        }
    }

    /// Opens `path` and reads every tensor; returns the error case name if rejected at open.
    static func openAndReadAll(_ path: String) throws -> String? {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(path: path)
        } catch {
            return caseName(error)
        }
        for entry in file.entries {
            #expect(try file.rawBytes(entry.name).count == entry.byteCount)
            if entry.dtype.convertsToFloat {
                #expect(try file.tensor(entry.name).count == entry.elementCount)
            } else {
                #expect(throws: SafetensorsError.notFloat(file: path, tensor: entry.name, dtype: entry.dtype)) {
                    try file.floats(entry.name)
                }
            }
        }
        return nil
    }

    @Test func mutatedFilesOpenOrThrowNeverCrash() throws {
        let directory = try TemporaryDirectory()
        let seeds = try Self.seedFiles(in: directory)
        var random = SplitMix64(seed: Self.seed)
        var outcomes: [String: Int] = [:]
        let start = Date()

        for iteration in 0..<Self.iterations {
            var bytes = seeds[iteration % seeds.count]
            for _ in 0..<[1, 1, 1, 2, 3].randomElement(using: &random)! {
                Self.mutate(&bytes, Mutation.allCases.randomElement(using: &random)!, using: &random)
            }
            let path = try directory.write(bytes, to: "fuzz.safetensors")
            outcomes[try Self.openAndReadAll(path) ?? "opened", default: 0] += 1
        }

        let seconds = Date().timeIntervalSince(start)
        let summary = outcomes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("fuzz: \(Self.iterations) mutated files in \(String(format: "%.1f", seconds)) s: \(summary)")
        // The mutations must reach both sides and many checks, or the fuzzer is not doing its job.
        #expect(outcomes["opened", default: 0] > Self.iterations / 20)
        #expect(outcomes.count >= 8, "distinct outcomes: \(outcomes.keys.sorted())")
    }
}
