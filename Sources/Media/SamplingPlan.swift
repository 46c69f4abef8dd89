/// Which instants of a video to take frames from.
public enum SamplingPlan: Sendable, Equatable {
    /// `count` instants at the midpoints of `count` equal parts of the duration, so neither the
    /// first frame (often black) nor the last is over-represented.
    case uniform(count: Int)
    /// One instant every `1/fps` seconds from the start; when that gives more than `maxFrames`,
    /// `maxFrames` of them evenly spread over the whole video.
    case rate(fps: Double, maxFrames: Int)

    /// The instants, in seconds from the start of the video, ascending.
    /// Without a usable duration every instant is 0 (the first frame).
    public func timestamps(duration: Double) -> [Double] {
        let duration = duration.isFinite ? max(duration, 0) : 0
        switch self {
        case .uniform(let count):
            let n = max(1, count)
            return (0..<n).map { (Double($0) + 0.5) * duration / Double(n) }
        case .rate(let fps, let maxFrames):
            guard duration > 0 else { return [0] }
            let step = 1 / max(fps, 1e-6)
            // The instants k·step below the duration, counted without building them (a huge
            // rate on a long file must not allocate one timestamp per tick).
            let ticks = duration / step
            let available = ticks >= Double(Int.max / 2) ? Int.max / 2 : max(1, Int(ticks.rounded(.up)))
            let count = (available - 1) >= 0 && Double(available - 1) * step >= duration ? available - 1 : available
            let limit = max(1, maxFrames)
            guard count > limit else { return (0..<max(1, count)).map { Double($0) * step } }
            return (0..<limit).map { Double(Int((Double($0) * Double(count) / Double(limit)).rounded(.down))) * step }
        }
    }
}

/// How frames are found at the planned instants.
public enum SamplingMode: String, Sendable, Codable, CaseIterable {
    /// Seek to the keyframe before each instant and decode forward to the first frame at or
    /// after it (each stretch between keyframes is decoded at most once).
    case exact
    /// Take the keyframe nearest each instant and decode nothing else.
    case keyframe
}

/// One frame taken from a video.
public struct SampledFrame: Sendable {
    /// The instant asked for, in seconds from the start.
    public let requested: Double
    /// The frame's own presentation time, in seconds from the start.
    public let time: Double
    public let image: RGBImage
}
