import Foundation
import Testing

/// `vidtag classify` as a batch tool, run as a user would on real fixture videos through the
/// test bundle (``ClassifyBundle``): one line per input in order, error records and exit status
/// 2, resume after SIGKILL, shards, streaming standard input, quarantine, --max-failures,
/// SIGINT/SIGTERM, exit statuses, cached features and embeddings.
@Suite(.serialized) struct ClassifyCommandTests {
    static let media = CLI.fixtures.appendingPathComponent("media")
    static let goodVideos = ["h264_aac.mp4", "no_audio.mp4", "vfr.mp4", "gray.mkv", "h264_bframes.mp4", "mpeg4.avi",
                             "vp9_opus.webm", "rotated_90.mp4"]

    /// A fresh temporary folder.
    static func folder(_ name: String) -> URL {
        let url = TestFolder.root.appendingPathComponent("classify-\(name)")
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A manifest of `count` records cycling through the good fixture videos, with titles,
    /// summaries and products (some junk titles among them).
    static func manifest(count: Int, in folder: URL) -> URL {
        let titles = ["Summer linen dress 夏季连衣裙", "VID_20240301_120000.mp4", "Cat toys review", "666",
                      "Braised pork belly 红烧肉", "Kids sneakers 儿童运动鞋"]
        var lines: [String] = []
        for i in 0..<count {
            var record: [String: Any] = ["id": String(format: "v%03d", i),
                                         "video": media.appendingPathComponent(goodVideos[i % goodVideos.count]).path,
                                         "title": titles[i % titles.count]]
            if i % 2 == 0 { record["summary"] = "Item \(i): what it is and how it looks" }
            if i % 3 != 2 { record["products"] = [["title": "Product \(i)", "category": "Dresses"]] }
            lines.append(String(decoding: try! JSONSerialization.data(withJSONObject: record, options: .sortedKeys), as: UTF8.self))
        }
        let url = folder.appendingPathComponent("manifest.jsonl")
        try! (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The 24-record manifest and its uninterrupted, serial output (the reference for the
    /// resume, shard and signal tests).
    static let reference: (manifest: URL, lines: [String]) = {
        let folder = Self.folder("reference")
        let manifest = Self.manifest(count: 24, in: folder)
        let output = folder.appendingPathComponent("out.jsonl")
        let result = try! CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", output.path,
                                   "--manifest", manifest.path])
        precondition(result.status == 0, "reference run failed: \(result.stderr)")
        return (manifest, lines(output))
    }()

    static func lines(_ file: URL) -> [String] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// A record without its timings (the only part that differs between runs), as canonical JSON.
    static func comparable(_ line: String) -> String {
        var object = CLI.object(line)
        object["timings"] = nil
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
    }

    @Test func mixedBatchGivesOneLinePerInputInOrderAndExitTwo() throws {
        let folder = Self.folder("mixed")
        let manifest = folder.appendingPathComponent("mixed.jsonl")
        let records = [
            #"{"id": "good1", "video": "\#(Self.media.path)/h264_aac.mp4", "title": "Summer linen dress", "products": [{"title": "Linen dress", "category": "Dresses"}]}"#,
            #"{"id": "noise", "video": "\#(Self.media.path)/random_bytes.mp4", "title": "Random bytes"}"#,
            #"{"id": "junk", "video": "\#(Self.media.path)/no_audio.mp4", "title": "IMG_20240301_1200.MOV", "summary": "A cat playing"}"#,
            #"{"id": "gone", "video": "\#(folder.path)/missing.mp4", "title": "Not there"}"#,
            #"{"id": "textonly", "title": "Braised pork belly with rice", "summary": "Slow cooked"}"#,
            #"{"id": 5}"#,
            #"{"id": "notmedia", "video": "\#(Self.media.path)/text.mp4"}"#,
            #"{"id": "good2", "video": "\#(Self.media.path)/vfr.mp4", "cover": "\#(Self.media.path)/cover.jpg"}"#,
        ]
        try (records.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
        let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--manifest", manifest.path])
        #expect(result.status == 2, "\(result.stderr)")
        let objects = result.lines.map(CLI.object)
        #expect(objects.count == records.count)
        #expect(objects.map { $0["id"] as? String } == ["good1", "noise", "junk", "gone", "textonly",
                                                         "\(manifest.path):6", "notmedia", "good2"])
        let failed = objects.enumerated().filter { $0.element["error"] != nil }.map(\.offset)
        #expect(failed == [1, 3, 5, 6])
        for index in failed {
            let error = try #require(objects[index]["error"] as? [String: Any])
            #expect(error["stage"] is String && error["code"] is String && error["message"] is String)
        }
        #expect((objects[6]["error"] as? [String: Any])?["code"] as? String == "not_media")

        let taxonomy = try Self.taxonomyParents()
        for index in [0, 2, 4, 7] {
            let record = objects[index]
            #expect(record["schema_version"] as? Int == 1)
            let bundle = try #require(record["bundle"] as? [String: Any])
            #expect(bundle["name"] as? String == "classify-test" && bundle["pretrained"] as? Bool == false)
            #expect((bundle["sha256"] as? String)?.count == 64)
            let level1 = try #require((record["level1"] as? [String: Any])?["id"] as? String)
            let level2 = try #require((record["level2"] as? [String: Any])?["id"] as? String)
            #expect(taxonomy[level2] == level1, "level 2 \(level2) is a child of level 1 \(level1)")
            let timings = try #require(record["timings"] as? [String: Double])
            #expect(timings["head"] != nil)
        }
        func missing(_ record: [String: Any]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: ((record["missing"] as? [[String: String]]) ?? []).map { ($0["modality"]!, $0["reason"]!) })
        }
        func used(_ record: [String: Any]) -> Set<String> { Set((record["modalities"] as? [String: Any])?.keys ?? [:].keys) }
        #expect(used(objects[0]) == ["visual", "cover", "title", "product"])
        #expect(missing(objects[0]) == ["summary": "no_summary", "cover": "cover_from_frame"])
        #expect(used(objects[2]) == ["visual", "cover", "summary"])
        #expect(missing(objects[2])["title"] == "junk_title" && missing(objects[2])["product"] == "no_products")
        #expect(used(objects[4]) == ["title", "summary"])
        #expect(missing(objects[4])["visual"] == "absent")
        #expect(used(objects[7]) == ["visual", "cover"] && missing(objects[7])["cover"] == nil)
        let weights = (objects[0]["modalities"] as? [String: Double]) ?? [:]
        #expect(abs(weights.values.reduce(0, +) - 1) < 1e-5, "attention weights over the present modalities sum to 1")
        let timings = try #require(objects[0]["timings"] as? [String: Double])
        #expect(Set(timings.keys) == ["decode", "visual", "text", "head"])

        #expect(result.stderr.components(separatedBy: "not pretrained").count == 2, "one warning: \(result.stderr)")
        let summary = try #require(CLI.object(String(result.stderr.split(separator: "\n").last ?? ""))["summary"] as? [String: Any])
        #expect(summary["failed"] as? Int == 4 && summary["succeeded"] as? Int == 4)
    }

    /// Level-2 id → level-1 id, from the committed taxonomy.
    static func taxonomyParents() throws -> [String: String] {
        let url = CLI.fixtures.deletingLastPathComponent().appendingPathComponent("Models/taxonomy/taobao.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var parents: [String: String] = [:]
        for l1 in object["categories"] as! [[String: Any]] {
            for l2 in l1["children"] as! [[String: Any]] { parents[l2["id"] as! String] = l1["id"] as? String }
        }
        return parents
    }

    @Test func killedRunResumedEqualsUninterruptedRun() throws {
        let (manifest, expected) = Self.reference
        let folder = Self.folder("resume")
        let output = folder.appendingPathComponent("out.jsonl")
        let arguments = ["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", output.path, "--manifest", manifest.path]
        let run = try CLI.Running(arguments)
        #expect(run.waitForLines(5, in: output), "5 records before the kill")
        kill(run.process.processIdentifier, SIGKILL)
        #expect(run.wait() == SIGKILL)
        let before = Self.lines(output).count
        #expect(before >= 5 && before < expected.count, "killed mid-run: \(before) of \(expected.count) lines")
        // A torn last line, as a crash inside a write could leave: resuming must repair it.
        let handle = try FileHandle(forWritingTo: output)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"id":"v0"#.utf8))
        try handle.close()

        let resumed = try CLI.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let lines = Self.lines(output)
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        #expect(lines.map(Self.comparable) == expected.map(Self.comparable))
        #expect(Set(lines.map { CLI.object($0)["id"] as? String }).count == expected.count, "no duplicates")
    }

    @Test func threeConcurrentShardsTogetherGiveTheSerialOutput() throws {
        let (manifest, expected) = Self.reference
        let folder = Self.folder("shards")
        let outputs = (0..<3).map { folder.appendingPathComponent("shard-\($0).jsonl") }
        let runs = try (0..<3).map { i in
            try CLI.Running(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--shard", "\(i)/3",
                             "--output", outputs[i].path, "--manifest", manifest.path])
        }
        #expect(runs.map { $0.wait() } == [0, 0, 0])
        let order = Dictionary(uniqueKeysWithValues: expected.enumerated().map { (CLI.object($1)["id"] as! String, $0) })
        var merged: [String] = []
        for output in outputs {
            let lines = Self.lines(output)
            #expect(!lines.isEmpty, "every shard gets some of 24 ids")
            let positions = lines.map { order[CLI.object($0)["id"] as! String] ?? -1 }
            #expect(positions == positions.sorted(), "each shard keeps input order")
            merged += lines
        }
        merged.sort { order[CLI.object($0)["id"] as! String]! < order[CLI.object($1)["id"] as! String]! }
        #expect(merged.map(Self.comparable) == expected.map(Self.comparable))
    }

    @Test func standardInputRecordsStreamOutBeforeInputCloses() throws {
        let run = try CLI.Running(["classify", "--bundle", ClassifyBundle.path, "--quiet", "-"])
        run.send(Self.media.appendingPathComponent("h264_aac.mp4").path + "\n")
        #expect(run.waitForLines(1, timeout: 120), "the first record appears while standard input is still open")
        #expect(run.process.isRunning, "still waiting for more input")
        run.send(#"{"id": "second", "title": "Cat toys review", "summary": "Three toys tested"}"# + "\n")
        #expect(run.waitForLines(2, timeout: 120))
        run.closeInput()
        #expect(run.wait() == 0, "\(run.errorText)")
        let ids = run.lines().map { CLI.object($0)["id"] as? String }
        #expect(ids == ["h264_aac", "second"])
    }

    @Test func failedInputsAreQuarantinedAndSkippedUntilRetried() throws {
        let folder = Self.folder("quarantine")
        let inputs = [Self.media.appendingPathComponent("zeroed_header.mp4").path,
                      Self.media.appendingPathComponent("h264_aac.mp4").path]
        func classify(_ name: String, _ extra: [String] = []) throws -> (CLI.Result, [[String: Any]]) {
            let output = folder.appendingPathComponent(name)
            let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", output.path,
                                      "--quarantine", folder.appendingPathComponent("quarantine.jsonl").path] + extra + inputs)
            return (result, Self.lines(output).map(CLI.object))
        }
        let (first, firstLines) = try classify("first.jsonl")
        #expect(first.status == 2)
        let code = try #require((firstLines[0]["error"] as? [String: Any])?["code"] as? String)
        #expect(code != "quarantined")
        #expect(firstLines[1]["level1"] != nil)

        let (second, secondLines) = try classify("second.jsonl")
        #expect(second.status == 2, "a skipped input still counts as failed")
        #expect(secondLines.count == 2, "the skipped input still gets its line")
        #expect((secondLines[0]["error"] as? [String: Any])?["code"] as? String == "quarantined")

        let (third, thirdLines) = try classify("third.jsonl", ["--retry-failed"])
        #expect(third.status == 2)
        #expect((thirdLines[0]["error"] as? [String: Any])?["code"] as? String == code, "tried again, failed the same way")
    }

    @Test func maxFailuresStopsTheRun() throws {
        let inputs = ["random_bytes.mp4", "zeroed_header.mp4", "h264_aac.mp4", "empty.mp4", "vfr.mp4"]
            .map { Self.media.appendingPathComponent($0).path }
        let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--max-failures", "2"] + inputs)
        #expect(result.status == 2)
        #expect(result.lines.count == 2, "stopped after the second failure: \(result.stdout)")
        let summary = CLI.object(String(result.stderr.split(separator: "\n").last ?? ""))["summary"] as? [String: Any]
        #expect(summary?["stopped_by"] as? String == "max_failures")
    }

    /// The summary's `multiply_adds` counts the run's products once each: two copies of an item
    /// cost exactly twice one (nothing counted per block or per thread, nothing from loading).
    @Test func theSummaryCountsTheMultiplyAddsOfTheRun() throws {
        let folder = TestFolder.fresh("multiply-adds")
        let video = Self.media.appendingPathComponent("h264_aac.mp4").path
        func count(_ ids: [String]) throws -> Int {
            let manifest = folder.appendingPathComponent("\(ids.count).jsonl")
            try ids.map { "{\"id\": \"\($0)\", \"video\": \"\(video)\", \"title\": \"Cat toys review\"}\n" }.joined()
                .write(to: manifest, atomically: true, encoding: .utf8)
            let summary = folder.appendingPathComponent("summary-\(ids.count).json")
            let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--frames", "2", "--threads", "2",
                                      "--summary", summary.path, "--manifest", manifest.path])
            #expect(result.status == 0, "\(result.stderr)")
            let count = CLI.object(try String(contentsOf: summary, encoding: .utf8))["multiply_adds"] as? Int ?? -1
            let line = CLI.object(String(result.stderr.split(separator: "\n").last ?? ""))["summary"] as? [String: Any]
            #expect(line?["multiply_adds"] as? Int == count, "standard error's summary line says the same")
            return count
        }
        let one = try count(["a"]), two = try count(["a", "b"])
        print("multiply-adds: one item \(one), two \(two)")
        #expect(one > 0)
        #expect(two == 2 * one)
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalStopsCleanlyAndResumeCompletes(signal: Int32, status: Int32) throws {
        let (manifest, expected) = Self.reference
        let folder = Self.folder("signal-\(signal)")
        let output = folder.appendingPathComponent("out.jsonl")
        let arguments = ["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", output.path, "--manifest", manifest.path]
        let summaryFile = folder.appendingPathComponent("summary.json")
        let run = try CLI.Running(arguments + ["--summary", summaryFile.path])
        #expect(run.waitForLines(2, in: output))
        kill(run.process.processIdentifier, signal)
        #expect(run.wait() == status, "\(run.errorText)")
        let partial = Self.lines(output)
        #expect(partial.count < expected.count)
        #expect(try String(contentsOf: output, encoding: .utf8).hasSuffix("\n"), "nothing half-written")
        #expect(partial.map(Self.comparable) == expected.prefix(partial.count).map(Self.comparable))
        #expect(run.errorText.isEmpty, "--quiet: \(run.errorText)")
        let summary = CLI.object(try String(contentsOf: summaryFile, encoding: .utf8))
        #expect(summary["stopped_by"] as? String == (signal == SIGINT ? "SIGINT" : "SIGTERM"))

        let resumed = try CLI.run(arguments + ["--resume"])
        #expect(resumed.status == 0)
        #expect(Self.lines(output).map(Self.comparable) == expected.map(Self.comparable))
    }

    @Test func fatalProblemsExitOne() throws {
        let video = Self.media.appendingPathComponent("h264_aac.mp4").path
        let missing = try CLI.run(["classify", "--bundle", "/nonexistent/bundle", video])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/bundle"))
        #expect(missing.stdout.isEmpty)

        let noInputs = try CLI.run(["classify", "--bundle", ClassifyBundle.path])
        #expect(noInputs.status == 1 && noInputs.stderr.contains("no inputs"))

        let headless = Self.folder("headless")
        var manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: ClassifyBundle.directory.appendingPathComponent("bundle.json"))) as! [String: Any]
        manifest["head"] = nil
        try JSONSerialization.data(withJSONObject: manifest).write(to: headless.appendingPathComponent("bundle.json"))
        let noHead = try CLI.run(["classify", "--bundle", headless.path, video])
        #expect(noHead.status == 1 && noHead.stderr.contains("no trained head"), "\(noHead.stderr)")

        let environment = try CLI.run(["classify", video], environment: ["VIDTAG_BUNDLE": "/nonexistent/env-bundle"])
        #expect(environment.status == 1 && environment.stderr.contains("/nonexistent/env-bundle"))

        let output = Self.folder("overwrite").appendingPathComponent("out.jsonl")
        try "{\"id\": \"x\"}\n".write(to: output, atomically: true, encoding: .utf8)
        let overwrite = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--output", output.path, video])
        #expect(overwrite.status == 1 && overwrite.stderr.contains("--resume"), "never overwrites results")

        let help = try CLI.run(["classify", "--help"])
        #expect(help.stdout.contains("Exit status: 0") && help.stdout.contains("130/143"))
    }

    @Test func cachedFeaturesClassifyLikeMediaAndEmbeddingsFollowRecords() throws {
        let folder = Self.folder("features")
        let manifest = Self.manifest(count: 6, in: folder)
        let features = folder.appendingPathComponent("features")
        let extract = try CLI.run(["extract", "--bundle", ClassifyBundle.path, "--quiet", "--output", features.path,
                                   "--manifest", manifest.path])
        #expect(extract.status == 0, "\(extract.stderr)")
        let direct = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--manifest", manifest.path,
                                  "--embeddings", folder.appendingPathComponent("direct.jsonl").path])
        let cached = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--features", features.path,
                                  "--embeddings", folder.appendingPathComponent("cached.jsonl").path])
        #expect(direct.status == 0 && cached.status == 0, "\(cached.stderr)")
        func prediction(_ line: String) -> String {
            var object = CLI.object(line)
            (object["timings"], object["input"]) = (nil, nil)
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
        }
        #expect(direct.lines.count == 6)
        #expect(cached.lines.map(prediction) == direct.lines.map(prediction))
        let cachedTimings = CLI.object(cached.lines[0])["timings"] as? [String: Double]
        #expect(cachedTimings?["read"] != nil && cachedTimings?["decode"] == nil, "no decoding again")

        let embeddings = Self.lines(folder.appendingPathComponent("direct.jsonl")).map(CLI.object)
        #expect(embeddings.map { $0["id"] as? String } == direct.lines.map { CLI.object($0)["id"] as? String })
        let cachedEmbeddings = Self.lines(folder.appendingPathComponent("cached.jsonl")).map(CLI.object)
        for (a, b) in zip(embeddings, cachedEmbeddings) {
            let (x, y) = (a["embedding"] as? [Double] ?? [], b["embedding"] as? [Double] ?? [])
            #expect(!x.isEmpty && x == y)
        }
    }
}
