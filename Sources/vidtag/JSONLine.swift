import Foundation
import Batch
import Pipeline
import Weights

/// JSON lines on standard output: compact, keys sorted, one object per line, flushed at once.
enum JSONLine {
    static func encode<T: Encodable>(_ value: T) throws -> String { JSONText.encode(value) }

    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// `inspect`'s record of a file that could not be read: {"path", "error": {"stage", "code", "message"}}
/// (batch commands, which have ids, write `ErrorLine`s).
struct ErrorRecord: Encodable {
    let path: String
    let error: ErrorLine.Detail

    init(path: String, error: Error) {
        self.path = path
        self.error = ItemFailure.detail(error)
    }
}
