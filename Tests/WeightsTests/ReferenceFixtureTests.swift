import Foundation
import Testing
@testable import Weights

/// Files written by the Python `safetensors` package, checked against the exact float32 values
/// computed in Python (`Fixtures/safetensors/expected.json`, from
/// `Scripts/reference/make_safetensors_fixtures.py`): every value bit for bit, except that NaNs
/// compare up to the quiet bit (vidtag quiets signalling F16 NaNs, as x86 F16C does).
@Suite struct ReferenceFixtureTests {
    /// One tensor as the reference describes it.
    struct Expected {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: Int
        var hex: String
        /// Bit patterns of `tensor.float()`; nil for dtypes that do not convert.
        var f32Bits: [UInt32]?
    }

    /// The metadata and tensors (in data-offset order) expected in a fixture file, read with
    /// Foundation's JSON parser (independent of the one under test).
    static func expected(_ file: String) throws -> (metadata: [String: String], tensors: [Expected]) {
        let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent("expected.json"))
        let all = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        let content = try #require(all[file], "expected.json has no \(file)")
        let metadata = try #require(content["metadata"] as? [String: String])
        let tensors = try #require(content["tensors"] as? [[String: Any]]).map { tensor in
            Expected(
                name: try #require(tensor["name"] as? String),
                dtype: try #require(tensor["dtype"] as? String),
                shape: try #require(tensor["shape"] as? [Int]),
                bytes: try #require(tensor["bytes"] as? Int),
                hex: try #require(tensor["hex"] as? String),
                f32Bits: (tensor["f32_bits"] as? [NSNumber])?.map(\.uint32Value))
        }
        return (metadata, tensors)
    }

    /// Whether `value` has the bits `expected`, up to the quiet bit if it is a NaN.
    static func matches(_ value: Float, _ expected: UInt32) -> Bool {
        let quietBit: UInt32 = 0x0040_0000
        return Float(bitPattern: expected).isNaN
            ? value.bitPattern | quietBit == expected | quietBit
            : value.bitPattern == expected
    }

    @Test(arguments: ["f32.safetensors", "f16.safetensors", "bf16.safetensors", "mixed.safetensors"])
    func everyTensorMatchesTheReference(file: String) throws {
        let (metadata, expectedTensors) = try Self.expected(file)
        let reader = try SafetensorsFile(path: fixturesDirectory.appendingPathComponent(file).path)
        #expect(reader.metadata == metadata)
        #expect(reader.entries.map(\.name) == expectedTensors.map(\.name))

        var floatsCompared = 0
        for expected in expectedTensors {
            let entry = try reader.entry(expected.name)
            #expect(entry.dtype.rawValue == expected.dtype)
            #expect(entry.shape == expected.shape)
            #expect(entry.byteCount == expected.bytes)

            let raw = try reader.rawBytes(expected.name)
            #expect(Array(raw) == bytes(hex: expected.hex), "raw bytes of \(expected.name)")
            #expect(raw.baseAddress == (try reader.rawBytes(expected.name)).baseAddress, "a view, not a copy")

            if let bits = expected.f32Bits {
                let tensor = try reader.tensor(expected.name)
                #expect(tensor.shape == expected.shape)
                let mismatches = zip(tensor.data, bits).enumerated().filter { !Self.matches($1.0, $1.1) }
                #expect(tensor.count == bits.count)
                #expect(mismatches.count == 0, """
                    \(file) '\(expected.name)': \(mismatches.count) of \(bits.count) values differ from the reference, \
                    first at \(mismatches.first.map { "index \($0.offset): \($0.element.0.bitPattern) vs \($0.element.1)" } ?? "")
                    """)
                floatsCompared += bits.count
            } else {
                #expect(throws: SafetensorsError.notFloat(file: reader.path, tensor: expected.name, dtype: entry.dtype)) {
                    try reader.floats(expected.name)
                }
            }
        }
        print("\(file): \(expectedTensors.count) tensors, \(floatsCompared) float32 values identical to the reference")
    }

    @Test func specialValuesAreThere() throws {
        // Guards the fixtures themselves: the F16 file must exercise what the conversion handles.
        let reader = try SafetensorsFile(path: fixturesDirectory.appendingPathComponent("f16.safetensors").path)
        let values = try reader.floats("special") + reader.floats("patterns")
        #expect(values.contains { $0 != 0 && abs($0) < 0x1p-14 })  // F16 subnormals (normal as Float)
        #expect(values.contains(.infinity) && values.contains(-.infinity))
        #expect(values.contains { $0.isNaN })
        #expect(values.contains { $0 == 0 && $0.sign == .minus })
        #expect(values.contains(65504) && values.contains(0x1p-24))
    }

    @Test func notFloatMessageNamesTheDType() throws {
        let path = fixturesDirectory.appendingPathComponent("mixed.safetensors").path
        let error = #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: path).tensor("i64") }
        #expect(error?.description == "\(path): tensor 'i64' is I64; only F32, F16 and BF16 convert to Float")
    }
}
