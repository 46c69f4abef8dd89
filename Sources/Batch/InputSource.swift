import Foundation
import Weights

/// The items of a run, in order, read lazily: paths (files; directories walked recursively in
/// sorted order with sidecars and covers picked up), manifests (JSON lines), and standard input
/// (JSON records or plain paths, one per line, streamed as they arrive).
public struct InputSource: Sequence, IteratorProtocol, @unchecked Sendable {
    public enum Spec: Sendable, Equatable {
        case path(String)
        case manifest(String)
        case standardInput
        /// A path argument whose bytes are not UTF-8 (shown with U+FFFD): it cannot be opened by
        /// that name, so it becomes a `file_name_not_utf8` error record.
        case undecodablePath(String)
    }

    /// Each element: a record, or the error for an input that could not be read as one.
    public typealias Element = Result<InputRecord, InputError>

    /// The file extensions a folder walk takes as media (also what a junk title that is a file
    /// name ends with).
    public static let videoExtensions: Set<String> = ["mp4", "mov", "m4v", "mkv", "webm", "avi", "flv", "ts", "mts", "m2ts",
                                               "mpg", "mpeg", "3gp", "wmv", "ogv", "gif"]
    public static let audioExtensions: Set<String> = ["wav", "mp3", "m4a", "aac", "flac", "ogg", "opus", "wma"]
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "bmp"]
    static let coverExtensions = ["jpg", "jpeg", "png", "webp"]
    /// The largest sidecar read (titles, summaries and products are a few kilobytes).
    static let sidecarLimit = 1 << 20

    private var specs: [Spec]
    private var pending: [Element] = []
    private var lines: LineReader?

    public init(_ specs: [Spec]) { self.specs = specs }

    /// Throws when a manifest or standard input cannot be read as lines at all (missing, a
    /// directory, a device): a run cannot go on without its list of inputs.
    public static func checkReadable(_ specs: [Spec]) throws(InputError) {
        for spec in specs {
            switch spec {
            case .path, .undecodablePath: continue
            case .manifest(let path): try LineReader(path: path, base: URL(fileURLWithPath: "/")).close()
            case .standardInput: _ = try LineReader(standardInputWithBase: URL(fileURLWithPath: "/"))
            }
        }
    }

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
            case .undecodablePath(let shown): pending = [.failure(Self.undecodableName(shown))]
            case .manifest(let path):
                do {
                    lines = try LineReader(path: path, base: URL(fileURLWithPath: path).deletingLastPathComponent())
                } catch {
                    pending = [.failure(error)]
                }
            case .standardInput:
                do {
                    lines = try LineReader(standardInputWithBase: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                } catch {
                    pending = [.failure(error)]
                }
            }
        }
    }

    /// A manifest or stdin line: a JSON object, or a plain path; blank lines are skipped.
    static func parseLine(_ line: String, location: String, base: URL) -> Element? {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        // JSON: an object is a record; any other JSON value ([1,2], 42, null) is a malformed one,
        // not a path; so is a line that opens an object and is not JSON.
        if text.hasPrefix("{") || (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil {
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
        guard let walk = DirectoryWalk(root) else {
            return [.failure(InputError(location: path, message: "cannot list the directory"))]
        }
        // A name that is not UTF-8 cannot be opened by it here: said, never skipped in silence.
        let undecodable = walk.undecodable.map { Element.failure(undecodableName($0)) }
        let media = walk.files.filter { isMedia($0) }
        let stems = Set(media.filter { !imageExtensions.contains($0.pathExtension.lowercased()) }
            .map { $0.deletingPathExtension().path })
        // An image beside a video of the same stem is that video's cover, not an input.
        return media.filter { !(imageExtensions.contains($0.pathExtension.lowercased()) && stems.contains($0.deletingPathExtension().path)) }
            .map { record(forFile: $0, id: relativeID($0, below: root)) } + undecodable
    }

    static func undecodableName(_ shown: String) -> InputError {
        InputError(location: shown, message: "the file name is not valid UTF-8 (shown with U+FFFD for the bad bytes); rename it to have it read",
                   code: "file_name_not_utf8")
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
            // Mapped: a sidecar that is a FIFO or a device is refused, not waited on.
            let data: Data
            do {
                let file = try MappedFile(path: sidecar.path) { InputError(location: sidecar.path, message: "cannot read the sidecar: \($0)") }
                guard file.bytes.count <= Self.sidecarLimit else {
                    return .failure(InputError(location: sidecar.path, message: "the sidecar is \(file.bytes.count) bytes; at most \(Self.sidecarLimit) are read"))
                }
                data = Data(file.bytes)
            } catch {
                return .failure(error)
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
/// A line may end in LF or CRLF. Reading is linear in the input however long its lines are.
struct LineReader {
    private let descriptor: Int32
    private let name: String
    private let base: URL
    private var buffer: [UInt8] = []
    /// Bytes of `buffer` before this are consumed; bytes from here to `scanned` hold no newline.
    private var start = 0
    private var scanned = 0
    private var lineNumber = 0
    private var finished = false
    private let ownsDescriptor: Bool

    /// A manifest: a regular file or a FIFO (`<(command)`), never a directory or device.
    init(path: String, base: URL) throws(InputError) {
        // Non-blocking, so that a FIFO without a writer cannot stop the open; reads block again.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw InputError(location: path, message: "cannot read the manifest: \(String(cString: strerror(errno)))")
        }
        if let problem = Self.problem(descriptor) {
            Foundation.close(descriptor)
            throw InputError(location: path, message: "cannot read the manifest: it is \(problem)")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        (self.descriptor, name, self.base, ownsDescriptor) = (descriptor, path, base, true)
    }

    /// Standard input, whatever it is but a directory or a device other than a terminal.
    init(standardInputWithBase base: URL) throws(InputError) {
        if let problem = Self.problem(STDIN_FILENO, terminalAllowed: true) {
            throw InputError(location: "stdin", message: "cannot read standard input: it is \(problem)")
        }
        (descriptor, name, self.base, ownsDescriptor) = (STDIN_FILENO, "stdin", base, false)
    }

    /// What is wrong with reading lines from `descriptor`: nil for a regular file, FIFO or socket.
    static func problem(_ descriptor: Int32, terminalAllowed: Bool = false) -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return "not readable (\(String(cString: strerror(errno))))" }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFIFO, S_IFSOCK: return nil
        case S_IFDIR: return "a directory"
        case S_IFCHR: return terminalAllowed && isatty(descriptor) != 0 ? nil : "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    func close() { if ownsDescriptor { _ = Foundation.close(descriptor) } }

    /// The next line (without its LF or CRLF), its "name:line" location, and the base for paths.
    mutating func next() -> (String, String, URL)? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                let end = newline > start && buffer[newline - 1] == 0x0D ? newline - 1 : newline
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                (start, scanned) = (newline + 1, newline + 1)
                lineNumber += 1
                return (line, "\(name):\(lineNumber)", base)
            }
            scanned = buffer.count
            if finished {
                guard start < buffer.count else {
                    close()
                    return nil
                }
                let end = buffer.last == 0x0D ? buffer.count - 1 : buffer.count
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = buffer.count
                lineNumber += 1
                return (line, "\(name):\(lineNumber)", base)
            }
            // Drop what is consumed before reading more (at most once per read: linear overall).
            if start > 0 {
                buffer.removeSubrange(0..<start)
                (scanned, start) = (scanned - start, 0)
            }
            // What is there now, blocking only until some bytes arrive, so that records are
            // handled as they are written to a pipe.
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { finished = true } else { buffer.append(contentsOf: chunk[0..<got]) }
        }
    }
}
