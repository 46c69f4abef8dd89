import Foundation
import Media

/// JSON lines on standard output: compact, keys sorted, one object per line, flushed at once.
enum JSONLine {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// The record of an input that failed: {"id", "input", "error": {"stage", "code", "message"}};
/// `inspect`, which has no ids, names the file "path" instead.
struct ErrorRecord: Encodable {
    struct Detail: Encodable {
        let stage: String
        let code: String
        let message: String
    }

    var id: String?
    var input: String?
    var path: String?
    let error: Detail

    init(id: String, input: String, error: Error) {
        (self.id, self.input) = (id, input)
        self.error = Self.detail(error)
    }

    init(path: String, error: Error) {
        self.path = path
        self.error = Self.detail(error)
    }

    private static func detail(_ error: Error) -> Detail {
        if let media = error as? MediaError {
            return Detail(stage: media.stage.rawValue, code: media.code.rawValue, message: media.message)
        }
        return Detail(stage: "encode", code: "error", message: String(describing: error))
    }
}
