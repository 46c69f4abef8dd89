import AudioEncoder
import Batch
import Foundation
import TextEncoder
import VisualEncoder
import Weights

/// The encoders one run uses, each loaded once, when the first item needs it (a run over
/// non-media files or a `--resume` with nothing left loads none), shared by every item; with
/// the SHA-256 of the weights each comes from (recorded in feature files; heads are tied to
/// them), known without loading. A bundled encoder's files are checked against `bundle.json`
/// when it loads.
public final class EncoderSet: @unchecked Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case visual, audio, text
    }

    /// The encoders this set has, loaded or not.
    public let kinds: Set<Kind>
    /// Modality → SHA-256 of its weight file ("audio.pca" for VGGish's PCA parameters).
    public let hashes: [String: String]
    public let preprocessing: ModelBundle.Preprocessing
    /// Modalities whose weights are seeded stand-ins, not pretrained.
    public let notPretrained: [String]
    private let visualLoader: LoadOnce<InceptionResNetV2>?
    private let audioLoader: LoadOnce<VGGish>?
    private let textLoader: LoadOnce<TextEncoder>?

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
        public var isEmpty: Bool { visualWeights == nil && audioWeights == nil && textModel == nil }
    }

    /// Encoders from a bundle, each replaced where an override file is given.
    /// With no bundle only the overridden encoders run.
    public init(bundle: ModelBundle?, overrides: Overrides = Overrides()) throws {
        guard bundle != nil || !overrides.isEmpty else {
            throw BundleError.unsupported(bundle: "(none)",
                                          reason: "no encoders to run: give a bundle or --visual / --audio / --text")
        }
        var hashes: [String: String] = [:]
        var notPretrained: [String] = []
        let preprocessing = bundle?.preprocessing ?? ModelBundle.Preprocessing()
        self.preprocessing = preprocessing

        /// The bundle's entry for `modality`, checked; its files are verified when it loads.
        func bundled(_ modality: Kind, architecture: String) throws -> (ModelBundle, ModelBundle.Encoder)? {
            guard let bundle, let entry = bundle.encoder(modality.rawValue) else { return nil }
            guard entry.architecture == architecture else {
                throw BundleError.unsupported(bundle: bundle.directory.path,
                                              reason: "\(modality) architecture '\(entry.architecture)' is not \(architecture)")
            }
            guard entry.files["weights"] != nil else {
                throw BundleError.malformed(path: bundle.directory.path, reason: "\(modality) encoder names no 'weights' file")
            }
            if !entry.pretrained { notPretrained.append(modality.rawValue) }
            return (bundle, entry)
        }
        /// The path of the bundle's weights file for `entry`, after checking all its files.
        func verified(_ bundle: ModelBundle, _ entry: ModelBundle.Encoder) throws -> String {
            try bundle.verify(entry.files.sorted { $0.key < $1.key }.map(\.value))
            return bundle.path(entry.files["weights"]!)
        }

        if let path = overrides.visualWeights {
            hashes["visual"] = try DigestCache.digest(ofFile: path)
            visualLoader = LoadOnce { try InceptionResNetV2(weights: try SafetensorsFile(path: path)) }
        } else if let (bundle, entry) = try bundled(.visual, architecture: "inception_resnet_v2") {
            hashes["visual"] = entry.files["weights"]?.sha256
            visualLoader = LoadOnce { try InceptionResNetV2(weights: try SafetensorsFile(path: try verified(bundle, entry))) }
        } else {
            visualLoader = nil
        }

        if let path = overrides.audioWeights {
            hashes["audio"] = try DigestCache.digest(ofFile: path)
            audioLoader = LoadOnce { VGGish(weights: try VGGishWeights.load(path: path)) }
        } else if let (bundle, entry) = try bundled(.audio, architecture: "vggish") {
            hashes["audio"] = entry.files["weights"]?.sha256
            hashes["audio.pca"] = entry.files["pca"]?.sha256
            audioLoader = LoadOnce { VGGish(weights: try VGGishWeights.load(path: try verified(bundle, entry))) }
        } else {
            audioLoader = nil
        }
        if let path = overrides.audioPCA {
            // Checked here; feature files hold raw embeddings, so PCA applies only downstream.
            _ = try VGGishPCA.load(path: path)
            hashes["audio.pca"] = try DigestCache.digest(ofFile: path)
        }
        if let directory = overrides.textModel {
            hashes["text"] = try DigestCache.digest(ofFile: URL(fileURLWithPath: directory)
                .appendingPathComponent("model.safetensors").path)
            textLoader = LoadOnce { try TextEncoder(directory: directory) }
        } else if let (bundle, entry) = try bundled(.text, architecture: "bert") {
            hashes["text"] = entry.files["weights"]?.sha256
            textLoader = LoadOnce {
                try TextEncoder(directory: URL(fileURLWithPath: try verified(bundle, entry)).deletingLastPathComponent().path,
                                maxLength: preprocessing.textMaxLength)
            }
        } else {
            textLoader = nil
        }
        kinds = Set([visualLoader.map { _ in Kind.visual }, audioLoader.map { _ in .audio }, textLoader.map { _ in .text }]
            .compactMap { $0 })
        self.hashes = hashes
        self.notPretrained = notPretrained
    }

    public func has(_ kind: Kind) -> Bool { kinds.contains(kind) }

    /// Begins loading the encoders an item needs, each on a thread of its own, so that they
    /// load in parallel while the item decodes.
    public func prefetch(_ needed: [Kind]) {
        for kind in needed {
            switch kind {
            case .visual: visualLoader?.start()
            case .audio: audioLoader?.start()
            case .text: textLoader?.start()
            }
        }
    }

    /// Inception-ResNet-v2 (the set must have it: ``has(_:)``).
    public func visual() throws(EncoderUnavailable) -> InceptionResNetV2 { try load(visualLoader, .visual) }
    /// VGGish (the set must have it).
    public func audio() throws(EncoderUnavailable) -> VGGish { try load(audioLoader, .audio) }
    /// The text encoder (the set must have it).
    public func text() throws(EncoderUnavailable) -> TextEncoder { try load(textLoader, .text) }

    private func load<Model>(_ loader: LoadOnce<Model>?, _ kind: Kind) throws(EncoderUnavailable) -> Model {
        guard let loader else { preconditionFailure("EncoderSet: no \(kind) encoder") }
        do {
            return try loader.get()
        } catch {
            throw EncoderUnavailable(modality: kind.rawValue, reason: error)
        }
    }
}

/// An encoder that could not be loaded (missing or damaged weights, a hash that does not match
/// `bundle.json`): no item can be encoded, so the run stops (exit status 1) after the records
/// already written.
public struct EncoderUnavailable: RunStoppingError, CustomStringConvertible, @unchecked Sendable {
    public let modality: String
    public let reason: Error
    public var stopReason: String { "encoder_unavailable" }
    public var description: String { "cannot load the \(modality) encoder: \(reason)" }
}
