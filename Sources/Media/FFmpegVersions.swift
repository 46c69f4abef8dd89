import CFFmpeg

/// The versions of the FFmpeg libraries vidtag runs on (as loaded, not as compiled against),
/// e.g. "libavformat 59.27.100, libavcodec 59.37.100, libswscale 6.7.100, libswresample 4.7.100".
public enum FFmpegVersions {
    public static var description: String {
        "libavformat \(string(avformat_version())), libavcodec \(string(avcodec_version())), "
            + "libswscale \(string(swscale_version())), libswresample \(string(swresample_version()))"
    }

    /// FFmpeg packs versions as major << 16 | minor << 8 | micro.
    private static func string(_ packed: UInt32) -> String {
        "\(packed >> 16).\((packed >> 8) & 0xFF).\(packed & 0xFF)"
    }
}
