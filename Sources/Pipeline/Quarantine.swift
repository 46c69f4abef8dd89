import Foundation

/// Inputs that failed in a way that will not change on a retry (not media, corrupt, refused
/// format…), remembered in a JSON-lines file so that later runs skip them (unless
/// `--retry-failed`) and give them an error record with code `quarantined` at once.
public final class Quarantine: @unchecked Sendable {
    /// Error codes that mean the input itself is bad.
    public static let deterministicCodes: Set<String> = [
        "not_media", "corrupt", "empty_file", "format_not_allowed", "unsupported_codec", "no_frames", "too_large",
        "malformed_record",
    ]

    public let path: String
    private var entries: [String: String] = [:]  // id → the original code and message

    public init(path: String) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for line in data.split(separator: 0x0A) {
            if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
               let id = object["id"] as? String {
                entries[id] = "\(object["code"] as? String ?? "error"): \(object["message"] as? String ?? "")"
            }
        }
    }

    /// Why `id` was quarantined, or nil.
    public func reason(for id: String) -> String? { entries[id] }

    /// Records a deterministic failure (others are ignored).
    public func record(id: String, input: String, code: String, message: String) {
        guard Self.deterministicCodes.contains(code), entries[id] == nil else { return }
        entries[id] = "\(code): \(message)"
        let object: [String: String] = ["id": id, "input": input, "code": code, "message": message]
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        if let handle = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() {
            handle.seekToEndOfFile()
            handle.write(line)
            try? handle.close()
        }
    }
}
