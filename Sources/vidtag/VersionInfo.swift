import Kernels
import Media

/// What `vidtag --version` prints: our version and the native libraries we run on.
enum VersionInfo {
    static let vidtag = "0.1.0"

    static var text: String {
        """
        vidtag \(vidtag)
        \(FFmpegVersions.description)
        \(Threading.blasDescription), \(Threading.threads) threads
        \(CPUFeatures.description)
        """
    }
}
