import Foundation
import Testing
import VisualEncoder
import Weights

/// `vidtag extract` and `vidtag bundle verify` on a full-size timm-named weight file written at
/// test time from the seeded generator (the same weights the timm goldens were made with).
@Suite(.serialized) struct ExtractCommandTests {
    /// A temporary folder with `visual.safetensors` (timm's names, plus the classifier tensors
    /// timm files carry) and a bundle naming it.
    static let workspace: URL = {
        let folder = TestFolder.root.appendingPathComponent("extract")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var tensors = SeededWeights(layout: InceptionResNetV2.layout).tensors()
        tensors += SeededWeights(layout: [("classif.weight", [1000, 1536]), ("classif.bias", [1000])]).tensors()
        let weights = folder.appendingPathComponent("visual.safetensors")
        try! SafetensorsWriter.write(tensors, to: weights.path)
        let bundle = ModelBundle(name: "test", encoders: [
            "visual": .init(architecture: "inception_resnet_v2", format: "timm-safetensors",
                            files: ["weights": .init(path: "visual.safetensors",
                                                     sha256: try! SHA256.hexDigest(ofFile: weights.path))],
                            pretrained: false),
        ])
        try! bundle.write(to: folder.path)
        return folder
    }()

    static let goldens = try! SafetensorsFile(
        path: CLI.fixtures.appendingPathComponent("visual/irv2_goldens.safetensors").path)

    func photo(_ name: String) -> String { CLI.fixtures.appendingPathComponent("visual/\(name).png").path }

    func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let norms = a.reduce(0.0) { $0 + Double($1 * $1) } * b.reduce(0.0) { $0 + Double($1 * $1) }
        return dot / norms.squareRoot()
    }

    @Test func extractWithTimmWeightsWritesTimmsCoverFeatures() throws {
        let output = Self.workspace.appendingPathComponent("out-override")
        let weights = Self.workspace.appendingPathComponent("visual.safetensors").path
        let result = try CLI.run(["extract", "--visual", weights, "--output", output.path, photo("astronaut")])
        #expect(result.status == 0, "\(result.stderr)")
        let record = CLI.object(try #require(result.lines.first))
        #expect(record["id"] as? String == "astronaut")
        let file = try SafetensorsFile(path: output.appendingPathComponent("astronaut.safetensors").path)
        #expect(file.names == ["cover"])
        let cover = try file.floats("cover")
        let reference = try Self.goldens.floats("features.astronaut")
        let similarity = cosine(cover, reference)
        print("extract --visual: cosine to timm \(similarity) (tolerance ≥ 0.99999)")
        #expect(similarity >= 0.99999)
        #expect(file.metadata["encoders"]?.contains(try SHA256.hexDigest(ofFile: weights)) == true)
    }

    @Test func bundleVerifiesAndExtractsThroughIt() throws {
        let verify = try CLI.run(["bundle", "verify", Self.workspace.path])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("bundle 'test' ok"))

        let output = Self.workspace.appendingPathComponent("out-bundle")
        let video = CLI.fixtures.appendingPathComponent("media/h264_aac.mp4").path
        let result = try CLI.run(["extract", "--bundle", Self.workspace.path, "--frames", "3", "--output", output.path,
                                  photo("chelsea"), video, CLI.fixtures.appendingPathComponent("media/text.mp4").path])
        #expect(result.status == 2, "one input is not media")
        #expect(result.lines.count == 3)
        let cover = try SafetensorsFile(path: output.appendingPathComponent("chelsea.safetensors").path).floats("cover")
        let similarity = cosine(cover, try Self.goldens.floats("features.chelsea"))
        print("extract --bundle: cosine to timm \(similarity) (tolerance ≥ 0.99999)")
        #expect(similarity >= 0.99999)
        let frames = try SafetensorsFile(path: output.appendingPathComponent("h264_aac.safetensors").path)
        #expect(try frames.entry("visual.frames").shape == [3, 1536])
        // 3 instants over 4 s: 0.667, 2.0, 3.333 → the first frames at or after them (25 fps).
        #expect(frames.metadata["frame_timestamps"] == "[0.68,2,3.36]")
        let error = CLI.object(result.lines[2])["error"] as? [String: Any]
        #expect(error?["code"] as? String == "not_media")
    }

    @Test func damagedWeightsFailVerificationByHash() throws {
        let folder = Self.workspace.appendingPathComponent("damaged")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var bundle = try ModelBundle.load(directory: Self.workspace.path)
        bundle.encoders["visual"]?.files["weights"]?.sha256 = String(repeating: "0", count: 64)
        try bundle.write(to: folder.path)
        try FileManager.default.linkItem(at: Self.workspace.appendingPathComponent("visual.safetensors"),
                                         to: folder.appendingPathComponent("visual.safetensors"))
        let result = try CLI.run(["bundle", "verify", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("SHA-256"))
        let extract = try CLI.run(["extract", "--bundle", folder.path, "--output", folder.appendingPathComponent("features").path, photo("coffee")])
        #expect(extract.status == 1)
        #expect(extract.stderr.contains("SHA-256"))
    }
}
