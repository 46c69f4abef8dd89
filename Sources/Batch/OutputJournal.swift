import Foundation

/// Where a run's records go: standard output, or a file that a later `--resume` run can
/// continue, as JSON lines or CSV/TSV rows (``RecordFormat``). Each line is one `write(2)`
/// call, so a crash can leave at most a torn last line, which resuming removes; ids already in
/// the file are skipped.
public final class OutputJournal: @unchecked Sendable {
    public let path: String?
    /// Ids of the records the file already holds (resume only).
    public private(set) var completed: Set<String> = []
    /// The inputs of the `duplicate_id` error records the file already holds (resume only): a
    /// later input with an id in use is done when its error record is there.
    public private(set) var duplicates: Set<RecordKey> = []
    /// The bytes of a torn last line that `--resume` cut off (0 when the file ended cleanly).
    public private(set) var repairedBytes = 0
    /// Whole lines of the file that are not records with an id (damaged in the middle): kept
    /// as they are; their inputs run again (resume only).
    public private(set) var unreadableLines: [Int] = []
    public let format: RecordFormat
    private let descriptor: Int32

    /// Error codes of failures that may pass (a file not readable yet, a busy machine): `--resume`
    /// runs such inputs again, and their new line follows the old one (the last line of an id
    /// is the one that counts).
    public static let codesRetriedOnResume: Set<String> = ["unreadable", "timeout"]

    /// `path` nil writes to standard output. An existing non-empty file is refused unless
    /// `resume` (no run ever overwrites results). A file is locked (`flock`) for the run: a
    /// second run on the same file is refused at once instead of writing every record twice.
    public init(path: String?, resume: Bool, format: RecordFormat = .jsonl) throws {
        self.path = path
        self.format = format
        guard let path else {
            descriptor = STDOUT_FILENO
            if let header = format.header { try write(header) }
            return
        }
        // Everything on a local descriptor, kept only once all checks pass (a throwing init
        // must not leave it to deinit as well).
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            throw JournalError(path: path, message: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
        func refuse(_ message: String) -> JournalError {
            close(fd)
            return JournalError(path: path, message: message)
        }
        var info = stat()
        fstat(fd, &info)
        let regular = (info.st_mode & S_IFMT) == S_IFREG
        if regular && flock(fd, LOCK_EX | LOCK_NB) != 0 {
            throw refuse("another vidtag run is writing to it; wait for it to finish (or give each run its own file, e.g. with --shard)")
        }
        if !regular && resume { throw refuse("is not a regular file, so it cannot be resumed") }
        if regular && !resume && info.st_size > 0 {
            throw refuse("exists and is not empty: pass --resume to continue it, or remove it")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        if regular && resume {
            do {
                (completed, duplicates, repairedBytes, unreadableLines) = try Self.repairAndReadIDs(path, fd, format: format)
            } catch {
                close(fd)
                throw error
            }
        }
        descriptor = fd
        if let header = format.header, regular, lseek(fd, 0, SEEK_END) == 0 { try write(header) }
    }

    deinit { if path != nil { close(descriptor) } }

    /// Adds ids done elsewhere (e.g. feature files already written) to those a run skips.
    public func markCompleted(_ ids: Set<String>) { completed.formUnion(ids) }

    /// Appends one record (a JSON line, written in the journal's format) in a single write.
    public func write(record line: String) throws { try write(format.row(line)) }

    /// Appends one line (a newline is added) in a single write.
    private func write(_ line: String) throws {
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

    /// Truncates a torn last line (no newline) and returns the ids of the whole lines, the
    /// inputs of the `duplicate_id` error records apart, the bytes cut, and the numbers of the lines
    /// that are not records.
    static func repairAndReadIDs(_ path: String, _ descriptor: Int32, format: RecordFormat) throws
        -> (ids: Set<String>, duplicates: Set<RecordKey>, cut: Int, unreadable: [Int])
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JournalError(path: path, message: "cannot read for --resume")
        }
        // Resuming in another format would mix two formats in one file.
        let firstLine = data.prefix { $0 != 0x0A }
        if !firstLine.isEmpty {
            let found = RecordFormat.allCases.first { $0.header.map { Data($0.utf8) } == firstLine } ?? .jsonl
            if found != format {
                throw JournalError(path: path, message: "was written with --format \(found.rawValue), not \(format.rawValue): resume it in that format")
            }
        }
        var end = data.count
        if let last = data.lastIndex(of: 0x0A) {
            end = last + 1
        } else {
            end = 0
        }
        if end < data.count {
            guard ftruncate(descriptor, off_t(end)) == 0 else {
                throw JournalError(path: path, message: "cannot repair the torn last line: \(String(cString: strerror(errno)))")
            }
        }
        var ids: Set<String> = [], duplicates: Set<RecordKey> = [], unreadable: [Int] = []
        for (number, line) in data[0..<end].split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().enumerated() {
            guard let fields = format.fields(of: Data(line), ["input", "error_code"]), let id = fields["id"] else {
                if !(number == 0 && format.header.map { Data($0.utf8) } == Data(line)) { unreadable.append(number + 1) }
                continue
            }
            if fields["error_code"] == DuplicateID.code {
                duplicates.insert(RecordKey(id: id, input: fields["input"] ?? ""))
            } else if let code = fields["error_code"], codesRetriedOnResume.contains(code) {
                continue
            } else {
                ids.insert(id)
            }
        }
        return (ids, duplicates, data.count - end, unreadable)
    }
}

public struct JournalError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}
