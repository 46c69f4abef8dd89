import Foundation

/// The files below a directory, read with `readdir` so that no name is lost: Foundation's
/// enumerator silently drops names that are not valid UTF-8, which a dump from another system
/// may hold. Those come back apart, so that each gets an error record instead of vanishing.
struct DirectoryWalk {
    /// Regular files (symbolic links to regular files included), sorted by path.
    var files: [URL] = []
    /// Entries whose names are not valid UTF-8, as text with U+FFFD for the bad bytes.
    var undecodable: [String] = []

    /// Walks `root` recursively; symbolic links to directories are not followed (no loops).
    /// Nil when `root` cannot be listed.
    init?(_ root: URL) {
        guard walk(root.path) else { return nil }
        files.sort { $0.path < $1.path }
        undecodable.sort()
    }

    private mutating func walk(_ directory: String) -> Bool {
        guard let handle = opendir(directory) else { return false }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            // The name in place, up to its NUL: a dirent is only as long as its name, so copying
            // the whole 256-byte `d_name` field would read past the end of readdir's buffer.
            let name = UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let bytes = Array(UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self))))
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                undecodable.append(directory + "/" + String(decoding: bytes, as: UTF8.self))
                continue
            }
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: _ = walk(path)
            case S_IFREG: files.append(URL(fileURLWithPath: path))
            case S_IFLNK:
                if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { files.append(URL(fileURLWithPath: path)) }
            default: continue
            }
        }
        return true
    }
}
