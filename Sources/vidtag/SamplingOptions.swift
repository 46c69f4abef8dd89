import ArgumentParser
import Media

/// Frame-sampling options shared by the commands that read video. Unset options take the
/// bundle's defaults (16 frames, exact sampling without a bundle).
struct SamplingOptions: ParsableArguments {
    @Option(help: "Frames to sample, uniformly over the duration (default: the bundle's, else 16).")
    var frames: Int?

    @Option(help: "Sample at this many frames per second instead (with --max-frames).")
    var fps: Double?

    @Option(help: "The most frames --fps may take; beyond it they are spread over the whole video.")
    var maxFrames: Int = 64

    @Option(help: "How frames are found: exact (first frame at or after each instant) or keyframe (nearest keyframe, much cheaper). Default: the bundle's, else exact.")
    var sampling: SamplingMode?

    func plan(defaultFrames: Int = 16) -> SamplingPlan {
        if let fps { return .rate(fps: fps, maxFrames: maxFrames) }
        return .uniform(count: frames ?? defaultFrames)
    }

    func mode(default fallback: SamplingMode = .exact) -> SamplingMode { sampling ?? fallback }

    func validate() throws {
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
        guard maxFrames > 0 else { throw ValidationError("--max-frames must be at least 1, got \(maxFrames)") }
        if let fps, !(fps > 0 && fps.isFinite) { throw ValidationError("--fps must be a positive number, got \(fps)") }
    }
}

extension SamplingMode: ExpressibleByArgument {}
