import Foundation
import Testing

/// The commands behave alike where a user expects them to: one bundle lookup, one naming of
/// weight options, no silent replacement of heads or feature folders, URLs refused by name,
/// options that do not apply refused, bounded numeric options, a torn output line reported,
/// and `vidtag` alone failing with its usage.
@Suite(.serialized) struct CommandConsistencyTests {
    static let media = CLI.fixtures.appendingPathComponent("media")
    static var video: String { media.appendingPathComponent("h264_aac.mp4").path }

    static func folder(_ name: String) -> URL { TestFolder.fresh("consistency-\(name)") }

    static func code(_ line: String) -> String? { CLI.errorCode(line) }

    @Test func extractFindsTheBundleAsClassifyDoesAndKeepsFeatureFolders() throws {
        let output = Self.folder("extract").appendingPathComponent("features")
        let first = try CLI.run(["extract", "--quiet", "--frames", "2", "--output", output.path, Self.video],
                                environment: ["VIDTAG_BUNDLE": ClassifyBundle.path])
        #expect(first.status == 0, "VIDTAG_BUNDLE is honoured: \(first.stderr)")
        let file = output.appendingPathComponent("h264_aac.safetensors")
        let written = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date

        let again = try CLI.run(["extract", "--bundle", ClassifyBundle.path, "--quiet", "--output", output.path, Self.video])
        #expect(again.status == 1 && again.stderr.contains("--resume") && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date == written)

        let resumed = try CLI.run(["extract", "--bundle", ClassifyBundle.path, "--quiet", "--resume", "--output", output.path, Self.video])
        #expect(resumed.status == 0 && resumed.stdout.isEmpty, "done already: \(resumed.stdout)")
        let forced = try CLI.run(["extract", "--bundle", ClassifyBundle.path, "--quiet", "--force", "--frames", "2",
                                  "--output", output.path, Self.video])
        #expect(forced.status == 0 && forced.lines.count == 1, "\(forced.stderr)")

        let oldName = try CLI.run(["extract", "--visual-weights", "x.safetensors", "--output", output.path, Self.video])
        #expect(oldName.status == 1, "one naming scheme: --visual, as in bundle import")
    }

    @Test func urlsAreRefusedByName() throws {
        let folder = Self.folder("urls")
        let manifest = folder.appendingPathComponent("m.jsonl")
        try #"{"id": "remote", "video": "https://example.com/a.mp4"}"#.appending("\n").write(to: manifest, atomically: true, encoding: .utf8)
        let run = try CLI.Running(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--manifest", manifest.path,
                                   "file:///tmp/b.mp4", "-"])
        run.send("https://example.com/c.mp4\n")
        run.closeInput()
        #expect(run.wait() == 2)
        let lines = run.lines()
        #expect(lines.map(Self.code) == ["url_not_supported", "url_not_supported", "url_not_supported"], "\(lines)")
        #expect(lines.map { CLI.object($0)["id"] as? String } == ["remote", "b", "c"])
        #expect(!run.errorText.contains("No such file"), "\(run.errorText)")
    }

    @Test func optionsThatDoNotApplyOrAreOutOfRangeAreRefused() throws {
        let features = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--features", "/tmp", "--frames", "4"])
        #expect(features.status == 1 && features.stderr.contains("--frames"), "\(features.stderr)")
        for (option, value) in [("--frames", "5000"), ("--time-limit", "1e12"), ("--fps", "1e9"), ("--max-frames", "100000"),
                                ("--time-limit", "nan")] {
            let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, option, value, Self.video])
            #expect(result.status == 1 && result.stderr.contains(option) && result.stdout.isEmpty, "\(option) \(value): \(result.stderr)")
        }
        let alone = try CLI.run([])
        #expect(alone.status == 1 && alone.stderr.contains("SUBCOMMANDS"), "\(alone.stderr)")
    }

    @Test func aTornLineRepairedOnResumeIsSaid() throws {
        let output = Self.folder("torn").appendingPathComponent("out.jsonl")
        try #"{"id":"h264_a"#.write(to: output, atomically: true, encoding: .utf8)
        let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--output", output.path, "--resume", Self.video])
        #expect(result.status == 0)
        #expect(result.stderr.contains("torn last line (13 bytes)"), "\(result.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8).split(separator: "\n").count == 1)

        // A damaged line in the middle is said (even with --quiet), kept, and its input runs again.
        let damaged = Self.folder("damaged").appendingPathComponent("out.jsonl")
        let record = try String(contentsOf: output, encoding: .utf8)
        try (record + "{\"id\":\"vfr\",\u{0}garbage\n").write(to: damaged, atomically: true, encoding: .utf8)
        let vfr = Self.media.appendingPathComponent("vfr.mp4").path
        let resumed = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", damaged.path, "--resume",
                                   Self.video, vfr])
        #expect(resumed.status == 0)
        #expect(resumed.stderr.contains("line 2 is not a record"), "\(resumed.stderr)")
        let ids = try String(contentsOf: damaged, encoding: .utf8).split(separator: "\n").map { CLI.object(String($0))["id"] as? String }
        #expect(ids == ["h264_aac", nil, "vfr"], "\(ids)")
    }

    @Test func inspectSamplesAsTheBundleDoesAndTaxonomyListsTheHeadsCategories() throws {
        // The classify test bundle samples 2 frames (the demo 4, the default 16).
        let inspect = try CLI.run(["inspect", "--bundle", ClassifyBundle.path, Self.video])
        #expect((CLI.object(inspect.stdout)["sampled_timestamps"] as? [Double])?.count == 2, "\(inspect.stdout)")
        let overridden = try CLI.run(["inspect", "--bundle", ClassifyBundle.path, "--frames", "5", Self.video])
        #expect((CLI.object(overridden.stdout)["sampled_timestamps"] as? [Double])?.count == 5)
        let missing = try CLI.run(["inspect", "--bundle", "/nonexistent", Self.video])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent"))

        let tree = try CLI.run(["taxonomy", "--bundle", ClassifyBundle.path])
        #expect(tree.status == 0 && tree.lines.first?.hasPrefix("apparel  服饰  Apparel") == true, "\(tree.stdout)")
        #expect(tree.lines.contains("  apparel.kids_clothing  儿童服饰  Children's clothing"))
        let lines = try CLI.run(["taxonomy", "--json", "--file", CLI.fixtures.deletingLastPathComponent()
            .appendingPathComponent("Models/taxonomy/taobao.json").path]).lines.map(CLI.object)
        let children = lines.filter { $0["level"] as? Int == 2 }
        #expect(!children.isEmpty && children.allSatisfy { ($0["id"] as? String)?.hasPrefix(($0["parent"] as? String ?? "?") + ".") == true })
        #expect(lines.count == tree.lines.count, "the same categories either way")
    }

    @Test func trainKeepsAnExistingHeadUnlessForced() throws {
        let head = Self.folder("train").appendingPathComponent("head")
        try FileManager.default.createDirectory(at: head, withIntermediateDirectories: true)
        try "{}".write(to: head.appendingPathComponent("head.json"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["train", "--features", "/nonexistent", "--labels", "/nonexistent", "--taxonomy", "/nonexistent",
                                  "--output", head.path])
        #expect(result.status == 1 && result.stderr.contains("--force"), "\(result.stderr)")
        #expect(try String(contentsOf: head.appendingPathComponent("head.json"), encoding: .utf8) == "{}")
    }

    /// An option that would change nothing for the chosen head is refused, not ignored.
    @Test func attentionReachingLevel2AloneNeedsAppendedAttention() throws {
        let result = try CLI.run(["train", "--features", "/nonexistent", "--labels", "/nonexistent", "--taxonomy", "/nonexistent",
                                  "--output", Self.folder("reach").path, "--fusion", "concat", "--attention-reaches", "level2"])
        #expect(result.status != 0 && result.stderr.contains("--attention-reaches level2 needs --fusion attention"),
                "\(result.stderr)")
    }
}
