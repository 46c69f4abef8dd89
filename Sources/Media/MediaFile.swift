import CFFmpeg
import Foundation

/// One opened local media file: the demuxer context, its streams, and the time limit all work
/// on it shares.
///
/// Opening is safe on any bytes: the format is probed from content (FormatProbe), only the
/// `file` protocol is allowed, external references in MOV files stay off, and every blocking
/// FFmpeg call is interrupted when the per-file deadline passes.
public final class MediaFile {
    public let path: String
    public let limits: MediaLimits
    /// The demuxer's short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    public let formatName: String
    public let streams: [StreamInfo]
    let context: UnsafeMutablePointer<AVFormatContext>
    let deadline: Deadline
    /// The file as checked (a regular file), open while FFmpeg reads it through
    /// `/proc/self/fd`, so that what was checked is what is read.
    private let descriptor: Int32

    public init(path: String, limits: MediaLimits = MediaLimits()) throws(MediaError) {
        FFmpegLog.configure()
        self.path = path
        self.limits = limits
        deadline = Deadline(seconds: limits.secondsPerFile)
        let (format, descriptor) = try FormatProbe.demuxer(for: path, limits: limits)
        self.descriptor = descriptor
        guard var context = avformat_alloc_context() else {
            close(descriptor)
            throw MediaError(.open, .ffmpeg, "cannot allocate a format context", path: path)
        }
        context.pointee.interrupt_callback = deadline.interruptCallback
        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        av_dict_set(&options, "format_whitelist", FormatProbe.allowed.sorted().joined(separator: ","), 0)
        av_dict_set(&options, "enable_drefs", "0", 0)
        var contextPointer: UnsafeMutablePointer<AVFormatContext>? = context
        // "file:" keeps a path with a colon from being read as another protocol's URL.
        let byDescriptor = "/proc/self/fd/\(descriptor)"
        let source = access(byDescriptor, R_OK) == 0 ? byDescriptor : path
        let status = avformat_open_input(&contextPointer, "file:" + source, format, &options)
        av_dict_free(&options)
        guard status >= 0, let opened = contextPointer else {
            // avformat_open_input frees the context on failure.
            close(descriptor)
            throw MediaError.ffmpeg(.open, status, "cannot open as \(String(cString: format.pointee.name))",
                                    path: path, deadline: deadline)
        }
        context = opened
        let infoStatus = avformat_find_stream_info(context, nil)
        guard infoStatus >= 0 else {
            avformat_close_input(&contextPointer)
            close(descriptor)
            throw MediaError.ffmpeg(.probe, infoStatus, "cannot read stream parameters", path: path,
                                    deadline: deadline)
        }
        self.context = context
        formatName = String(cString: context.pointee.iformat.pointee.name)
        streams = (0..<Int(context.pointee.nb_streams)).map { StreamInfo(context.pointee.streams[$0]!) }
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&pointer)
        close(descriptor)
    }

    /// The duration the container states, in seconds, or nil when it states none.
    public var containerDuration: Double? {
        let duration = context.pointee.duration
        if duration != vidtag_av_nopts_value() && duration > 0 { return Double(duration) / Double(AV_TIME_BASE) }
        return streams.compactMap(\.duration).max()
    }

    /// True for containers that find a time by searching the file for timestamps, and may land
    /// between keyframes (MPEG-TS, MPEG-PS: they allow timestamp discontinuities).
    var findsTimesBySearch: Bool { context.pointee.iformat.pointee.flags & AVFMT_TS_DISCONT != 0 }

    /// True for single pictures (JPEG, PNG, WebP, BMP), which have no timeline to sample.
    public var isStillImage: Bool { formatName.hasSuffix("_pipe") }

    /// The main video stream: the largest picture that is not an attached still.
    public var videoStream: StreamInfo? {
        streams.filter { $0.type == "video" && $0.attachedPicture != true && ($0.width ?? 0) > 0 }
            .max { ($0.width! * $0.height!) < ($1.width! * $1.height!) }
    }

    /// An attached picture (cover art embedded in the file), if any.
    public var attachedPictureStream: StreamInfo? {
        streams.first { $0.type == "video" && $0.attachedPicture == true }
    }

    /// The audio stream FFmpeg ranks best.
    public var audioStream: StreamInfo? {
        let index = av_find_best_stream(context, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        return index >= 0 ? streams[Int(index)] : nil
    }

    /// Moves back to the start of the file: by timestamp, else (raw streams) by byte.
    func rewind(streamIndex: Int) {
        let start = stream(streamIndex).pointee.start_time
        if av_seek_frame(context, Int32(streamIndex), start == vidtag_av_nopts_value() ? 0 : start,
                         AVSEEK_FLAG_BACKWARD) < 0 {
            _ = av_seek_frame(context, -1, 0, AVSEEK_FLAG_BYTE)
        }
    }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { context.pointee.streams[index]! }

    /// Throws `timeout` once the per-file deadline has passed.
    func checkDeadline(_ stage: MediaError.Stage) throws(MediaError) {
        if deadline.expired {
            throw MediaError(stage, .timeout, "time limit of \(limits.secondsPerFile) s ran out", path: path)
        }
    }
}
