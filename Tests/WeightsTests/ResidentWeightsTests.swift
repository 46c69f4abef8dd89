import Foundation
import Kernels
import Testing
@testable import Weights

/// What keeps a loaded model resident once: tensors copied out of a mapped file release its
/// pages and still read back right, and float32 tensors can be read in place instead.
@Suite struct ResidentWeightsTests {
    static func fixture(_ name: String) -> String { fixturesDirectory.appendingPathComponent(name).path }

    @Test func aTensorReadsTheSameAfterItsPagesWereReleased() throws {
        let file = try SafetensorsFile(path: Self.fixture("f32.safetensors"))
        for name in file.names {
            let first = try file.floats(name)  // releases the pages it was copied from
            let again = try file.floats(name)  // faults them back in from the file
            #expect(first.map(\.bitPattern) == again.map(\.bitPattern), "\(name)")
        }
    }

    @Test func float32TensorsAreBorrowedWithTheValuesACopyHas() throws {
        let file = try SafetensorsFile(path: Self.fixture("f32.safetensors"))
        let name = "block.0.conv.weight"
        let copy = try file.floats(name)
        guard let view = file.borrowed(name) else {
            Issue.record("a float32 tensor was not borrowed")
            return
        }
        let read = Array(UnsafeBufferPointer(start: view.base, count: view.count))
        #expect(read.map(\.bitPattern) == copy.map(\.bitPattern))
        let sameOwner = view.owner === file
        #expect(sameOwner)
    }

    @Test func otherDTypesAndInMemorySourcesAreNotBorrowed() throws {
        let half = try SafetensorsFile(path: Self.fixture("f16.safetensors"))
        #expect(half.borrowed("block.0.conv.weight") == nil)
        let named = NamedTensors([("t", Tensor(shape: [2], data: [1, 2]))], source: "memory")
        #expect(named.borrowed("t") == nil)
    }

    @Test func aBorrowedTensorCountsAsUsedAndIsCheckedLikeACopy() throws {
        let file = try SafetensorsFile(path: Self.fixture("f32.safetensors"))
        let loader = StrictLoader(file, ignorable: { $0 != "block.0.conv.weight" })
        #expect(throws: WeightLoadError.self) { try loader.borrowed("block.0.conv.weight", shape: [4, 2, 3, 4]) }
        #expect(throws: WeightLoadError.self) { try loader.borrowed("no.such.tensor", shape: [1]) }
        #expect(try loader.borrowed("block.0.conv.weight", shape: [4, 2, 3, 3]) != nil)
        try loader.finish()  // would throw `unused` had the borrowed tensor not counted
    }

    @Test func anEmbeddingReadsBorrowedRowsAsItReadsItsOwn() throws {
        let file = try SafetensorsFile(path: Self.fixture("f32.safetensors"))
        let values = try file.floats("block.0.conv.weight")  // [4, 2, 3, 3] as 8 rows of 9
        guard let view = file.borrowed("block.0.conv.weight") else {
            Issue.record("a float32 tensor was not borrowed")
            return
        }
        let ids = [7, 0, 3, 3]
        let borrowed = Embedding(borrowing: view, vocabulary: 8, width: 9)(ids)
        let owned = Embedding(table: values, vocabulary: 8, width: 9)(ids)
        #expect(borrowed.shape == [4, 9])
        #expect(borrowed.data.map(\.bitPattern) == owned.data.map(\.bitPattern))
        #expect(Array(borrowed.data[0..<9]) == Array(values[63..<72]))
    }

    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
    }

    /// This process's resident kB of the mapping that holds `address` (`/proc/self/smaps`).
    static func residentKB(ofMappingHolding address: UnsafeRawPointer) throws -> Int {
        let target = UInt(bitPattern: Int(bitPattern: address))
        var inside = false
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))  // size 0: read to the end
        defer { try? handle.close() }
        let text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inside, fields.first == "Rss:", fields.count >= 2, let kB = Int(fields[1]) {
                return kB
            }
        }
        throw CocoaError(.fileReadUnknown)
    }

    @Test func aStreamedLinearMultipliesABorrowedWeightAsItsOwnAndAsFloat64() throws {
        let (rows, inputs, outputs) = (3, 300, 200)
        let (w, b, x) = (Self.values(outputs * inputs, seed: 1), Self.values(outputs, seed: 2),
                         Self.values(rows * inputs, seed: 3))
        let directory = try TemporaryDirectory()
        let path = directory.path("linear.safetensors")
        try SafetensorsWriter.write([("w", Tensor(shape: [outputs, inputs], data: w))], to: path)
        let file = try SafetensorsFile(path: path)
        let view = try #require(file.borrowed("w"))
        let input = Tensor(shape: [rows, inputs], data: x)
        let borrowed = StreamedLinear(borrowing: view, bias: b, inFeatures: inputs, outFeatures: outputs,
                                      blockRows: 64)(input, activation: .relu)
        let owned = StreamedLinear(weight: w, bias: b, inFeatures: inputs, outFeatures: outputs,
                                   blockRows: 64)(input, activation: .relu)
        #expect(borrowed.shape == [rows, outputs])
        #expect(borrowed.data.map(\.bitPattern) == owned.data.map(\.bitPattern))
        var worst = 0.0
        for r in 0..<rows {
            for o in 0..<outputs {
                var sum = Double(b[o])
                for i in 0..<inputs { sum += Double(x[r * inputs + i]) * Double(w[o * inputs + i]) }
                worst = max(worst, abs(max(sum, 0) - Double(borrowed.data[r * outputs + o])))
            }
        }
        print("StreamedLinear against float64: max |difference| \(worst) (tolerance 1e-4)")
        #expect(worst < 1e-4)
    }

    @Test func aStreamedLinearLeavesItsBorrowedWeightUnresident() throws {
        let (inputs, outputs, blockRows) = (2048, 1024, 64)  // 8 MiB of weight, blocks of 512 KiB
        let directory = try TemporaryDirectory()
        let path = directory.path("large.safetensors")
        try SafetensorsWriter.write([("w", Tensor(shape: [outputs, inputs], data: Self.values(outputs * inputs, seed: 4)))],
                                    to: path)
        let file = try SafetensorsFile(path: path)
        let view = try #require(file.borrowed("w"))
        let layer = StreamedLinear(borrowing: view, bias: nil, inFeatures: inputs, outFeatures: outputs,
                                   blockRows: blockRows)
        _ = layer(Tensor(shape: [2, inputs], data: Self.values(2 * inputs, seed: 5)))
        let afterCall = try Self.residentKB(ofMappingHolding: view.base)
        // The measure itself: reading the whole weight in place makes it resident.
        var sum: Float = 0
        for i in stride(from: 0, to: view.count, by: 1024) { sum += view.base[i] }
        let afterReading = try Self.residentKB(ofMappingHolding: view.base)
        print("mapping resident after a call: \(afterCall) kB; after reading every page: \(afterReading) kB (sum \(sum))")
        #expect(afterCall <= 1024, "at most a block and its edges, 512 KiB + pages")
        #expect(afterReading >= 8 * 1024 - 64)
    }
}
