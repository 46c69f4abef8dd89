import ArgumentParser
import Dispatch
import Foundation
import Kernels
import TextEncoder

/// `vidtag-bench text`: titles per second of the text encoder (tokenizer + BERT + pooling),
/// at each batch size, beside sentence-transformers on the same model, titles and threads,
/// measured in the same run (Scripts/bench/text_torch.py, started as a child process).
struct TextBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Time the text encoder (titles per second) beside sentence-transformers.",
        discussion: """
            Encodes --titles generated titles (half Chinese Taobao-style, half English) at each \
            batch size, --warmup passes untimed then --repeats timed passes; titles per second \
            are taken at the best pass. In each of --rounds rounds sentence-transformers runs \
            first, in --python, on the same titles and thread count (torch.set_num_threads), \
            unless --no-torch; then vidtag. Run from the repository root.
            """
    )

    @Option(help: "A BERT model directory (default: Models/demo/text/all-MiniLM-L6-v2, see Scripts/fetch-text-model.sh).")
    var model = "Models/demo/text/all-MiniLM-L6-v2"

    @Option(help: "Batch sizes, comma-separated.")
    var batchSizes = "1,32"

    @Option(help: "How many titles to encode per pass.")
    var titles = 256

    @Option(help: "Timed passes per batch size, after the warm-up.")
    var repeats = 3

    @Option(help: "Untimed passes per batch size.")
    var warmup = 1

    @Option(help: ArgumentHelp(
        "Rounds of (sentence-transformers, then vidtag); each side keeps its best pass over all rounds.",
        discussion: "More rounds give both sides more chances at a moment when other processes leave the cores alone."))
    var rounds = 1

    @Option(help: "Threads for the kernels and torch (default: VIDTAG_THREADS, else all cores).")
    var threads: Int?

    @Option(help: "The Python that runs Scripts/bench/text_torch.py (needs torch and sentence-transformers).")
    var python = "/work/venv/bin/python"

    @Option(help: "The sentence-transformers side of the benchmark (run from the repository root).")
    var torchScript = "Scripts/bench/text_torch.py"

    @Flag(help: "Do not run sentence-transformers.")
    var noTorch = false

    @Option(help: "Write both tools' results to this JSON file.")
    var json: String?

    private var sizes: [Int] { batchSizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--batch-sizes needs positive integers, e.g. 1,32.")
        }
        guard titles >= 1, repeats >= 1, rounds >= 1, warmup >= 0 else {
            throw ValidationError("--titles, --repeats and --rounds must be at least 1, --warmup at least 0.")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    func run() throws {
        if let threads { Threading.configure(threads: threads) }
        let loadBefore = loadAverage()
        let texts = TextBenchTitles.make(count: titles)
        let encoder = try TextEncoder(directory: model)
        let tokens = texts.map { encoder.tokenizer.encode($0).ids.count }
        let meanTokens = Double(tokens.reduce(0, +)) / Double(tokens.count)

        var torch: TextTorchResults?
        var ours: [Int: Double] = [:]
        for round in 1...rounds {
            progress("round \(round) of \(rounds)\n")
            if !noTorch {
                let result = try runTorch(texts)
                torch = torch.map { $0.merged(with: result) } ?? result
            }
            for size in sizes {
                progress("vidtag batch \(size): ")
                let seconds = bestSeconds { consume(encoder.encode(texts, batchSize: size).vectors.data[0]) }
                ours[size] = min(ours[size] ?? .infinity, seconds)
                progress(String(format: "%.1f titles/s\n", Double(texts.count) / seconds))
            }
        }

        let config = encoder.model.config
        print("text encoder: \(model) (\(config.layerCount) layers, hidden \(config.hiddenSize), "
              + "\(config.headCount) heads, vectors \(encoder.dimension)-d)")
        print(String(format: "%d titles (mean %.1f ids, max %d), threads %d, best of %d rounds × %d passes "
                     + "(each after %d warm-up)", texts.count, meanTokens, tokens.max()!, Threading.threads,
                     rounds, repeats, warmup))
        print("machine load average (1 min) \(loadBefore) at the start, \(loadAverage()) at the end "
              + "(above ~0.2 on an idle machine: other processes disturbed the numbers)")
        print("vidtag: \(Threading.blasDescription)")
        print("       \(CPUFeatures.description)")
        print("torch:  " + (torch.map { "torch \($0.torch), sentence-transformers \($0.sentenceTransformers), "
            + "threads \($0.threads)" + ($0.onnxruntime.map { "; onnxruntime \($0.version)" } ?? "") } ?? "not run"))
        print("")
        print("batch   vidtag titles/s   torch titles/s   vidtag/torch   onnxruntime titles/s   vidtag/onnxruntime")
        for size in sizes {
            let mine = Double(texts.count) / ours[size]!
            var line = String(format: "%5d   %15.1f", size, mine)
            for (seconds, width) in [(torch?.seconds, 14), (torch?.onnxruntime?.seconds, 20)] {
                let theirs = seconds?[String(size)].map { Double(texts.count) / $0 }
                line += "   " + pad(theirs.map { String(format: "%.1f", $0) } ?? "-", width)
                line += "   " + pad(theirs.map { String(format: "%.2f", mine / $0) } ?? "-", width == 14 ? 12 : 18)
            }
            print(line)
        }
        if let json {
            let report = TextBenchReport(model: model, titles: texts.count, meanTokens: meanTokens,
                                         threads: Threading.threads, vidtagSeconds: ours.mapKeys(String.init),
                                         torch: torch)
            let encoderJSON = JSONEncoder()
            encoderJSON.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoderJSON.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// The fastest of `repeats` timed passes, after `warmup` untimed ones, in seconds.
    private func bestSeconds(_ pass: () -> Void) -> Double {
        for _ in 0..<warmup { pass() }
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            pass()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return best
    }

    /// Runs Scripts/bench/text_torch.py on the same titles and threads; reads its JSON.
    private func runTorch(_ texts: [String]) throws -> TextTorchResults {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vidtag-text-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let titlesFile = work.appendingPathComponent("titles.json")
        let resultFile = work.appendingPathComponent("torch.json")
        try JSONEncoder().encode(texts).write(to: titlesFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [torchScript, "--model", model, "--titles", titlesFile.path, "--out", resultFile.path,
                             "--threads", String(Threading.threads), "--batch-sizes", batchSizes,
                             "--repeats", String(repeats), "--warmup", String(warmup)]
        progress("sentence-transformers (\(python))\n")
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("text_torch.py failed (exit \(process.terminationStatus)); use --no-torch to skip it")
        }
        return try JSONDecoder().decode(TextTorchResults.self, from: Data(contentsOf: resultFile))
    }

    /// The 1-minute load average from /proc/loadavg, or "?" where it is missing.
    private func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// What Scripts/bench/text_torch.py writes.
struct TextTorchResults: Codable {
    let torch: String
    let sentenceTransformers: String
    let threads: Int
    /// Batch size → best seconds per pass over all titles.
    let seconds: [String: Double]
    /// The same work with the BERT part in ONNX Runtime, when it ran.
    let onnxruntime: ONNXRuntimeTimes?

    struct ONNXRuntimeTimes: Codable {
        let version: String
        let seconds: [String: Double]
    }

    enum CodingKeys: String, CodingKey {
        case torch, threads, seconds, onnxruntime
        case sentenceTransformers = "sentence_transformers"
    }

    /// Both runs' best times.
    func merged(with other: TextTorchResults) -> TextTorchResults {
        let onnx = onnxruntime.map { mine in
            ONNXRuntimeTimes(version: mine.version,
                             seconds: mine.seconds.merging(other.onnxruntime?.seconds ?? [:], uniquingKeysWith: min))
        } ?? other.onnxruntime
        return TextTorchResults(torch: torch, sentenceTransformers: sentenceTransformers, threads: threads,
                                seconds: seconds.merging(other.seconds, uniquingKeysWith: min), onnxruntime: onnx)
    }
}

/// `vidtag-bench text --json`: both tools' best seconds per pass, by batch size.
struct TextBenchReport: Codable {
    let model: String
    let titles: Int
    let meanTokens: Double
    let threads: Int
    let vidtagSeconds: [String: Double]
    let torch: TextTorchResults?
}

/// Right-aligns `text` in `width` columns.
private func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

/// Consumes a value computed by timed work, so that the optimiser cannot drop the work.
@inline(never)
private func consume(_ value: Float) {
    textBenchSink ^= value.bitPattern
}

nonisolated(unsafe) private var textBenchSink: UInt32 = 0

private extension Dictionary {
    func mapKeys<T: Hashable>(_ transform: (Key) -> T) -> [T: Value] {
        Dictionary<T, Value>(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
