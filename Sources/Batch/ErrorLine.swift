import Foundation
import Weights

/// The JSON error record of a failed input: {"id", "input", "error": {"stage", "code", "message"}}.
public enum ErrorLine {
    public struct Detail: Codable, Sendable, Equatable {
        public let stage: String
        public let code: String
        public let message: String

        public init(stage: String, code: String, message: String) {
            (self.stage, self.code, self.message) = (stage, code, message)
        }
    }

    struct Record: Encodable {
        let id: String
        let input: String
        let error: Detail
    }

    /// The stage, code and message of the batch's own errors (a bad input record, a
    /// quarantined input, a repeated id); any other error is stage `encode`, code `error`.
    /// Jobs that meet errors of their own describe them in ``BatchJob/detail(of:)``.
    public static func detail(_ error: Error) -> Detail {
        switch error {
        case let input as InputError:
            return Detail(stage: "input", code: input.code, message: input.description)
        case let quarantined as QuarantinedInput:
            return Detail(stage: "input", code: "quarantined", message: quarantined.reason)
        case let duplicate as DuplicateID:
            return Detail(stage: "input", code: DuplicateID.code, message: duplicate.description)
        default:
            return Detail(stage: "encode", code: "error", message: String(describing: error))
        }
    }

    public static func line(id: String, input: String, detail: Detail) -> String {
        JSONText.encode(Record(id: id, input: input, error: detail))
    }
}
