import AudioEncoder
import Foundation
import TextEncoder
import VisualEncoder
import Weights

/// The encoders one run uses, loaded once and shared by every item, with the SHA-256 of the
/// weights each was loaded from (recorded in feature files; heads are tied to them).
public final class EncoderSet: @unchecked Sendable {
    public let visual: InceptionResNetV2?
    public let audio: VGGish?
    /// Titles, summaries and products (one BERT for all three).
    public let text: TextEncoder?
    /// Modality → SHA-256 of its weight file ("audio.pca" for VGGish's PCA parameters).
    public let hashes: [String: String]
    public let preprocessing: ModelBundle.Preprocessing
    /// Modalities whose weights are seeded stand-ins, not pretrained.
    public let notPretrained: [String]

    /// Files that replace a bundle's encoders (or stand alone without a bundle).
    public struct Overrides: Sendable {
        public var visualWeights: String?
        public var audioWeights: String?
        public var audioPCA: String?
        /// A Hugging Face BERT directory (config.json, vocab.txt, model.safetensors).
        public var textModel: String?
        public init(visualWeights: String? = nil, audioWeights: String? = nil, audioPCA: String? = nil,
                    textModel: String? = nil) {
            (self.visualWeights, self.audioWeights, self.audioPCA, self.textModel) =
                (visualWeights, audioWeights, audioPCA, textModel)
        }
        var isEmpty: Bool { visualWeights == nil && audioWeights == nil && textModel == nil }
    }

    /// Encoders from a bundle, each replaced where an override file is given.
    /// With no bundle only the overridden encoders run.
    public init(bundle: ModelBundle?, overrides: Overrides = Overrides()) throws {
        guard bundle != nil || !overrides.isEmpty else {
            throw BundleError.unsupported(bundle: "(none)",
                                          reason: "no encoders to run: give a bundle or --visual-weights / --audio-weights / --text-model")
        }
        var hashes: [String: String] = [:]
        var notPretrained: [String] = []
        preprocessing = bundle?.preprocessing ?? ModelBundle.Preprocessing()
        if let bundle {
            // Every bundled encoder this set loads, hashed together before any is loaded.
            let used = [("visual", overrides.visualWeights), ("audio", overrides.audioWeights),
                        ("text", overrides.textModel)].filter { $0.1 == nil }.map(\.0)
            try bundle.verify(used.compactMap { bundle.encoder($0) }.flatMap { $0.files.sorted { $0.key < $1.key }.map(\.value) })
        }

        func bundled(_ modality: String, architecture: String) throws -> (ModelBundle, ModelBundle.Encoder)? {
            guard let bundle, let entry = bundle.encoder(modality) else {
                return nil
            }
            guard entry.architecture == architecture else {
                throw BundleError.unsupported(bundle: bundle.directory.path,
                                              reason: "\(modality) architecture '\(entry.architecture)' is not \(architecture)")
            }
            if !entry.pretrained { notPretrained.append(modality) }
            return (bundle, entry)
        }
        func file(_ bundle: ModelBundle, _ entry: ModelBundle.Encoder, _ role: String, _ modality: String) throws -> String {
            guard let file = entry.files[role] else {
                throw BundleError.malformed(path: bundle.directory.path, reason: "\(modality) encoder names no '\(role)' file")
            }
            return bundle.path(file)
        }

        if let path = overrides.visualWeights {
            visual = try InceptionResNetV2(weights: try SafetensorsFile(path: path))
            hashes["visual"] = try SHA256.hexDigest(ofFile: path)
        } else if let (bundle, entry) = try bundled("visual", architecture: "inception_resnet_v2") {
            visual = try InceptionResNetV2(weights: try SafetensorsFile(path: try file(bundle, entry, "weights", "visual")))
            hashes["visual"] = entry.files["weights"]?.sha256
        } else {
            visual = nil
        }

        if let path = overrides.audioWeights {
            audio = VGGish(weights: try VGGishWeights.load(path: path))
            hashes["audio"] = try SHA256.hexDigest(ofFile: path)
        } else if let (bundle, entry) = try bundled("audio", architecture: "vggish") {
            audio = VGGish(weights: try VGGishWeights.load(path: try file(bundle, entry, "weights", "audio")))
            hashes["audio"] = entry.files["weights"]?.sha256
            hashes["audio.pca"] = entry.files["pca"]?.sha256
        } else {
            audio = nil
        }
        if let path = overrides.audioPCA {
            // Checked here; feature files hold raw embeddings, so PCA applies only downstream.
            _ = try VGGishPCA.load(path: path)
            hashes["audio.pca"] = try SHA256.hexDigest(ofFile: path)
        }
        if let directory = overrides.textModel {
            text = try TextEncoder(directory: directory)
            hashes["text"] = try SHA256.hexDigest(ofFile: URL(fileURLWithPath: directory)
                .appendingPathComponent("model.safetensors").path)
        } else if let (bundle, entry) = try bundled("text", architecture: "bert") {
            let weights = try file(bundle, entry, "weights", "text")
            text = try TextEncoder(directory: URL(fileURLWithPath: weights).deletingLastPathComponent().path,
                                   maxLength: preprocessing.textMaxLength)
            hashes["text"] = entry.files["weights"]?.sha256
        } else {
            text = nil
        }
        self.hashes = hashes
        self.notPretrained = notPretrained
    }
}
