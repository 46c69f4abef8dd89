import Foundation

/// The items of a run, in order, read lazily: paths (files; directories walked recursively in
/// sorted order with sidecars and covers picked up), manifests (JSON lines), and standard input
/// (JSON records or plain paths, one per line, streamed as they arrive).
public struct InputSource: Sequence, IteratorProtocol, @unchecked Sendable {
    public enum Spec: Sendable, Equatable {
        case path(String)
        case manifest(String)
        case standardInput
    }

    /// Each element: a record, or the error for an input that could not be read as one.
    public typealias Element = Result<InputRecord, InputError>

    static let videoExtensions: Set<String> = ["mp4", "mov", "m4v", "mkv", "webm", "avi", "flv", "ts", "mts", "m2ts",
                                               "mpg", "mpeg", "3gp", "wmv", "ogv", "gif"]
    static let audioExtensions: Set<String> = ["wav", "mp3", "m4a", "aac", "flac", "ogg", "opus", "wma"]
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "bmp"]
    static let coverExtensions = ["jpg", "jpeg", "png", "webp"]

    private var specs: [Spec]
    private var pending: [Element] = []
    private var lines: LineReader?

    public init(_ specs: [Spec]) { self.specs = specs }

    public mutating func next() -> Element? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if var reader = lines {
                if let (line, location, base) = reader.next() {
                    lines = reader
                    if let element = Self.parseLine(line, location: location, base: base) { return element }
                    continue
                }
                lines = nil
            }
            guard !specs.isEmpty else { return nil }
            switch specs.removeFirst() {
            case .path(let path): pending = Self.expand(path)
            case .manifest(let path):
                let url = URL(fileURLWithPath: path)
                if let reader = LineReader(path: path, base: url.deletingLastPathComponent()) {
                    lines = reader
                } else {
                    pending = [.failure(InputError(location: path, message: "cannot read the manifest"))]
                }
            case .standardInput:
                lines = LineReader(standardInputWithBase: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            }
        }
    }

    /// A manifest or stdin line: a JSON object, or a plain path; blank lines are skipped.
    static func parseLine(_ line: String, location: String, base: URL) -> Element? {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        if text.hasPrefix("{") {
            do {
                return .success(try InputRecord.parse(Data(text.utf8), base: base, location: location))
            } catch {
                return .failure(error)
            }
        }
        if let url = InputError.url(text, location: location) { return .failure(url) }
        let path = text.hasPrefix("/") ? text : base.appendingPathComponent(text).standardizedFileURL.path
        return expand(path).first
    }

    /// A path given as an input: a file becomes one record (with its sidecar and cover), its id
    /// the file name without extension; a directory becomes every media file below it in
    /// sorted order, each with its path below the directory, without extension, as id
    /// (`a/clip` for `DIR/a/clip.mp4`), so that same-named files in different folders keep
    /// apart.
    static func expand(_ path: String) -> [Element] {
        if let url = InputError.url(path, location: path) { return [.failure(url)] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // Still one record: reading it fails later with a specific `unreadable` error.
            return [.success(InputRecord(id: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                                         video: path))]
        }
        if !isDirectory.boolValue {
            let url = URL(fileURLWithPath: path)
            return [record(forFile: url, id: url.deletingPathExtension().lastPathComponent)]
        }
        let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return [.failure(InputError(location: path, message: "cannot list the directory"))]
        }
        var files: [URL] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url.standardizedFileURL)
        }
        files.sort { $0.path < $1.path }
        let media = files.filter { isMedia($0) }
        let stems = Set(media.filter { !imageExtensions.contains($0.pathExtension.lowercased()) }
            .map { $0.deletingPathExtension().path })
        // An image beside a video of the same stem is that video's cover, not an input.
        return media.filter { !(imageExtensions.contains($0.pathExtension.lowercased()) && stems.contains($0.deletingPathExtension().path)) }
            .map { record(forFile: $0, id: relativeID($0, below: root)) }
    }

    /// The path of `file` below `root` without its extension: `a/clip` for `root/a/clip.mp4`.
    static func relativeID(_ file: URL, below root: URL) -> String {
        let stem = file.deletingPathExtension().path
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return stem.hasPrefix(prefix) ? String(stem.dropFirst(prefix.count)) : file.deletingPathExtension().lastPathComponent
    }

    static func isMedia(_ url: URL) -> Bool {
        let ext = url.pathExtension.lowercased()
        return videoExtensions.contains(ext) || audioExtensions.contains(ext) || imageExtensions.contains(ext)
    }

    /// A record for one media file, with `id` unless its sidecar names one: an image is a
    /// cover; anything else the video. A sidecar `<stem>.json` adds id, title, summary, products
    /// (and may name the cover); a cover `<stem>.jpg|jpeg|png|webp` beside a video is picked up.
    static func record(forFile url: URL, id: String) -> Element {
        let stem = url.deletingPathExtension()
        let isImage = imageExtensions.contains(url.pathExtension.lowercased())
        var record = InputRecord(id: id, video: isImage ? nil : url.path, cover: isImage ? url.path : nil)
        let sidecar = stem.appendingPathExtension("json")
        if FileManager.default.fileExists(atPath: sidecar.path) {
            guard let data = FileManager.default.contents(atPath: sidecar.path) else {
                return .failure(InputError(location: sidecar.path, message: "cannot read the sidecar"))
            }
            do {
                var fromSidecar = try InputRecord.parse(data, base: url.deletingLastPathComponent(),
                                                        location: sidecar.path, requireContent: false)
                if isImage { fromSidecar.cover = url.path } else { fromSidecar.video = url.path }
                if fromSidecar.id.isEmpty { fromSidecar.id = record.id }
                record = fromSidecar
            } catch {
                return .failure(error)
            }
        }
        if !isImage && record.cover == nil {
            record.cover = coverExtensions.lazy.map { stem.appendingPathExtension($0).path }
                .first { FileManager.default.fileExists(atPath: $0) }
        }
        return .success(record)
    }
}

/// Lines of a file or of standard input, read as they come, with their location for messages.
struct LineReader {
    private let handle: FileHandle
    private let name: String
    private let base: URL
    private var buffer = Data()
    private var lineNumber = 0
    private var finished = false

    init?(path: String, base: URL) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        (self.handle, name, self.base) = (handle, path, base)
    }

    init(standardInputWithBase base: URL) {
        (handle, name, self.base) = (FileHandle.standardInput, "stdin", base)
    }

    /// The next line (without its newline), its "name:line" location, and the base for paths.
    mutating func next() -> (String, String, URL)? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                lineNumber += 1
                return (String(decoding: line, as: UTF8.self), "\(name):\(lineNumber)", base)
            }
            if finished {
                guard !buffer.isEmpty else { return nil }
                let line = buffer
                buffer.removeAll()
                lineNumber += 1
                return (String(decoding: line, as: UTF8.self), "\(name):\(lineNumber)", base)
            }
            // availableData returns what is there now (blocking only until some bytes arrive),
            // so records are handled as they are written to a pipe.
            let chunk = handle.availableData
            if chunk.isEmpty { finished = true } else { buffer.append(chunk) }
        }
    }
}
