import AudioEncoder
import Foundation
import Kernels
import VisualEncoder
import Weights

/// The demo bundle's stand-in encoder weights: full-size Inception-ResNet-v2 and VGGish with
/// **random** values from the seeded generators (``SeededWeights``, ``VGGishSeededWeights``),
/// not pretrained. They exist so that the whole pipeline runs out of the box where no pretrained
/// weights can be downloaded; features from them are fixed random projections.
///
/// The files are the same bytes on every machine and every run (the generators are exact and
/// `SafetensorsWriter` is deterministic), so `Models/demo/bundle.json` pins their SHA-256:
///
/// | file | content | format |
/// | --- | --- | --- |
/// | `visual.safetensors` | IRv2, timm's names and shapes (`InceptionResNetV2.layout`, seed 0), 54.4 M floats, 218 MB | timm-safetensors |
/// | `audio.safetensors` | VGGish network, torchvggish's names (seed `VGGishSeededWeights.defaultSeed`), 72.1 M floats, 289 MB | torchvggish-safetensors |
/// | `audio-pca.safetensors` | `pca_eigen_vectors` [128, 128], `pca_means` [128] (same seed) | torchvggish-safetensors |
public enum SeededEncoders {
    public static let visualFile = "visual.safetensors"
    public static let audioFile = "audio.safetensors"
    public static let audioPCAFile = "audio-pca.safetensors"

    /// Written into every file's safetensors metadata, so that nobody mistakes them for real weights.
    public static let notice = "random stand-in weights from vidtag's seeded generator, NOT pretrained"

    /// Writes the three files into `directory` (created if missing; existing files replaced
    /// atomically) and returns the bundle entries naming them with their SHA-256:
    /// "visual" (weights) and "audio" (weights, pca), both `pretrained: false`.
    public static func write(to directory: String) throws -> [String: ModelBundle.Encoder] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        func write(_ tensors: [(name: String, tensor: Tensor)], _ name: String, _ model: String) throws -> ModelBundle.File {
            let path = folder.appendingPathComponent(name).path
            try SafetensorsWriter.write(tensors, metadata: ["vidtag.weights": notice, "vidtag.model": model], to: path)
            return ModelBundle.File(path: name, sha256: try SHA256.hexDigest(ofFile: path))
        }
        // One model at a time, so that at most one (≤ 290 MB) set of tensors is in memory.
        let visual = try write(SeededWeights(layout: InceptionResNetV2.layout).tensors(), visualFile,
                               "inception_resnet_v2 (timm names), SeededWeights seed 0")
        let seed = VGGishSeededWeights.defaultSeed
        let audio = try write(VGGishSeededWeights.network(seed: seed), audioFile,
                              "vggish (torchvggish names), VGGishSeededWeights seed \(seed)")
        let pca = try write(VGGishSeededWeights.pca(seed: seed), audioPCAFile,
                            "vggish PCA (torchvggish names), VGGishSeededWeights seed \(seed)")
        return [
            "visual": .init(architecture: "inception_resnet_v2", format: "timm-safetensors",
                            files: ["weights": visual], pretrained: false),
            "audio": .init(architecture: "vggish", format: "torchvggish-safetensors",
                           files: ["weights": audio, "pca": pca], pretrained: false),
        ]
    }
}
