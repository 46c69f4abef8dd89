import Foundation
import Head
import Weights

/// Complete bundles for the classify tests, written once per test process into a temporary
/// folder: the extract tests' seeded full-size Inception-ResNet-v2 weights (timm names, hard
/// linked) at 107×107 pixels and 2 frames (cheap enough to run dozens of videos), the committed
/// tiny BERT for texts, and a seeded (untrained) head over visual, cover, title, summary and
/// product on the Taobao taxonomy, tied to the encoders' hashes. ``withAudio`` adds the audio
/// tests' seeded full-size VGGish and an audio modality. Batch behaviour, not accuracy, is
/// under test.
enum ClassifyBundle {
    static let directory = make(name: "classify-test", audio: false)
    static let withAudio = make(name: "classify-audio-test", audio: true)

    static var path: String { directory.path }

    static func make(name: String, audio: Bool) -> URL {
        let folder = TestFolder.root.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: folder)
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The same seeded timm-named file the extract tests write (written once per test process).
        let visual = folder.appendingPathComponent("visual.safetensors")
        try! FileManager.default.linkItem(at: ExtractCommandTests.workspace.appendingPathComponent("visual.safetensors"),
                                          to: visual)
        let text = folder.appendingPathComponent("text")
        try! FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("text/tiny-bert"), to: text)
        let textWeights = text.appendingPathComponent("model.safetensors")
        var hashes = ["visual": try! SHA256.hexDigest(ofFile: visual.path),
                      "text": try! SHA256.hexDigest(ofFile: textWeights.path)]
        let audioWeights = folder.appendingPathComponent("audio.safetensors")
        if audio {
            try! FileManager.default.linkItem(at: URL(fileURLWithPath: ExtractAudioTests.weights), to: audioWeights)
            hashes["audio"] = try! SHA256.hexDigest(ofFile: audioWeights.path)
        }

        let taxonomy = try! Taxonomy.load(path: CLI.fixtures.deletingLastPathComponent()
            .appendingPathComponent("Models/taxonomy/taobao.json").path)
        let textWidth = 128
        var modalities = [
            ModalitySpec(name: "visual", tensor: "visual.frames", kind: .sequence, dim: 1536),
            ModalitySpec(name: "cover", tensor: "cover", kind: .vector, dim: 1536),
            ModalitySpec(name: "title", tensor: "text.title", kind: .vector, dim: textWidth),
            ModalitySpec(name: "summary", tensor: "text.summary", kind: .vector, dim: textWidth),
            ModalitySpec(name: "product", tensor: "product.items", kind: .set, dim: textWidth),
        ]
        if audio { modalities.append(ModalitySpec(name: "audio", tensor: "audio.frames", kind: .sequence, dim: 128)) }
        var config = HeadConfig(modalities: modalities, parents: taxonomy.parents, level1Count: taxonomy.level1.count)
        (config.width, config.fusedWidth, config.hidden1, config.hidden2, config.clusters) = (32, 32, 32, 32, 4)
        let head = folder.appendingPathComponent("head")
        try! HeadCheckpoint(config: config, taxonomy: taxonomy, encoders: hashes, training: nil)
            .write(model: HeadModel(config: config, seed: 7), to: head.path)
        let headFile = head.appendingPathComponent(HeadCheckpoint.configFile)

        var encoders: [String: ModelBundle.Encoder] = [
            "visual": .init(architecture: "inception_resnet_v2", format: "timm-safetensors",
                            files: ["weights": .init(path: "visual.safetensors", sha256: hashes["visual"]!)],
                            pretrained: false),
            "text": .init(architecture: "bert", format: "huggingface",
                          files: ["weights": .init(path: "text/model.safetensors", sha256: hashes["text"]!)],
                          pretrained: true),
        ]
        if audio {
            encoders["audio"] = .init(architecture: "vggish", format: "torchvggish-safetensors",
                                      files: ["weights": .init(path: "audio.safetensors", sha256: hashes["audio"]!)],
                                      pretrained: false)
        }
        let bundle = ModelBundle(
            name: name, encoders: encoders,
            preprocessing: .init(frames: 2, sampling: "exact", imageSize: 107, textMaxLength: 64),
            head: .init(path: "head/head.json", sha256: try! SHA256.hexDigest(ofFile: headFile.path)))
        try! bundle.write(to: folder.path)
        return folder
    }
}
