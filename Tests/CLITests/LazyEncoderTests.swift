import Foundation
import Testing

/// Encoders load when an item first needs them: a run whose inputs need none never touches the
/// weights (so it starts at once), and weights that turn out damaged stop the run with exit
/// status 1 after the records already written, never with a crash or a wrong result.
@Suite(.serialized) struct LazyEncoderTests {
    static let media = CLI.fixtures.appendingPathComponent("media")

    /// A copy of the classify bundle whose visual weights file is replaced by `bytes` (nil:
    /// removed), its manifest unchanged.
    static func damagedBundle(_ name: String, visual bytes: Data?) throws -> URL {
        let folder = TestFolder.root.appendingPathComponent("lazy-\(name)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: ClassifyBundle.path) where item != "visual.safetensors" {
            try FileManager.default.copyItem(at: ClassifyBundle.directory.appendingPathComponent(item),
                                             to: folder.appendingPathComponent(item))
        }
        if let bytes { try bytes.write(to: folder.appendingPathComponent("visual.safetensors")) }
        return folder
    }

    @Test func inputsThatNeedNoEncoderNeverLoadOne() throws {
        let bundle = try Self.damagedBundle("missing", visual: nil)
        let notMedia = Self.media.appendingPathComponent("text.mp4").path
        let result = try CLI.run(["classify", "--bundle", bundle.path, "--quiet", notMedia])
        #expect(result.status == 2, "\(result.stderr)")
        #expect((CLI.object(result.stdout)["error"] as? [String: Any])?["code"] as? String == "not_media")
        #expect(!result.stderr.contains("encoder"), "\(result.stderr)")
    }

    @Test func damagedWeightsStopTheRunAfterTheRecordsWritten() throws {
        let original = try Data(contentsOf: ClassifyBundle.directory.appendingPathComponent("visual.safetensors"))
        var flipped = original
        flipped[flipped.count / 2] ^= 0xFF
        let bundle = try Self.damagedBundle("flipped", visual: flipped)
        let inputs = ["text.mp4", "h264_aac.mp4", "vfr.mp4"].map { Self.media.appendingPathComponent($0).path }
        let result = try CLI.run(["classify", "--bundle", bundle.path, "--quiet"] + inputs)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("visual") && result.stderr.contains("SHA-256"), "\(result.stderr)")
        let ids = result.lines.map { CLI.object($0)["id"] as? String }
        #expect(ids == ["text"], "the record before the failure is kept, nothing after it: \(result.stdout)")
    }
}
