/// Why `vidtag bundle import` refused.
public enum BundleImportError: Error, Equatable, CustomStringConvertible {
    case noEncoders
    case missingSource(role: String, path: String)
    case invalidWeights(modality: String, path: String, reason: String)
    case invalidTaxonomy(path: String, reason: String)
    case invalidHead(path: String, reason: String)
    /// The head was trained on features of other encoders (a feature-file hash name such as "audio.pca").
    case headEncoderMismatch(head: String, modality: String, expected: String?, found: String?)
    case headTaxonomyMismatch(head: String, taxonomy: String, expected: String, found: String)
    case outputExists(path: String)
    case sourceChanged(path: String, expected: String, found: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .noEncoders:
            return "nothing to import: give at least one of --visual FILE, --audio FILE, --text DIR"
        case let .missingSource(role, path):
            return "\(path): the \(role) is missing or unreadable"
        case let .invalidWeights(modality, path, reason):
            return "\(path): not usable as the \(modality) encoder: \(reason)"
        case let .invalidTaxonomy(path, reason):
            return "\(path): not a valid taxonomy: \(reason)"
        case let .invalidHead(path, reason):
            return "\(path): not a usable head: \(reason)"
        case let .headEncoderMismatch(head, modality, expected, found):
            let trained = expected.map { "trained on \(modality) features of weights with SHA-256 \($0)" }
                ?? "trained without \(modality) features"
            let imported = found.map { "the imported \(modality) weights have SHA-256 \($0)" }
                ?? "the bundle has no \(modality) weights"
            return "\(head): the head was \(trained), \(imported): extract features with this bundle and retrain the head"
        case let .headTaxonomyMismatch(head, taxonomy, expected, found):
            return "\(head): the head's taxonomy (SHA-256 \(expected)) is not \(taxonomy) (SHA-256 \(found))"
        case let .outputExists(path):
            return "\(path) already exists and is not empty: bundle import never overwrites (choose another --output)"
        case let .sourceChanged(path, expected, found):
            return "\(path): SHA-256 is \(found) after copying, \(expected) when validated (was the source file changed meanwhile?)"
        case let .writeFailed(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}
