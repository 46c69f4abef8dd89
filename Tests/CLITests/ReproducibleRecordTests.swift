import Foundation
import Testing

/// A video's record is the same, byte for byte (but for its `timings`), however it is run:
/// alone or among other videos, in any order, on one thread or two, in either of two shards, or
/// in a run killed and finished with `--resume`. Every product an item makes in Inception-ResNet-v2,
/// VGGish, BERT and the head has shapes of that item alone, and GEMM cuts products into blocks
/// by shape, not by thread count (see `GEMM.blockCount`). The bundle has all four networks
/// (``ClassifyBundle/withAudio``), the records every modality.
@Suite(.serialized) struct ReproducibleRecordTests {
    static let media = CLI.fixtures.appendingPathComponent("media")

    /// Eight records: videos with and without sound, an audio file, a text-only record, a
    /// picture with text; titles, summaries and products on most. Paths are absolute, so a
    /// record reads the same from a manifest and from standard input.
    static let records: [String] = {
        let inputs: [(video: String?, title: String?, summary: String?, products: Int)] = [
            ("h264_aac.mp4", "Summer linen dress 夏季连衣裙", "Light and cool for hot days", 2),
            ("vp9_opus.webm", "Cat toys review", nil, 1),
            ("mpeg4.avi", "Braised pork belly 红烧肉", "Slow cooked for two hours", 0),
            ("no_audio.mp4", "VID_20240301_120000.mp4", "A cat playing with a ball", 1),
            ("audio.m4a", "Kids sneakers 儿童运动鞋", nil, 3),
            (nil, "Wireless earbuds unboxing", "Battery life and sound", 1),
            ("cover.jpg", "Linen shirt", nil, 0),
            ("h264_bframes.mp4", nil, "Garden tools for spring", 2),
        ]
        return inputs.enumerated().map { index, input in
            var record: [String: Any] = ["id": "r\(index)"]
            record["video"] = input.video.map { media.appendingPathComponent($0).path }
            record["title"] = input.title
            record["summary"] = input.summary
            if input.products > 0 {
                record["products"] = (0..<input.products).map { ["title": "Product \(index).\($0)", "category": "Dresses"] }
            }
            return String(decoding: try! JSONSerialization.data(withJSONObject: record, options: .sortedKeys), as: UTF8.self)
        }
    }()

    static func folder(_ name: String) -> URL {
        let url = TestFolder.root.appendingPathComponent("reproducible-\(name)")
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func manifest(_ records: [String], _ name: String, in folder: URL) -> URL {
        let url = folder.appendingPathComponent(name)
        try! (records.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Runs classify over `manifest` and returns its records by id, each without its timings.
    static func classify(_ manifest: URL, _ extra: [String] = []) throws -> [String: String] {
        let result = try CLI.run(["classify", "--bundle", ClassifyBundle.withAudio.path, "--quiet",
                                  "--manifest", manifest.path] + extra)
        #expect(result.status == 0, "\(extra): \(result.stderr)")
        return byID(result.lines)
    }

    /// Records keyed by id, each line as written but for its `"timings":{…}` member.
    static func byID(_ lines: [String]) -> [String: String] {
        var records: [String: String] = [:]
        for line in lines {
            let id = CLI.object(line)["id"] as? String ?? "?"
            #expect(records[id] == nil, "one record per id: \(id)")
            records[id] = withoutTimings(line)
        }
        return records
    }

    static func withoutTimings(_ line: String) -> String {
        let stripped = line.replacingOccurrences(of: #""timings":\{[^{}]*\},?"#, with: "", options: .regularExpression)
        #expect(stripped != line, "a record has timings: \(line.prefix(120))")
        return stripped
    }

    /// The serial run of all eight records, in order, on the default threads.
    static let serial: [String: String] = {
        let folder = Self.folder("serial")
        return try! classify(manifest(records, "all.jsonl", in: folder))
    }()

    static func expectSame(_ records: [String: String], as reference: [String: String], _ how: String) {
        #expect(records.keys.sorted() == reference.keys.sorted(), "\(how): the same ids")
        for (id, line) in reference.sorted(by: { $0.key < $1.key }) {
            #expect(records[id] == line, "\(how): record \(id) differs\n  \(records[id] ?? "none")\n  \(line)")
        }
    }

    @Test func aloneInABatchInAnyOrderOnAnyThreadsGiveTheSameBytes() throws {
        let reference = Self.serial
        #expect(reference.count == Self.records.count)
        #expect(reference.values.allSatisfy { $0.contains(#""level1":"#) }, "every record classified")
        #expect(reference.values.contains { $0.contains(#""audio":"#) }, "the audio modality is used")
        let folder = Self.folder("ways")

        var alone: [String: String] = [:]
        for (index, record) in Self.records.enumerated() {
            alone.merge(try Self.classify(Self.manifest([record], "alone-\(index).jsonl", in: folder))) { $1 }
        }
        Self.expectSame(alone, as: reference, "one per process")

        let reversed = Self.manifest(Self.records.reversed(), "reversed.jsonl", in: folder)
        Self.expectSame(try Self.classify(reversed), as: reference, "reversed order")
        let shuffled = Self.manifest([3, 6, 0, 5, 1, 7, 2, 4].map { Self.records[$0] }, "shuffled.jsonl", in: folder)
        Self.expectSame(try Self.classify(shuffled), as: reference, "shuffled order")

        let all = Self.manifest(Self.records, "all.jsonl", in: folder)
        Self.expectSame(try Self.classify(all, ["--threads", "1"]), as: reference, "--threads 1")
        Self.expectSame(try Self.classify(all, ["--threads", "2"]), as: reference, "--threads 2")
    }

    @Test func shardsAndAResumedRunGiveTheSameBytes() throws {
        let reference = Self.serial
        let folder = Self.folder("shards")
        let all = Self.manifest(Self.records, "all.jsonl", in: folder)
        var shards: [String: String] = [:]
        for shard in ["0/2", "1/2"] {
            let part = try Self.classify(all, ["--shard", shard])
            #expect(!part.isEmpty && part.count < Self.records.count, "shard \(shard) takes some of the ids")
            shards.merge(part) { first, _ in first }
        }
        Self.expectSame(shards, as: reference, "--shard 0/2 + 1/2")

        // Killed (SIGKILL) while the sixth record is in hand: the first five are in the output.
        let output = folder.appendingPathComponent("out.jsonl")
        let run = try CLI.Running(["classify", "--bundle", ClassifyBundle.withAudio.path, "--quiet",
                                   "--output", output.path, "-"])
        run.send(Self.records.prefix(6).joined(separator: "\n") + "\n")
        #expect(run.waitForLines(5, in: output, timeout: 300))
        kill(run.process.processIdentifier, SIGKILL)
        #expect(run.wait() == SIGKILL)
        let before = ClassifyCommandTests.lines(output).count
        #expect(before >= 5 && before < Self.records.count)
        let resumed = try CLI.run(["classify", "--bundle", ClassifyBundle.withAudio.path, "--quiet",
                                   "--output", output.path, "--resume", "--manifest", all.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        Self.expectSame(Self.byID(ClassifyCommandTests.lines(output)), as: reference, "killed, then --resume")
    }
}
