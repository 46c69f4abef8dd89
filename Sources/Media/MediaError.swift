import CFFmpeg

/// Why a media file could not be read: the stage that failed, a stable machine-readable code
/// and a message for people. Every failure in this module is one of these; none crashes.
public struct MediaError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Where in the pipeline the failure happened.
    public enum Stage: String, Sendable, Codable {
        case open, probe, demux, decode, seek, scale, resample
    }

    /// Stable codes that batch output and tests rely on.
    public enum Code: String, Sendable, Codable {
        /// The path does not exist, is a directory, or cannot be read.
        case unreadable
        /// The file has no bytes.
        case emptyFile = "empty_file"
        /// No demuxer recognises the bytes.
        case notMedia = "not_media"
        /// A format vidtag refuses to open (playlists, concat lists, image sequences…).
        case formatNotAllowed = "format_not_allowed"
        /// The file is cut short or its structure is damaged.
        case corrupt
        /// The file has no stream of the kind asked for.
        case noVideoStream = "no_video_stream"
        case noAudioStream = "no_audio_stream"
        /// No decoder for the stream's codec.
        case unsupportedCodec = "unsupported_codec"
        /// Dimensions or frame size beyond the configured limits.
        case tooLarge = "too_large"
        /// The per-file time limit ran out.
        case timeout
        /// Decoding produced no frame at all.
        case noFrames = "no_frames"
        /// An FFmpeg call failed in a way not covered above.
        case ffmpeg
    }

    public let stage: Stage
    public let code: Code
    public let message: String
    /// The file the error is about.
    public let path: String

    public init(_ stage: Stage, _ code: Code, _ message: String, path: String) {
        (self.stage, self.code, self.message, self.path) = (stage, code, message, path)
    }

    public var description: String { "\(path): \(stage.rawValue): \(code.rawValue): \(message)" }

    /// The text FFmpeg gives for an error code.
    static func text(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        return buffer.withUnsafeMutableBufferPointer { buffer in
            String(cString: vidtag_av_err2str(code, buffer.baseAddress!, buffer.count))
        }
    }

    /// An error for a failed FFmpeg call, mapped to the most specific code.
    static func ffmpeg(_ stage: Stage, _ code: Int32, _ what: String, path: String, deadline: Deadline? = nil) -> MediaError {
        if code == vidtag_averror_exit() || deadline?.expired == true {
            return MediaError(stage, .timeout, "\(what): time limit of \(deadline?.seconds ?? 0) s ran out", path: path)
        }
        let text = Self.text(code)
        let mapped: Code = code == vidtag_averror_invaliddata() || code == vidtag_averror_eof() ? .corrupt : .ffmpeg
        return MediaError(stage, mapped, "\(what): \(text)", path: path)
    }
}
