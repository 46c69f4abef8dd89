import Foundation

/// Where a run's JSON lines go: standard output, or a file that a later `--resume` run can
/// continue. Each line is one `write(2)` call, so a crash can leave at most a torn last line,
/// which resuming removes; ids already in the file are skipped.
public final class OutputJournal: @unchecked Sendable {
    public let path: String?
    /// Ids of the records the file already holds (resume only).
    public private(set) var completed: Set<String> = []
    /// The `duplicate_id` error records the file already holds, as ``duplicateKey(id:input:)``
    /// (resume only): a later input with an id in use is done when its error record is there.
    public private(set) var duplicates: Set<String> = []
    /// The bytes of a torn last line that `--resume` cut off (0 when the file ended cleanly).
    public private(set) var repairedBytes = 0
    private let descriptor: Int32

    /// `path` nil writes to standard output. An existing non-empty file is refused unless
    /// `resume` (no run ever overwrites results).
    public init(path: String?, resume: Bool) throws {
        self.path = path
        guard let path else {
            descriptor = STDOUT_FILENO
            return
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !resume, let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
            throw JournalError(path: path, message: "exists and is not empty: pass --resume to continue it, or remove it")
        }
        if exists && resume { (completed, duplicates, repairedBytes) = try Self.repairAndReadIDs(path) }
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JournalError(path: path, message: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
    }

    deinit { if path != nil { close(descriptor) } }

    /// Adds ids done elsewhere (e.g. feature files already written) to those a run skips.
    public func markCompleted(_ ids: Set<String>) { completed.formUnion(ids) }

    /// Appends one line (a newline is added) in a single write.
    public func write(_ line: String) throws {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw JournalError(path: path ?? "stdout", message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Makes the data durable (file output only).
    public func sync() { if path != nil { fsync(descriptor) } }

    /// The key of a `duplicate_id` record in ``duplicates``.
    public static func duplicateKey(id: String, input: String) -> String { id + "\u{0}" + input }

    /// Truncates a torn last line (no newline) and returns the ids of the whole lines, the keys
    /// of the `duplicate_id` error records apart, and the bytes cut.
    static func repairAndReadIDs(_ path: String) throws -> (ids: Set<String>, duplicates: Set<String>, cut: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JournalError(path: path, message: "cannot read for --resume")
        }
        var end = data.count
        if let last = data.lastIndex(of: 0x0A) {
            end = last + 1
        } else {
            end = 0
        }
        if end < data.count {
            guard truncate(path, off_t(end)) == 0 else {
                throw JournalError(path: path, message: "cannot repair the torn last line: \(String(cString: strerror(errno)))")
            }
        }
        var ids: Set<String> = [], duplicates: Set<String> = []
        for line in data[0..<end].split(separator: 0x0A) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let id = object["id"] as? String else { continue }
            if (object["error"] as? [String: Any])?["code"] as? String == DuplicateID.code {
                duplicates.insert(duplicateKey(id: id, input: object["input"] as? String ?? ""))
            } else {
                ids.insert(id)
            }
        }
        return (ids, duplicates, data.count - end)
    }
}

public struct JournalError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}
