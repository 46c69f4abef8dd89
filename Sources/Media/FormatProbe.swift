import CFFmpeg
import Foundation

/// Finds the demuxer for a file from its first bytes, and refuses formats that could reach
/// other files or the network.
///
/// FFmpeg's own probing also trusts file-name extensions (so `x.jpg` opens with the `image2`
/// sequence demuxer, which expands `%d` patterns into other files) and accepts playlists.
/// We probe the content alone, with no file name, and open only demuxers on `allowed`.
enum FormatProbe {
    /// Demuxers of single, self-contained files. Playlists (hls, dash), lists (concat),
    /// image sequences (image2) and anything network-only are absent on purpose.
    static let allowed: Set<String> = [
        "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "flv", "mpegts", "mpeg",
        "mp3", "wav", "w64", "ogg", "aac", "flac", "aiff", "caf", "asf", "amr", "gif", "h264", "hevc",
        "m4v", "ivf", "mjpeg", "jpeg_pipe", "png_pipe", "webp_pipe", "bmp_pipe",
    ]

    /// The largest head read while probing, as FFmpeg's own probe (1 MiB).
    static let maxProbeBytes = 1 << 20

    /// Opens `path` (which must be a regular file), reads its head and returns its demuxer with
    /// the open descriptor (the caller closes it), or throws `unreadable`, `empty_file`,
    /// `not_media` or `format_not_allowed`.
    /// A picture whose header states more pixels than `limits` allow is refused here, as
    /// `too_large`, before FFmpeg would decode it.
    static func demuxer(for path: String, limits: MediaLimits) throws(MediaError)
        -> (format: UnsafePointer<AVInputFormat>, descriptor: Int32)
    {
        let descriptor = try openRegularFile(path)
        do throws(MediaError) {
            let head = try readHead(descriptor, path)
            if let (w, h) = PictureHeader.size(head) { try limits.checkPicture(width: w, height: h, path: path, source: "by its header") }
            return (try demuxer(head: head, path: path), descriptor)
        } catch {
            close(descriptor)
            throw error
        }
    }

    private static func demuxer(head: [UInt8], path: String) throws(MediaError) -> UnsafePointer<AVInputFormat> {
        guard !head.isEmpty else { throw MediaError(.open, .emptyFile, "the file is empty (0 bytes)", path: path) }
        var size = 2048
        while true {
            let probeSize = min(size, head.count)
            let (format, score) = probe(head[0..<probeSize])
            let final = probeSize >= head.count
            if let format, score > vidtag_avprobe_score_retry() || (final && score > 0) {
                let name = String(cString: format.pointee.name)
                guard isAllowed(name) else {
                    let long = format.pointee.long_name.map { String(cString: $0) } ?? name
                    throw MediaError(.probe, .formatNotAllowed,
                                     "format '\(name)' (\(long)) is not opened: vidtag reads single local media files, "
                                        + "not playlists, lists or image sequences", path: path)
                }
                return format
            }
            if final {
                throw MediaError(.probe, .notMedia, "no media format recognised in the first \(head.count) bytes",
                                 path: path)
            }
            size *= 4
        }
    }

    static func isAllowed(_ demuxerName: String) -> Bool {
        demuxerName.split(separator: ",").contains { allowed.contains(String($0)) }
    }

    private static func probe(_ bytes: ArraySlice<UInt8>) -> (UnsafePointer<AVInputFormat>?, Int32) {
        var padded = [UInt8](bytes)
        padded.append(contentsOf: repeatElement(0, count: Int(vidtag_avprobe_padding_size())))
        var score: Int32 = 0
        let format = padded.withUnsafeMutableBufferPointer { buffer -> UnsafePointer<AVInputFormat>? in
            "".withCString { emptyName in
                var data = AVProbeData(filename: emptyName, buf: buffer.baseAddress, buf_size: Int32(bytes.count),
                                       mime_type: nil)
                return av_probe_input_format2(&data, 1, &score)
            }
        }
        return (format, score)
    }

    /// A descriptor of `path`, checked with `fstat` to be a regular file. The open does not
    /// block (a FIFO without a writer would wait forever); reads through it do.
    static func openRegularFile(_ path: String) throws(MediaError) -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw MediaError(.open, .unreadable, "cannot open: \(String(cString: strerror(errno)))", path: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw MediaError(.open, .unreadable, "cannot stat: \(String(cString: strerror(errno)))", path: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw MediaError(.open, .unreadable, "is \(describe(status.st_mode)), not a regular file", path: path)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return descriptor
    }

    /// "a directory", "a FIFO", … for a file mode.
    static func describe(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    /// Up to `maxProbeBytes` from the start of the open file.
    private static func readHead(_ descriptor: Int32, _ path: String) throws(MediaError) -> [UInt8] {
        var head = [UInt8](repeating: 0, count: maxProbeBytes)
        var filled = 0
        while filled < head.count {
            let got = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                throw MediaError(.open, .unreadable, "cannot read: \(String(cString: strerror(errno)))", path: path)
            }
            if got == 0 { break }
            filled += got
        }
        return Array(head[0..<filled])
    }
}
