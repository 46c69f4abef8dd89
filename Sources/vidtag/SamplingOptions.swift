import ArgumentParser
import Media

/// Frame-sampling options shared by the commands that read video. Unset options take the
/// bundle's defaults (16 frames, exact sampling without a bundle).
struct SamplingOptions: ParsableArguments {
    @Option(help: "Frames to sample, uniformly over the duration (default: the bundle's, else 16).")
    var frames: Int?

    @Option(help: "Sample at this many frames per second instead (with --max-frames).")
    var fps: Double?

    @Option(help: "The most frames --fps may take; beyond it they are spread over the whole video (default 64).")
    var maxFrames: Int?

    @Option(help: "How frames are found: exact (first frame at or after each instant) or keyframe (nearest keyframe, much cheaper). Default: the bundle's, else exact.")
    var sampling: SamplingMode?

    func plan(defaultFrames: Int = 16) -> SamplingPlan {
        if let fps { return .rate(fps: fps, maxFrames: maxFrames ?? 64) }
        return .uniform(count: frames ?? defaultFrames)
    }

    /// Any sampling option given.
    var isSet: Bool { frames != nil || fps != nil || maxFrames != nil || sampling != nil }

    func mode(default fallback: SamplingMode = .exact) -> SamplingMode { sampling ?? fallback }

    /// The most frames one video may give: each costs about 1 MB decoded and 0.1 s through
    /// Inception-ResNet-v2, and the article's setting is 16.
    static let frameLimit = 256
    /// The highest sampling rate: no more than a video's own frame rate is useful.
    static let fpsLimit = 120.0

    func validate() throws {
        let limit = Self.frameLimit
        if let frames, !(1...limit).contains(frames) { throw ValidationError("--frames must be 1 to \(limit), got \(frames)") }
        if let maxFrames, !(1...limit).contains(maxFrames) {
            throw ValidationError("--max-frames must be 1 to \(limit), got \(maxFrames)")
        }
        if let fps, !(fps > 0 && fps <= Self.fpsLimit) {
            throw ValidationError("--fps must be above 0 and at most \(Int(Self.fpsLimit)), got \(fps)")
        }
    }
}

extension SamplingMode: ExpressibleByArgument {}
