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
