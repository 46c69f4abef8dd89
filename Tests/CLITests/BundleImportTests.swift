import AudioEncoder
import Foundation
import Head
import Testing
import VisualEncoder
import Weights

/// The import walkthrough of docs/import.md through the built binary, with random weights
/// written in each published format: timm's IRv2 safetensors (with the `classif.*` tensors
/// timm files carry), torchvggish `.pth` checkpoints (zip format, ``TorchWriter``) for the
/// network and its PCA, and a Hugging Face BERT directory (Fixtures/text/tiny-bert).
/// import → extract → train → import with the head → verify; and the refusals.
@Suite(.serialized) struct BundleImportTests {
    /// A temporary folder with the three sources, a taxonomy, labels and a manifest.
    static let workspace: URL = {
        let folder = TestFolder.root.appendingPathComponent("import")
        try? FileManager.default.removeItem(at: folder)
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var visual = SeededWeights(layout: InceptionResNetV2.layout, seed: 7).tensors()
        visual += SeededWeights(layout: [("classif.weight", [1000, 1536]), ("classif.bias", [1000])], seed: 7).tensors()
        try! SafetensorsWriter.write(visual, to: folder.appendingPathComponent("inception_resnet_v2.safetensors").path)
        try! TorchWriter.write(VGGishSeededWeights.network(seed: 7), to: folder.appendingPathComponent("vggish-test.pth"))
        try! TorchWriter.write(VGGishSeededWeights.pca(seed: 7), to: folder.appendingPathComponent("vggish_pca_params-test.pth"))
        try! Data(taxonomy.utf8).write(to: folder.appendingPathComponent("taxonomy.json"))
        try! Data(otherTaxonomy.utf8).write(to: folder.appendingPathComponent("other-taxonomy.json"))
        let media = CLI.fixtures.appendingPathComponent("media")
        let videos = ["h264_aac.mp4", "h264_bframes.mp4", "vp9_opus.webm", "mpeg4.avi", "no_audio.mp4", "rotated_90.mp4"]
        var manifest = ""
        var labels = ""
        for (index, video) in videos.enumerated() {
            let (level1, level2) = index % 2 == 0 ? ("food", "food.baking") : ("pets", "pets.cats")
            let title = index % 2 == 0 ? "Sourdough bread for beginners" : "My cat plays with a toy mouse"
            manifest += #"{"id": "v\#(index)", "video": "\#(media.appendingPathComponent(video).path)", "title": "\#(title)", "#
                + #""products": [{"title": "Item \#(index)", "category": "\#(level1)"}]}"# + "\n"
            labels += #"{"id": "v\#(index)", "level1": "\#(level1)", "level2": "\#(level2)"}"# + "\n"
        }
        try! Data(manifest.utf8).write(to: folder.appendingPathComponent("videos.jsonl"))
        try! Data(labels.utf8).write(to: folder.appendingPathComponent("labels.jsonl"))
        return folder
    }()

    static let taxonomy = #"""
        {"name": "test", "categories": [
          {"id": "food", "name": "美食", "name_en": "Food", "children": [
            {"id": "food.baking", "name": "烘焙", "name_en": "Baking"},
            {"id": "food.street_food", "name": "街头小吃", "name_en": "Street food"}]},
          {"id": "pets", "name": "萌宠", "name_en": "Pets", "children": [
            {"id": "pets.cats", "name": "猫咪", "name_en": "Cats"},
            {"id": "pets.dogs", "name": "狗狗", "name_en": "Dogs"}]}]}
        """#
    static let otherTaxonomy = taxonomy.replacingOccurrences(of: #""name": "test""#, with: #""name": "other""#)

    func path(_ name: String) -> String { Self.workspace.appendingPathComponent(name).path }

    /// `bundle import` with the three encoders (and `extra` arguments) into `output`.
    func importBundle(_ output: String, _ extra: [String] = [], audio: Bool = true) throws -> CLI.Result {
        var arguments = ["bundle", "import", "--visual", path("inception_resnet_v2.safetensors"),
                         "--text", CLI.fixtures.appendingPathComponent("text/tiny-bert").path,
                         "--taxonomy", path("taxonomy.json"), "--frames", "2", "--output", path(output)]
        if audio { arguments += ["--audio", path("vggish-test.pth"), "--audio-pca", path("vggish_pca_params-test.pth")] }
        return try CLI.run(arguments + extra)
    }

    @Test func walkthroughImportExtractTrainAddHeadVerify() throws {
        // 1. Import the encoders.
        let imported = try importBundle("bundle")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("bundle 'bundle' imported (no head yet)"))
        let bundle = try ModelBundle.load(directory: path("bundle"))
        #expect(bundle.encoders.keys.sorted() == ["audio", "text", "visual"])
        #expect(bundle.encoders.values.allSatisfy { $0.pretrained })
        #expect(bundle.encoders["audio"]?.format == "torchvggish-pth")
        #expect(bundle.encoders["audio"]?.files["pca"]?.path == "audio-pca.pth")
        #expect(bundle.encoders["text"]?.files["weights"]?.path == "text/tiny-bert/model.safetensors")
        #expect(bundle.encoders["visual"]?.files["weights"]?.sha256
                == (try SHA256.hexDigest(ofFile: path("inception_resnet_v2.safetensors"))))
        #expect(bundle.preprocessing.frames == 2)
        #expect(FileManager.default.fileExists(atPath: path("bundle/taxonomy.json")))
        #expect(try CLI.run(["bundle", "verify", path("bundle")]).status == 0)

        // 2. Extract features with it.
        let extract = try CLI.run(["extract", "--bundle", path("bundle"), "--output", path("features"), "--quiet",
                                   "--manifest", path("videos.jsonl")])
        #expect(extract.status == 0, "\(extract.stderr)")
        #expect(extract.lines.count == 6)
        let features = try SafetensorsFile(path: path("features/v0.safetensors"))
        #expect(try features.entry("visual.frames").shape == [2, 1536])
        #expect(features.names.contains("audio.frames"))
        #expect(features.names.contains("text.title"))

        // 3. Train a (small) head on made-up labels.
        let train = try CLI.run(["train", "--features", path("features"), "--labels", path("labels.jsonl"),
                                 "--taxonomy", path("bundle/taxonomy.json"), "--output", path("head"), "--width", "8",
                                 "--clusters", "2", "--epochs", "3", "--validation-fraction", "0.2", "--threads", "1"])
        #expect(train.status == 0, "\(train.stderr)")
        // 6 items at 0.2 leave 1 to validate on: too few, so all 6 train and the last epoch is kept.
        #expect(train.stderr.contains("warning: 1 validation item is too few to choose an epoch on"), "\(train.stderr)")
        let summary = CLI.object(train.lines.last ?? "")
        #expect(summary["train"] as? Int == 6 && summary["validation"] as? Int == 0 && summary["best_epoch"] as? Int == 3)
        #expect(train.stderr.contains("epoch 3:"), "progress without --quiet")
        // concat, for which --attention-reaches means nothing: its default is not refused, and not recorded as level2.
        let quiet = try CLI.run(["train", "--quiet", "--features", path("features"), "--labels", path("labels.jsonl"),
                                 "--taxonomy", path("bundle/taxonomy.json"), "--output", path("head-quiet"), "--width", "8",
                                 "--clusters", "2", "--epochs", "3", "--validation-fraction", "0.2", "--threads", "1",
                                 "--fusion", "concat"])
        #expect(quiet.status == 0 && !quiet.stderr.contains("epoch 1:") && quiet.stderr.contains("warning:"), "\(quiet.stderr)")
        func reaches(_ head: String) throws -> String? {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path(head + "/head.json"))))
            return ((json as? [String: Any])?["config"] as? [String: Any])?["attention_reaches"] as? String
        }
        #expect(try reaches("head") == "level2" && reaches("head-quiet") == "both")

        // 4. Import again with the head (hard links: no second copy), 5. verify.
        let withHead = try importBundle("bundle-with-head", ["--head", path("head"), "--name", "mine"])
        #expect(withHead.status == 0, "\(withHead.stderr)")
        #expect(withHead.stdout.contains("bundle 'mine' imported with its head"))
        let verify = try CLI.run(["bundle", "verify", path("bundle-with-head")])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("head: head/head.json"))
        let final = try ModelBundle.load(directory: path("bundle-with-head"))
        #expect(final.head?.sha256 == (try SHA256.hexDigest(ofFile: path("head/head.json"))))

        // A mixture of heads (what `train --auto-keeps mixture` keeps): every member's weight file
        // goes into the bundle, which verifies and classifies with the mixture.
        let (checkpoint, trained) = try HeadCheckpoint.load(directory: path("head"))
        var wide = trained.config
        (wide.hidden1, wide.hidden2) = (4, 4)
        try checkpoint.write(mixture: HeadMixture(members: [trained.members[0], HeadModel(config: wide, seed: 3)], weights: [0.75, 0.25]),
                             to: path("head-mixture"))
        let withMixture = try importBundle("bundle-mixture", ["--head", path("head-mixture")])
        #expect(withMixture.status == 0, "\(withMixture.stderr)")
        #expect(FileManager.default.fileExists(atPath: path("bundle-mixture/head/head.2.safetensors")))
        let verifyMixture = try CLI.run(["bundle", "verify", path("bundle-mixture")])
        #expect(verifyMixture.status == 0, "\(verifyMixture.stderr)")
        let classified = try CLI.run(["classify", "--bundle", path("bundle-mixture"), "--quiet", "--threads", "1",
                                      "--manifest", path("videos.jsonl")])
        #expect(classified.status == 0, "\(classified.stderr)")
        let records = classified.lines.map(CLI.object)
        #expect(records.count == 6 && records.allSatisfy { $0["level2"] != nil }, "\(classified.stdout)")

        // A head refuses encoders it was not trained on, and another taxonomy.
        let noAudio = try importBundle("bundle-no-audio", ["--head", path("head")], audio: false)
        #expect(noAudio.status == 1)
        #expect(noAudio.stderr.contains("trained on audio features"), "\(noAudio.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("bundle-no-audio")))
        let otherTaxonomy = try CLI.run(["bundle", "import", "--text", CLI.fixtures.appendingPathComponent("text/tiny-bert").path,
                                         "--taxonomy", path("other-taxonomy.json"), "--head", path("head"),
                                         "--output", path("bundle-other")])
        #expect(otherTaxonomy.status == 1)
        #expect(otherTaxonomy.stderr.contains("the head's taxonomy"), "\(otherTaxonomy.stderr)")
    }

    @Test func refusesToOverwriteAndNamesBadFiles() throws {
        try FileManager.default.createDirectory(atPath: path("occupied"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("occupied/keep.txt")))
        let occupied = try CLI.run(["bundle", "import", "--text", CLI.fixtures.appendingPathComponent("text/tiny-bert").path,
                                    "--taxonomy", path("taxonomy.json"), "--output", path("occupied")])
        #expect(occupied.status == 1)
        #expect(occupied.stderr.contains("already exists"), "\(occupied.stderr)")
        #expect(try String(contentsOfFile: path("occupied/keep.txt"), encoding: .utf8) == "x")

        // The IRv2 file given as VGGish weights: the loader's complaint, naming the tensor.
        let swapped = try CLI.run(["bundle", "import", "--audio", path("inception_resnet_v2.safetensors"),
                                   "--taxonomy", path("taxonomy.json"), "--output", path("swapped")])
        #expect(swapped.status == 1)
        #expect(swapped.stderr.contains("not usable as the audio encoder"), "\(swapped.stderr)")
        #expect(swapped.stderr.contains("features.0.weight"), "\(swapped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("swapped")))

        // A BERT directory without its weights, a taxonomy that is not one.
        let textOnly = Self.workspace.appendingPathComponent("bert-without-weights")
        try? FileManager.default.createDirectory(at: textOnly, withIntermediateDirectories: true)
        for name in ["config.json", "vocab.txt"] {
            try? FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("text/tiny-bert/\(name)"),
                                              to: textOnly.appendingPathComponent(name))
        }
        let noWeights = try CLI.run(["bundle", "import", "--text", textOnly.path, "--taxonomy", path("taxonomy.json"),
                                     "--output", path("no-weights")])
        #expect(noWeights.status == 1)
        #expect(noWeights.stderr.contains("model.safetensors is missing"), "\(noWeights.stderr)")
        let badTaxonomy = try CLI.run(["bundle", "import", "--text", CLI.fixtures.appendingPathComponent("text/tiny-bert").path,
                                       "--taxonomy", path("labels.jsonl"), "--output", path("bad-taxonomy")])
        #expect(badTaxonomy.status == 1)
        #expect(badTaxonomy.stderr.contains("not a valid taxonomy"), "\(badTaxonomy.stderr)")
    }
}

/// `vidtag bundle seed` writes the demo bundle's stand-in weights with exactly the SHA-256 that
/// Models/demo/bundle.json pins (and its head is tied to): a change to the seeded generators
/// or to the safetensors writer shows up here, not as a broken demo.
@Suite struct BundleSeedTests {
    @Test func seededWeightsHaveTheDemoBundlesHashes() throws {
        let folder = TestFolder.root.appendingPathComponent("seed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["bundle", "seed", "--output", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let demo = CLI.fixtures.deletingLastPathComponent().appendingPathComponent("Models/demo")
        let data = try Data(contentsOf: demo.appendingPathComponent("bundle.json"))
        let pinned = try JSONDecoder().decode(ModelBundle.self, from: data)
        #expect(result.lines.count == 3)
        for line in result.lines {
            let record = CLI.object(line)
            let modality = try #require(record["modality"] as? String), role = try #require(record["role"] as? String)
            #expect(record["pretrained"] as? Bool == false)
            #expect(pinned.encoders[modality]?.pretrained == false)
            #expect(record["sha256"] as? String == pinned.encoders[modality]?.files[role]?.sha256,
                    "\(modality) \(role): seeded file differs from Models/demo/bundle.json")
        }
    }
}
