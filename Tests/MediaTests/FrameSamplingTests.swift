import Foundation
import Media
import Testing

/// Sampled frames against the ffmpeg CLI at the same instants, after the same scaling.
@Suite struct FrameSamplingTests {
    /// Tolerance: the CLI runs the same swscale, but rotates before scaling where we scale
    /// before rotating, and its filter graph may pick other internal formats; so a mean of at
    /// most 1 level and no pixel channel off by more than 24 levels.
    static let meanTolerance = 1.0
    static let maxTolerance = 24

    static let videos = [
        "h264_aac.mp4", "h264_bframes.mp4", "vp9_opus.webm", "mpeg4.avi", "rotated_90.mp4", "vfr.mp4",
        "h264_10bit.mp4", "gray.mkv", "pal8.mov", "no_audio.mp4", "no_duration.h264",
    ]

    @Test(arguments: videos)
    func exactFramesMatchTheCLI(_ name: String) throws {
        let path = Fixture.path(name)
        let sample = try FrameSampler.sample(MediaFile(path: path), plan: .uniform(count: 5), mode: .exact,
                                             width: 64, height: 48)
        #expect(sample.frames.count == 5)
        for frame in sample.frames {
            #expect(frame.time >= frame.requested - 1e-6, "\(name): frame at \(frame.time) s is before \(frame.requested) s")
            // The CLI's own seek rounds to its output frame rate, so ask it for the frame we chose
            // (by number where the stream has no timestamps to seek by).
            let reference = name.hasSuffix(".h264")
                ? try FFmpegCLI.frame(path, number: Int((frame.time * 25).rounded()), width: 64, height: 48)
                : try FFmpegCLI.frame(path, at: frame.time, width: 64, height: 48)
            let difference = pixelDifference(frame.image.pixels, reference)
            print("\(name) t=\(frame.requested) → \(frame.time): mean |Δ| \(difference.mean), max |Δ| \(difference.max)")
            #expect(difference.mean <= Self.meanTolerance, "\(name) at \(frame.requested) s")
            #expect(difference.max <= Self.maxTolerance, "\(name) at \(frame.requested) s")
        }
    }

    @Test func rotationTurnsThePictureUpright() throws {
        let sample = try FrameSampler.sample(MediaFile(path: Fixture.path("rotated_90.mp4")), plan: .uniform(count: 1),
                                             mode: .exact, width: 30, height: 40)
        #expect(sample.rotation == 90)
        #expect(sample.frames[0].image.width == 30 && sample.frames[0].image.height == 40)
    }

    @Test func keyframeModeTakesTheNearestKeyframe() throws {
        // h264_aac.mp4 has a keyframe every second (-g 25 at 25 fps).
        let path = Fixture.path("h264_aac.mp4")
        let sample = try FrameSampler.sample(MediaFile(path: path), plan: .uniform(count: 5), mode: .keyframe,
                                             width: 64, height: 48)
        #expect(sample.frames.map(\.requested) == [0.4, 1.2, 2.0, 2.8, 3.6])
        for frame in sample.frames {
            let nearest = frame.requested.rounded()
            #expect(abs(frame.time - min(nearest, 3)) < 1e-6, "asked \(frame.requested) s, got \(frame.time) s")
            let reference = try FFmpegCLI.frame(path, at: frame.time, width: 64, height: 48)
            let difference = pixelDifference(frame.image.pixels, reference)
            #expect(difference.mean <= Self.meanTolerance && difference.max <= Self.maxTolerance)
        }
    }

    @Test func aWrongOrMissingDurationFallsBackToAScan() throws {
        let sample = try FrameSampler.sample(MediaFile(path: Fixture.path("no_duration.h264")),
                                             plan: .uniform(count: 4), mode: .exact, width: 32, height: 32)
        #expect(sample.durationScanned)
        #expect(abs(sample.duration - 2) < 0.1, "scanned duration \(sample.duration)")
        let cut = try FrameSampler.sample(MediaFile(path: Fixture.path("truncated_half_faststart.mp4")),
                                          plan: .uniform(count: 4), mode: .exact, width: 32, height: 32)
        #expect(cut.durationScanned && cut.truncated && cut.duration < 3, "duration \(cut.duration)")
        #expect(cut.frames.allSatisfy { $0.time <= cut.duration })
    }

    @Test func oneFrameVideoGivesThatFrame() throws {
        let sample = try FrameSampler.sample(MediaFile(path: Fixture.path("one_frame.mp4")), plan: .uniform(count: 3),
                                             mode: .exact, width: 32, height: 32)
        #expect(sample.frames.count == 3)
        #expect(sample.frames.allSatisfy { $0.time == 0 })
    }

    @Test func coversMatchTheCLI() throws {
        for name in ["cover.jpg", "cover.png", "cover.webp", "cover.bmp"] {
            let image = try ImageLoader.load(Fixture.path(name), width: 64, height: 48)
            let reference = try FFmpegCLI.frame(Fixture.path(name), at: nil, width: 64, height: 48)
            let difference = pixelDifference(image.pixels, reference)
            print("\(name): mean |Δ| \(difference.mean), max |Δ| \(difference.max)")
            #expect(difference.mean <= Self.meanTolerance && difference.max <= Self.maxTolerance, "\(name)")
        }
    }

    @Test func samplingPlans() {
        #expect(SamplingPlan.uniform(count: 4).timestamps(duration: 8) == [1, 3, 5, 7])
        #expect(SamplingPlan.rate(fps: 2, maxFrames: 100).timestamps(duration: 2) == [0, 0.5, 1, 1.5])
        let capped = SamplingPlan.rate(fps: 10, maxFrames: 4).timestamps(duration: 10)
        #expect(capped == [0, 2.5, 5, 7.5])
    }
}
