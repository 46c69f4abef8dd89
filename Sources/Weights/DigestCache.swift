import Foundation

/// SHA-256 digests of files already hashed, so that a run does not read 0.6 GB of weights to
/// check a bundle it checked before. A digest is reused only for the same file in the same
/// state: the key is its device, inode, size, and modification and status-change times in
/// nanoseconds (the status-change time cannot be set back by a user, so rewriting a file in
/// place and restoring its modification time still changes the key).
///
/// The cache is one JSON object in `$VIDTAG_HASH_CACHE`, else
/// `$XDG_CACHE_HOME/vidtag/file-digests.json`, else `~/.cache/vidtag/file-digests.json`;
/// `VIDTAG_HASH_CACHE=off` turns it off. A cache that cannot be read or written only costs the
/// hashing.
public final class DigestCache: @unchecked Sendable {
    /// The cache the environment names, or nil when it is off.
    public static let shared: DigestCache? = {
        let environment = ProcessInfo.processInfo.environment
        if let setting = environment["VIDTAG_HASH_CACHE"] {
            return setting == "off" || setting.isEmpty ? nil : DigestCache(path: setting)
        }
        guard let base = environment["XDG_CACHE_HOME"].flatMap({ $0.isEmpty ? nil : $0 })
            ?? environment["HOME"].map({ $0 + "/.cache" }) else { return nil }
        return DigestCache(path: base + "/vidtag/file-digests.json")
    }()

    /// A file's SHA-256 through the shared cache, or hashed when it is off.
    public static func digest(ofFile file: String) throws -> String {
        try shared?.digest(ofFile: file) ?? SHA256.hexDigest(ofFile: file)
    }

    /// Entries beyond this are dropped, oldest first.
    static let capacity = 512

    public let path: String
    private let lock = NSLock()
    /// key → (digest, when it was stored)
    private var entries: [String: Entry] = [:]

    struct Entry: Codable {
        var sha256: String
        var stored: Double
    }

    public init(path: String) {
        self.path = path
        if let data = FileManager.default.contents(atPath: path),
           let decoded = try? JSONDecoder().decode([String: Entry].self, from: data) {
            entries = decoded
        }
    }

    /// The file's SHA-256: from the cache when the file is as it was, else hashed and stored.
    public func digest(ofFile file: String) throws -> String {
        guard let key = Self.key(file) else { return try SHA256.hexDigest(ofFile: file) }
        if let hit = lock.withLock({ entries[key] }) { return hit.sha256 }
        let digest = try SHA256.hexDigest(ofFile: file)
        // Changed while it was read: the digest may mix two states, so it is not kept.
        guard Self.key(file) == key else { return digest }
        let snapshot: [String: Entry] = lock.withLock {
            entries[key] = Entry(sha256: digest, stored: Date().timeIntervalSince1970)
            if entries.count > Self.capacity {
                for old in entries.sorted(by: { $0.value.stored < $1.value.stored }).prefix(entries.count - Self.capacity) {
                    entries[old.key] = nil
                }
            }
            return entries
        }
        save(snapshot)
        return digest
    }

    /// "device:inode:size:mtime:ctime" of a regular file, or nil.
    static func key(_ file: String) -> String? {
        var info = stat()
        guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(modified):\(changed)"
    }

    /// Writes the whole cache atomically (a temporary file renamed over it); failures are ignored.
    private func save(_ snapshot: [String: Entry]) {
        let url = URL(fileURLWithPath: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(snapshot) else { return }
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: url, options: .atomic)
    }
}
