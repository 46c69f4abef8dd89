import Foundation
import Head
import Weights

/// A bundle with a trained head, ready to classify: the head and its taxonomy, and the
/// bundle's identity for the records.
public struct TrainedBundle: @unchecked Sendable {
    public let bundle: ModelBundle
    public let checkpoint: HeadCheckpoint
    /// The head (one, or a mixture: ``HeadMixture``).
    public let model: HeadMixture

    /// Loads the bundle's head (its `head.json` hash checked against bundle.json).
    public init(_ bundle: ModelBundle) throws {
        guard let head = bundle.head else { throw ClassifyError.noHead(bundle: bundle.directory.path) }
        try bundle.verify(head)
        let directory = URL(fileURLWithPath: bundle.path(head)).deletingLastPathComponent().path
        (checkpoint, model) = try HeadCheckpoint.load(directory: directory)
        self.bundle = bundle
    }

    /// Who made a prediction: the bundle's name, the SHA-256 of its bundle.json (which covers
    /// every file's hash), and whether all its encoders are pretrained.
    public var identity: Identity {
        Identity(name: bundle.name, sha256: bundle.manifestSHA256, pretrained: bundle.encoders.values.allSatisfy(\.pretrained))
    }

    public struct Identity: Encodable, Sendable {
        public let name: String
        public let sha256: String
        public let pretrained: Bool
    }

    /// Checks that features come from the encoders the head was trained on.
    /// - source: what carries `hashes` (the bundle, or a feature file), for the message.
    public func checkEncoders(_ hashes: [String: String], source: String) throws {
        guard hashes == checkpoint.encoders else {
            throw ClassifyError.encodersDiffer(source: source, expected: checkpoint.encoders, found: hashes)
        }
    }
}

/// Why an item, or a whole run, cannot be classified.
public enum ClassifyError: Error, CustomStringConvertible, Equatable {
    case noHead(bundle: String)
    case encodersDiffer(source: String, expected: [String: String], found: [String: String])
    case nothingToClassify(id: String)

    /// The code in an error record.
    public var code: String {
        switch self {
        case .noHead: return "no_head"
        case .encodersDiffer: return "encoders_differ"
        case .nothingToClassify: return "nothing_to_classify"
        }
    }

    public var description: String {
        switch self {
        case let .noHead(bundle):
            return "\(bundle): the bundle has no trained head (bundle.json names no \"head\"); train one with `vidtag train` and add it"
        case let .encodersDiffer(source, expected, found):
            func list(_ h: [String: String]) -> String {
                h.isEmpty ? "none" : h.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.prefix(12))" }.joined(separator: ", ")
            }
            return "\(source): encoder weights differ from the ones the head was trained on (head expects \(list(expected)); found \(list(found)))"
        case let .nothingToClassify(id):
            return "item \(id): none of the modalities the head uses is present"
        }
    }
}
