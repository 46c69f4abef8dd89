import Testing
@testable import Batch

/// `--shard I/N`: N runs split any input between them, the same way on every machine.
@Suite struct ShardTests {
    /// Pinned: a run on another machine (or after a rebuild) must give each id the same shard,
    /// or shards resumed there would redo or miss items. FNV-1a-64 of the id's UTF-8, modulo N;
    /// the expected owners were computed in Python:
    /// `h = 0xcbf29ce484222325; for b in id.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64`.
    @Test func assignmentIsPinned() {
        let shards = (0..<4).map { Shard("\($0)/4")! }
        let owners = ["id0", "id1", "id2", "video-0001", "视频", ""].map { id in shards.firstIndex { $0.contains(id) }! }
        #expect(owners == [0, 3, 2, 0, 0, 1])
    }

    @Test func everyIDHasExactlyOneShardAndTheyAreBalanced() {
        let ids = (0..<3000).map { "clip-\($0)" }
        for count in [2, 3, 7] {
            let shards = (0..<count).map { Shard("\($0)/\(count)")! }
            #expect(ids.allSatisfy { id in shards.filter { $0.contains(id) }.count == 1 })
            let sizes = shards.map { shard in ids.filter(shard.contains).count }
            let share = Double(ids.count) / Double(count)
            #expect(sizes.allSatisfy { abs(Double($0) - share) < 0.1 * share }, "shard sizes \(sizes) for N = \(count)")
        }
    }

    @Test func runsOfAllShardsTogetherCoverTheInputsOnce() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let inputs = Scratch.records(40)
        var written: [String] = []
        for index in 0..<3 {
            var options = BatchRunner.Options()
            options.shard = Shard("\(index)/3")
            let path = scratch.path("shard\(index).jsonl")
            _ = try Scratch.run(ScriptedJob(), inputs, into: path, options: options)
            written += try Scratch.ids(path)
        }
        #expect(written.sorted() == (0..<40).map { "id\($0)" }.sorted())
    }

    @Test func malformedShardsAreRefused() {
        for text in ["3/3", "-1/2", "1/0", "1", "a/b", "1/2/3"] { #expect(Shard(text) == nil, "\(text)") }
    }
}
