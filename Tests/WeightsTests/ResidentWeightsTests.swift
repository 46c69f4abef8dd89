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
}
