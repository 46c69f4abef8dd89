import CFFmpeg
import Kernels

/// What `vidtag --version` prints: our version and the native libraries we run on.
enum VersionInfo {
    static let vidtag = "0.1.0"

    static var text: String {
        """
        vidtag \(vidtag)
        libavformat \(versionString(avformat_version())), libavcodec \(versionString(avcodec_version())), \
        libswscale \(versionString(swscale_version())), libswresample \(versionString(swresample_version()))
        \(Threading.blasDescription), \(Threading.threads) threads
        """
    }

    /// FFmpeg packs versions as major << 16 | minor << 8 | micro.
    private static func versionString(_ packed: UInt32) -> String {
        "\(packed >> 16).\((packed >> 8) & 0xFF).\(packed & 0xFF)"
    }
}
