import CFFmpeg
import Foundation

/// FFmpeg's own log is silenced: every failure reaches the caller as a MediaError instead.
/// `VIDTAG_FFMPEG_LOG=info|warning|error|debug` turns it back on for diagnosis.
enum FFmpegLog {
    private static let once: Void = {
        let levels: [String: Int32] = ["debug": AV_LOG_DEBUG, "info": AV_LOG_INFO, "warning": AV_LOG_WARNING,
                                       "error": AV_LOG_ERROR]
        let requested = ProcessInfo.processInfo.environment["VIDTAG_FFMPEG_LOG"].flatMap { levels[$0] }
        av_log_set_level(requested ?? AV_LOG_QUIET)
    }()

    static func configure() { _ = once }
}
