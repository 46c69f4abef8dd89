import ArgumentParser
import Foundation
@_spi(Tools) import Media

/// `vidtag-bench media`: frame sampling (exact and keyframe) against decoding every frame, on
/// videos generated at benchmark time with the ffmpeg CLI, and peak memory while sampling and
/// streaming the audio of a two-hour video.
struct MediaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Frame sampling versus full decoding, and peak memory on a long video.")

    @Option(help: "Seconds of the 1280×720 test videos.")
    var seconds = 60

    @Option(help: "Frames to sample.")
    var frames = 16

    @Option(help: "Timed runs of each measurement (the median is reported).")
    var repeats = 3

    @Option(help: "Minutes of the long video for the memory measurement (0 skips it).")
    var longMinutes = 120

    @Option(help: "Folder for the generated videos (kept between runs; default: a temporary folder).")
    var workdir: String?

    func run() throws {
        let folder = workdir ?? FileManager.default.temporaryDirectory.appendingPathComponent("vidtag-media-bench").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let videos = [
            ("1 s keyframe interval", "gop25_\(seconds)s.mp4", ["-g", "25"]),
            ("x264 default keyframe interval (≤ 250)", "gopdefault_\(seconds)s.mp4", []),
        ]
        print("Frame sampling, \(seconds) s 1280×720 H.264 + AAC, \(frames) frames at 299×299, median of \(repeats)")
        print("video                                   full decode   exact        keyframe     full/exact  full/keyframe")
        for (label, name, options) in videos {
            let path = "\(folder)/\(name)"
            try TestVideo.make(path, seconds: seconds, size: "1280x720", rate: 25, videoOptions: options)
            let full = try median { _ = try FullDecode.countFrames(MediaFile(path: path)) }
            let exact = try median { try sample(path, .exact) }
            let keyframe = try median { try sample(path, .keyframe) }
            print(label.padding(toLength: 40, withPad: " ", startingAt: 0)
                  + String(format: "%8.3f s   %8.3f s   %8.3f s   %8.1f×   %8.1f×", full, exact, keyframe,
                           full / exact, full / keyframe))
        }
        if longMinutes > 0 {
            let path = "\(folder)/long_\(longMinutes)min.mp4"
            try TestVideo.make(path, seconds: longMinutes * 60, size: "320x240", rate: 10, videoOptions: ["-preset", "ultrafast"])
            let report = try MemoryProbe.run(arguments: ["media-memory", path, "--frames", "\(frames)"])
            print("Peak memory, \(longMinutes) min video (\(frames) exact frames + all audio streamed at 16 kHz): \(report)")
        }
    }

    private func sample(_ path: String, _ mode: SamplingMode) throws {
        _ = try FrameSampler.sample(MediaFile(path: path), plan: .uniform(count: frames), mode: mode)
    }

    private func median(_ body: () throws -> Void) throws -> Double {
        try body()  // warm-up: file cache, decoder start-up
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return times.sorted()[times.count / 2]
    }
}

/// `vidtag-bench media-memory FILE`: samples frames and streams all the audio of one file, then
/// prints its own peak resident memory (run as a child process by `media`).
struct MediaMemory: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "media-memory", shouldDisplay: false)

    @Argument var path: String
    @Option var frames = 16

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let sample = try FrameSampler.sample(MediaFile(path: path), plan: .uniform(count: frames), mode: .exact)
        let reader = try AudioReader(file: MediaFile(path: path))
        let samples = try reader.read { _ in }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        print(String(format: "%.1f MB peak RSS (%d frames, %.0f s of audio, %.1f s)",
                     MemoryProbe.peakResidentMegabytes(), sample.frames.count,
                     Double(samples) / Double(AudioReader.sampleRate), seconds))
    }
}

/// Test videos made with the ffmpeg CLI (testsrc2 picture, two-tone stereo sound).
enum TestVideo {
    static func make(_ path: String, seconds: Int, size: String, rate: Int, videoOptions: [String]) throws {
        if FileManager.default.fileExists(atPath: path) { return }
        FileHandle.standardError.write(Data("generating \(path)…\n".utf8))
        let arguments = [
            "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(rate):duration=\(seconds)",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(seconds)",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        ] + videoOptions + ["-c:a", "aac", "-b:a", "96k", "-ac", "2", "-shortest", path + ".part.mp4"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg"] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("ffmpeg could not make \(path) (status \(process.terminationStatus))")
        }
        try FileManager.default.moveItem(atPath: path + ".part.mp4", toPath: path)
    }
}

/// Peak memory of this process, and of a child run of this benchmark.
enum MemoryProbe {
    /// VmHWM from /proc/self/status: the peak resident set, in MB.
    static func peakResidentMegabytes() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kilobytes / 1024
    }

    /// Runs this executable with `arguments` and returns what it printed.
    static func run(arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
