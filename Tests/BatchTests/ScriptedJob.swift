import Foundation
import Weights
@testable import Batch

/// A batch job without any media: `prepare` fails for the ids it is told to (with the stage,
/// code and message given), `finish` writes {"id", "input"} after an optional pause, and every
/// call to `prepare` is counted, so a test sees what a run did and did not do.
struct ScriptedJob: BatchJob {
    struct Failure: Error { let detail: ErrorLine.Detail }

    /// id → the failure `prepare` throws.
    var failures: [String: ErrorLine.Detail] = [:]
    /// Microseconds `finish` takes per item (long enough that the look-ahead queue fills).
    var finishPause: UInt32 = 0
    let prepared = Calls()

    func prepare(_ record: InputRecord) throws -> String {
        prepared.add(record.id)
        if let detail = failures[record.id] { throw Failure(detail: detail) }
        return record.id
    }

    func finish(_ prepared: String, record: InputRecord) throws -> String {
        if finishPause > 0 { usleep(finishPause) }
        return JSONText.encode(["id": prepared, "input": record.input])
    }

    func detail(of error: Error) -> ErrorLine.Detail {
        (error as? Failure)?.detail ?? ErrorLine.detail(error)
    }

    /// The ids `prepare` was called with, in order (from the runner's reading thread).
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [String] = []
        func add(_ id: String) { lock.withLock { ids.append(id) } }
        var all: [String] { lock.withLock { ids } }
    }
}

/// A scratch folder for one test, and the records of a run's output file.
struct Scratch {
    let folder: String

    init() {
        folder = NSTemporaryDirectory() + "vidtag-batch-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// Records `id0` … `id<count-1>` with inputs `/videos/id<i>.mp4`.
    static func records(_ count: Int, prefix: String = "id") -> [InputSource.Element] {
        (0..<count).map { .success(InputRecord(id: "\(prefix)\($0)", video: "/videos/\(prefix)\($0).mp4")) }
    }

    /// Runs `job` over `inputs` into the journal at `path`.
    static func run(_ job: ScriptedJob, _ inputs: [InputSource.Element], into path: String, resume: Bool = false,
                    options: BatchRunner.Options = BatchRunner.Options()) throws -> BatchRunner.Summary {
        let journal = try OutputJournal(path: path, resume: resume)
        return try BatchRunner(journal: journal, options: options).run(inputs, job: job)
    }

    /// Every line of the file at `path`, parsed as a JSON object.
    static func lines(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// The ids of those lines, in order.
    static func ids(_ path: String) throws -> [String] { try lines(path).map { $0["id"] as! String } }

    /// Each line's error code (nil for a result).
    static func codes(_ path: String) throws -> [String: String] {
        var codes: [String: String] = [:]
        for line in try lines(path) {
            if let error = line["error"] as? [String: Any] { codes[line["id"] as! String] = error["code"] as? String }
        }
        return codes
    }
}
