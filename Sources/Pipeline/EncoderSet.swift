import Foundation
import VisualEncoder
import Weights

/// The encoders one run uses, loaded once and shared by every item, with the SHA-256 of the
/// weights each was loaded from (recorded in feature files; heads are tied to them).
public final class EncoderSet: @unchecked Sendable {
    public let visual: InceptionResNetV2?
    public let hashes: [String: String]
    public let preprocessing: ModelBundle.Preprocessing
    /// Modalities whose weights are seeded stand-ins, not pretrained.
    public let notPretrained: [String]

    /// Encoders from a bundle, each replaced where an override file is given.
    /// With no bundle only the overridden encoders run.
    public init(bundle: ModelBundle?, visualWeights: String? = nil) throws {
        guard bundle != nil || visualWeights != nil else {
            throw BundleError.unsupported(bundle: "(none)", reason: "no encoders to run: give a bundle or --visual-weights")
        }
        var hashes: [String: String] = [:]
        var notPretrained: [String] = []
        preprocessing = bundle?.preprocessing ?? ModelBundle.Preprocessing()

        if let visualWeights {
            visual = try InceptionResNetV2(weights: try SafetensorsFile(path: visualWeights))
            hashes["visual"] = try SHA256.hexDigest(ofFile: visualWeights)
        } else if let bundle, let entry = bundle.encoder("visual") {
            guard entry.architecture == "inception_resnet_v2" else {
                throw BundleError.unsupported(bundle: bundle.directory.path,
                                              reason: "visual architecture '\(entry.architecture)' is not inception_resnet_v2")
            }
            guard let file = entry.files["weights"] else {
                throw BundleError.malformed(path: bundle.directory.path, reason: "visual encoder names no 'weights' file")
            }
            try bundle.verify(file)
            visual = try InceptionResNetV2(weights: try SafetensorsFile(path: bundle.path(file)))
            hashes["visual"] = file.sha256
            if !entry.pretrained { notPretrained.append("visual") }
        } else {
            visual = nil
        }
        self.hashes = hashes
        self.notPretrained = notPretrained
    }
}
