import Foundation
import Head
import Media
import Weights

/// The JSON error record of a failed input: {"id", "input", "error": {"stage", "code", "message"}}.
public enum ErrorLine {
    public struct Detail: Codable, Sendable, Equatable {
        public let stage: String
        public let code: String
        public let message: String
    }

    struct Record: Encodable {
        let id: String
        let input: String
        let error: Detail
    }

    /// The stage, code and message for any error a run can meet.
    public static func detail(_ error: Error) -> Detail {
        switch error {
        case let media as MediaError:
            return Detail(stage: media.stage.rawValue, code: media.code.rawValue, message: media.message)
        case let input as InputError:
            return Detail(stage: "input", code: input.code, message: input.description)
        case let nothing as NothingToEncode:
            return Detail(stage: "probe", code: nothing.code, message: nothing.description)
        case let quarantined as QuarantinedInput:
            return Detail(stage: "input", code: "quarantined", message: quarantined.reason)
        case let duplicate as DuplicateID:
            return Detail(stage: "input", code: DuplicateID.code, message: duplicate.description)
        case let classify as ClassifyError:
            return Detail(stage: "head", code: classify.code, message: classify.description)
        case let input as HeadInputError:
            return Detail(stage: "head", code: "feature_shape", message: input.description)
        case let features as FeatureLoadError:
            return Detail(stage: "input", code: "bad_feature_file", message: features.description)
        case let weights as SafetensorsError:
            return Detail(stage: "input", code: "bad_feature_file", message: weights.description)
        default:
            return Detail(stage: "encode", code: "error", message: String(describing: error))
        }
    }

    public static func line(id: String, input: String, error: Error) -> String {
        line(id: id, input: input, detail: detail(error))
    }

    public static func line(id: String, input: String, detail: Detail) -> String {
        JSONText.encode(Record(id: id, input: input, error: detail))
    }
}

/// An input skipped because an earlier run found it bad for good.
public struct QuarantinedInput: Error, Sendable {
    public let reason: String
}

/// An input as the output, the quarantine and `--resume` tell inputs apart: its id and path.
public struct RecordKey: Hashable, Sendable {
    public let id: String
    public let input: String
    public init(id: String, input: String) { (self.id, self.input) = (id, input) }
}

/// An input whose id an earlier input of the same run already has: ids key the output,
/// `--resume`, shards and quarantine, so a second record with the same id is never merged
/// into the first.
public struct DuplicateID: Error, Sendable, CustomStringConvertible {
    public static let code = "duplicate_id"
    public let id: String
    /// The input that has the id first.
    public let first: String
    public var description: String {
        "the id '\(id)' is already the id of \(first) in this run; give each record its own id"
    }
}

/// Compact JSON with sorted keys, for output lines and metadata.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
