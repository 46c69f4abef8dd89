import Foundation
import Weights

/// Inputs that failed in a way that will not change on a retry (not media, corrupt, refused
/// format…), remembered in a JSON-lines file so that later runs skip them (unless
/// `--retry-failed`) and give them an error record with code `quarantined` at once.
///
/// Each line is the input's error record, {"id", "input", "error": {"stage", "code",
/// "message"}}. An input is quarantined by its own failure only: entries match on id and input
/// path together.
public final class Quarantine: @unchecked Sendable {
    /// Error codes that mean the input itself is bad.
    public static let deterministicCodes: Set<String> = [
        "not_media", "corrupt", "empty_file", "format_not_allowed", "unsupported_codec", "no_frames", "too_large",
        "malformed_record",
    ]

    public let path: String
    /// (id, input) → the original code and message. The batch's producer thread reads it while
    /// the main thread records failures: every access holds `lock`.
    private var entries: [RecordKey: String] = [:]
    private let lock = NSLock()
    /// Why the file could not be appended to, once (the run goes on without it).
    public private(set) var writeFailure: String?

    public init(path: String) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for line in data.split(separator: 0x0A) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let id = object["id"] as? String else { continue }
            // Error-record lines; files written before keep code and message at the top.
            let fields = object["error"] as? [String: Any] ?? object
            entries[RecordKey(id: id, input: object["input"] as? String ?? "")] =
                "\(fields["code"] as? String ?? "error"): \(fields["message"] as? String ?? "")"
        }
    }

    /// Why the input with `id` at `input` was quarantined, or nil.
    public func reason(for id: String, input: String) -> String? {
        lock.withLock { entries[RecordKey(id: id, input: input)] }
    }

    /// Records a deterministic failure (others are ignored). A quarantine that cannot be written
    /// (full disk, read-only, not a file) costs only the memory of it: ``writeFailure`` says why.
    public func record(id: String, input: String, detail: ErrorLine.Detail) {
        let key = RecordKey(id: id, input: input)
        guard Self.deterministicCodes.contains(detail.code) else { return }
        let isNew = lock.withLock {
            guard entries[key] == nil else { return false }
            entries[key] = "\(detail.code): \(detail.message)"
            return true
        }
        guard isNew else { return }
        let line = Array((JSONText.encode(ErrorLine.Record(id: id, input: input, error: detail)) + "\n").utf8)
        if let problem = Self.append(line, to: path), writeFailure == nil { writeFailure = problem }
    }

    /// Appends `bytes` in one `write(2)`; the reason it failed, or nil.
    private static func append(_ bytes: [UInt8], to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file" }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
        if written < 0 { return String(cString: strerror(errno)) }
        return written == bytes.count ? nil : "short write"
    }
}

/// An input skipped because an earlier run found it bad for good.
public struct QuarantinedInput: Error, Sendable {
    public let reason: String
}
