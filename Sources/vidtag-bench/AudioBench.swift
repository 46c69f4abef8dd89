import ArgumentParser
import AudioEncoder
import Foundation
import Kernels

/// `vidtag-bench vggish`: seconds of audio encoded per second by vidtag's VGGish (log-mel front
/// end, network, and both streamed together), beside the reference PyTorch VGGish measured by
/// Scripts/bench/vggish_torch.py with the same threads.
struct AudioBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vggish",
        abstract: "Time the VGGish audio encoder in seconds of audio per second.",
        discussion: """
            Works on --seconds of synthetic 16 kHz audio with the seeded full-size weights (speed \
            does not depend on the values). Three measurements, each --warmup runs untimed then \
            --repeats timed, best run kept: "frontend" (LogMelStream in 1 s chunks), "network" \
            (VGGish.embed on the examples, --batch-size at a time) and "end_to_end" (AudioEmbedder \
            fed 1 s chunks, as extraction runs it). For the reference, run first:
              python3 Scripts/bench/vggish_torch.py --out torch.json --seconds S --threads T
            then pass --torch torch.json (its ONNX Runtime time for the network, when present, is \
            shown too).
            """
    )

    @Option(help: "Seconds of audio to encode.")
    var seconds = 60.0

    @Option(help: "Threads for the kernels (GEMM blocks and loops; default: VIDTAG_THREADS, else all cores).")
    var threads: Int?

    @Option(help: "Timed runs per measurement.")
    var repeats = 3

    @Option(help: "Untimed warm-up runs per measurement.")
    var warmup = 1

    @Option(help: "Examples per pass through the convolutions (a group, counted from the first example).")
    var batchSize = 16

    @Option(help: "A JSON file written by Scripts/bench/vggish_torch.py, shown beside our numbers.")
    var torch: String?

    @Option(help: "Write our results to this JSON file.")
    var json: String?

    func validate() throws {
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1.") }
        guard repeats >= 1, warmup >= 0, batchSize >= 1 else {
            throw ValidationError("--repeats and --batch-size must be at least 1, --warmup at least 0.")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    struct Report: Codable {
        struct Result: Codable {
            var best: Double
            var samples: [Double]
            var audioSecondsPerSecond: Double

            enum CodingKeys: String, CodingKey {
                case best, samples, audioSecondsPerSecond = "audio_seconds_per_second"
            }
        }

        var tool: String
        var threads: Int
        var seconds: Double
        var examples: Int
        var results: [String: Result]
    }

    func run() throws {
        let reference = try torch.map { try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
        if let threads { Threading.configure(threads: threads) }
        progress("generating seeded weights and \(seconds) s of audio\n")
        var model = VGGish(weights: .seeded())
        model.batchSize = batchSize
        let samples = Self.waveform(seconds: seconds)
        let chunks = stride(from: 0, to: samples.count, by: 16_000).map {
            Array(samples[$0..<min($0 + 16_000, samples.count)])
        }
        let examples = LogMel().examples(samples)

        var results: [String: Report.Result] = [:]
        func measure(_ name: String, _ work: () -> Void) {
            let timing = Stopwatch.measure(warmup: warmup, repeats: repeats, work)
            results[name] = Report.Result(best: timing.best, samples: timing.samples,
                                          audioSecondsPerSecond: seconds / timing.best)
            progress(String(format: "%@: best %.3f s → %.1f s of audio per second", name, timing.best, seconds / timing.best)
                + (timing.otherCores.map { String(format: " (other processes: %.2f cores)", $0) } ?? "") + "\n")
        }
        measure("frontend") {
            var stream = LogMelStream()
            var count = 0
            for chunk in chunks { count += stream.append(chunk).shape[0] }
            keep(Float(count))
        }
        measure("network") { keep(model.embed(examples).data[0]) }
        measure("end_to_end") {
            var embedder = AudioEmbedder(model: model)
            for chunk in chunks { embedder.append(chunk) }
            keep((try? embedder.finish())?.data[0] ?? 0)
        }

        let report = Report(tool: "vidtag", threads: Threading.threads, seconds: seconds, examples: examples.shape[0],
                            results: results)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        print("VGGish, \(seconds) s of audio (\(examples.shape[0]) examples), \(Threading.threads) threads, "
              + "best of \(repeats); \(Threading.blasDescription)")
        print(CPUFeatures.description)
        print("stage        vidtag s   audio s/s" + (reference.map { _ in "   torch s   audio s/s   speed-up" } ?? ""))
        for name in ["frontend", "network", "end_to_end"] {
            let ours = results[name]!
            var line = String(format: "%-11@ %9.3f %11.1f", name, ours.best, ours.audioSecondsPerSecond)
            if let theirs = reference?.results[name] {
                line += String(format: " %9.3f %11.1f %9.2f×", theirs.best, theirs.audioSecondsPerSecond, theirs.best / ours.best)
            }
            print(line)
        }
        if let onnx = reference?.results["network_onnxruntime"] {
            print(String(format: "%-11@ %9@ %11@ %9.3f %11.1f %9.2f×", "network (onnxruntime)", "", "", onnx.best,
                         onnx.audioSecondsPerSecond, onnx.best / results["network"]!.best))
        }
        if let reference, reference.threads != Threading.threads || reference.seconds != seconds {
            print("note: the torch run used \(reference.threads) threads on \(reference.seconds) s of audio")
        }
    }

    /// A 440 Hz tone plus uniform noise from a fixed LCG, in [-0.35, 0.35].
    static func waveform(seconds: Double) -> [Float] {
        let count = Int(seconds * 16_000)
        var state: UInt64 = 1
        return (0..<count).map { i in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Float(state >> 40) * 0x1p-24 * 0.1 - 0.05
            return 0.3 * Float(sin(2 * Double.pi * 440 * Double(i) / 16_000)) + noise
        }
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
