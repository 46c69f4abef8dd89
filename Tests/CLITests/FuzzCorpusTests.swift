import Foundation
import Testing

/// The fuzz targets' committed corpora (Fixtures/fuzz/TARGET: the seeds, and every crash the
/// fuzzers found, as `crash-*`) replayed through `vidtag-fuzz` in the normal build: each input
/// must come back from the reader it targets, with a thrown error at worst. A crash here is a
/// reader that fails on hostile bytes again.
@Suite struct FuzzCorpusTests {
    static let targets = ["manifest", "safetensors", "checkpoint", "taxonomy", "media"]

    @Test(arguments: targets)
    func corpusReplaysWithoutCrashing(target: String) throws {
        let folder = CLI.fixtures.appendingPathComponent("fuzz/\(target)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(inputs.contains { $0.hasPrefix("seed-") }, "no seeds in \(folder.path)")
        let result = try CLI.run([target, folder.path], program: "vidtag-fuzz")
        #expect(result.status == 0, "vidtag-fuzz \(target) ended with status \(result.status): \(result.stderr)")
        #expect(result.stdout.contains("\(target): \(inputs.count) input"), "\(result.stdout)")
    }

    @Test func unknownTargetIsAUsageError() throws {
        let result = try CLI.run(["nonsense", CLI.fixtures.path], program: "vidtag-fuzz")
        #expect(result.status == 1)
        #expect(result.stderr.contains("usage: vidtag-fuzz manifest|safetensors|checkpoint|taxonomy|media"))
    }
}
