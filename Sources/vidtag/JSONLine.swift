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

/// The record of an input that failed: {"path", "error": {"stage", "code", "message"}}.
struct ErrorRecord: Encodable {
    struct Detail: Encodable {
        let stage: String
        let code: String
        let message: String
    }

    let path: String
    let error: Detail

    init(path: String, error: Error) {
        self.path = path
        if let media = error as? MediaError {
            self.error = Detail(stage: media.stage.rawValue, code: media.code.rawValue, message: media.message)
        } else {
            self.error = Detail(stage: "input", code: "error", message: String(describing: error))
        }
    }
}
