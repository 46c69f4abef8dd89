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
        "h264_gop1s.ts", "h264_bframes.ts", "mpeg2.mpg", "h264_aac.flv", "h264_aac.mov", "hevc.hevc",
    ]
    /// Files whose first frame is not at 0 s (MPEG-TS, MPEG-PS) or that have no timestamps
    /// (elementary streams): the CLI is asked for the frame by number (all are 25 fps).
    static let byNumber: Set<String> = ["h264", "hevc", "ts", "mpg", "flv"]

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
            let reference = Self.byNumber.contains(URL(fileURLWithPath: name).pathExtension)
                ? try FFmpegCLI.frame(path, number: Int((frame.time * 25).rounded()), width: 64, height: 48)
                : try FFmpegCLI.frame(path, at: frame.time, width: 64, height: 48)
            let difference = pixelDifference(frame.image.pixels, reference)
            print("\(name) t=\(frame.requested) → \(frame.time): mean |Δ| \(difference.mean), max |Δ| \(difference.max)")
            #expect(difference.mean <= Self.meanTolerance, "\(name) at \(frame.requested) s")
            #expect(difference.max <= Self.maxTolerance, "\(name) at \(frame.requested) s")
        }
    }

    /// The same H.264 stream in MPEG-TS, FLV and MOV gives the MP4's frames at the same
    /// instants (every half second: the containers state slightly different durations, so a
    /// uniform plan would ask for other instants). MPEG-TS lands between keyframes when it
    /// seeks, and with only one keyframe (h264_bframes) every seek has to fall back to the
    /// start. Keyframe mode takes a keyframe near each instant, so within one GOP of the MP4's.
    @Test(arguments: [("h264_gop1s.ts", "h264_aac.mp4", 1.0), ("h264_bframes.ts", "h264_bframes.mp4", 4.0),
                      ("h264_aac.flv", "h264_aac.mp4", 1.0), ("h264_aac.mov", "h264_aac.mp4", 1.0)])
    func otherContainersGiveTheSameFrames(_ copy: String, _ original: String, _ gop: Double) throws {
        for mode in [SamplingMode.exact, .keyframe] {
            let samples = try [copy, original].map {
                try FrameSampler.sample(MediaFile(path: Fixture.path($0)), plan: .rate(fps: 2, maxFrames: 16), mode: mode,
                                        width: 64, height: 48)
            }
            #expect(samples.allSatisfy { $0.frames.count >= 8 }, "\(copy) \(mode)")
            for (a, b) in zip(samples[0].frames, samples[1].frames) {
                if mode == .exact {
                    let differing = zip(a.image.pixels, b.image.pixels).filter { $0 != $1 }.count
                    #expect(abs(a.time - b.time) < 1e-3 && differing == 0,
                            "\(copy): \(a.time) s against \(b.time) s, \(differing) bytes differ")
                } else {
                    #expect(abs(a.time - b.time) <= gop + 1e-3, "\(copy) keyframe: \(a.time) s against \(b.time) s")
                }
            }
        }
    }

    /// A rate plan starts at 0 s, where sampling goes back to the file's start: the first frame,
    /// in every container (MKV and WebM demuxers keep state a raw byte seek would not reset).
    @Test(arguments: ["gray.mkv", "vp9_opus.webm", "h264_aac.mp4", "h264_gop1s.ts", "mpeg2.mpg", "h264_aac.flv"])
    func ratePlansStartAtTheFirstFrame(_ name: String) throws {
        let path = Fixture.path(name)
        let sample = try FrameSampler.sample(MediaFile(path: path), plan: .rate(fps: 1, maxFrames: 3), mode: .exact,
                                             width: 64, height: 48)
        #expect(sample.frames.first.map { abs($0.time) < 1e-6 } == true, "\(name): \(sample.frames.map(\.time))")
        for frame in sample.frames {
            let reference = try FFmpegCLI.frame(path, number: Int((frame.time * (name == "gray.mkv" ? 10 : 25)).rounded()),
                                                width: 64, height: 48)
            let difference = pixelDifference(frame.image.pixels, reference)
            #expect(difference.mean <= Self.meanTolerance && difference.max <= Self.maxTolerance, "\(name) at \(frame.time) s")
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
