import ArgumentParser
import Foundation
@_spi(Tools) import Kernels

/// `vidtag-bench kernels`: times `GEMM.multiply`, `Linear` and `Conv2D` on the shapes of
/// Inception-ResNet-v2, VGGish and all-MiniLM-L6-v2 (the table in KernelCases.swift) and
/// reports GFLOPS against a large square SGEMM measured in the same run.
struct KernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Time the GEMM, Linear and Conv2D kernels on the encoders' shapes.",
        discussion: """
            Each case runs --warmup times untimed, then --repeats times timed on a monotonic \
            clock; GFLOPS are taken at the best run, and "% peak" divides them by the best \
            GFLOPS of the \(KernelCases.peakName) case of the same run (it always runs). \
            Scripts/bench/kernels.sh runs this and Scripts/bench/kernels_torch.py together.
            """
    )

    @Option(help: ArgumentHelp("Timed runs per case, after the warm-up.", valueName: "n"))
    var repeats = 10

    @Option(help: ArgumentHelp("Untimed warm-up runs per case.", valueName: "n"))
    var warmup = 1

    @Option(help: ArgumentHelp(
        "Threads for the kernels (GEMM blocks and loops; default: VIDTAG_THREADS, else all cores).", valueName: "n"))
    var threads: Int?

    @Option(name: .customLong("filter"),
            help: ArgumentHelp("Run only cases whose name contains this text (repeatable).", valueName: "text"))
    var filters: [String] = []

    @Option(help: ArgumentHelp("A JSON file written by Scripts/bench/kernels_torch.py, shown beside our numbers.",
                              valueName: "file"))
    var torch: String?

    @Option(help: ArgumentHelp("Write the results to this JSON file.", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp(
        "Write the selected cases to this JSON file (the input of kernels_torch.py) and exit.", valueName: "file"))
    var exportCases: String?

    @Flag(help: "List the selected cases and exit.")
    var list = false

    @Flag(inversion: .prefixedNo, help: "Time im2col and the tiled GEMMs of each im2col convolution alone.")
    var breakdown = true

    @Option(help: ArgumentHelp(
        "Measure a case again, up to this many times, when other processes took more than 0.1 core meanwhile.",
        discussion: "The least disturbed attempt is kept.", valueName: "n"))
    var retries = 2

    @Option(help: ArgumentHelp("The fraction of the peak that im2col 3×3 convolution is expected to reach.",
                              valueName: "fraction"))
    var target = 0.6

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1.") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative.") }
        guard retries >= 0 else { throw ValidationError("--retries must not be negative.") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        guard (0...1).contains(target) else { throw ValidationError("--target is a fraction in 0...1.") }
    }

    /// The peak case, then every case matching a filter, in table order.
    private var selected: [KernelCase] {
        KernelCases.all.filter { c in
            c.name == KernelCases.peakName || filters.isEmpty || filters.contains { c.name.contains($0) }
        }
    }

    func run() throws {
        let cases = selected
        if list {
            for c in cases { print("\(c.name)  \(c.kind.rawValue)  \(c.shapeDescription)") }
            return
        }
        if let exportCases {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(cases).write(to: URL(fileURLWithPath: exportCases))
            return
        }
        let torchReport = try torch.map(BenchReport.load)  // fail before the long run, not after it
        if let threads { Threading.configure(threads: threads) }

        var timings: [String: Timing] = [:]
        for (index, benchCase) in cases.enumerated() {
            progress("[\(index + 1)/\(cases.count)] \(benchCase.name) \(benchCase.shapeDescription)")
            timings[benchCase.name] = measure(benchCase)
        }
        var breakdowns: [String: ConvBreakdown] = [:]
        if breakdown {
            for benchCase in cases {
                guard let conv = benchCase.conv, conv.path == "im2col" else { continue }
                progress("breakdown \(benchCase.name)\n")
                breakdowns[benchCase.name] = leastDisturbed({
                    ConvBreakdown.measure(conv, warmup: warmup, repeats: repeats)
                }, disturbance: \.otherCores)
            }
        }

        // The peak runs again at the end, so that a busy moment at the start cannot lower it.
        let peak = cases.first { $0.name == KernelCases.peakName }!
        progress("again: \(peak.name)")
        timings[peak.name] = timings[peak.name]!.merged(with: measure(peak))

        let results = Dictionary(uniqueKeysWithValues: cases.map { ($0.name, CaseResult($0, timings[$0.name]!)) })
        let report = BenchReport(
            tool: "vidtag-bench", backend: Threading.blasDescription, threads: Threading.threads,
            repeats: repeats, warmup: warmup, peakCase: KernelCases.peakName, results: results,
            breakdown: breakdown ? breakdowns : nil)
        if let json { try report.save(json) }
        print(CPUFeatures.description)
        print(KernelsReport(cases: cases, ours: report, torch: torchReport, target: target).render(), terminator: "")
    }

    /// The peak case runs OpenBLAS's own multithreaded SGEMM (what the CPU's peak is quoted as);
    /// every other case runs as vidtag does, OpenBLAS on one thread per block (see Threading).
    private func measure(_ benchCase: KernelCase) -> Timing {
        let kernel = CaseRunner.work(for: benchCase)
        let work = benchCase.name == KernelCases.peakName
            ? { Threading.withOpenBLASThreads(Threading.threads, kernel) } : kernel
        return leastDisturbed({
            let timing = Stopwatch.measure(warmup: warmup, repeats: repeats, work)
            progress(String(format: ": best %.2f ms, %.1f GFLOPS", timing.best * 1e3,
                            benchCase.flops / timing.best * 1e-9)
                + (timing.otherCores.map { String(format: ", other processes %.2f cores", $0) } ?? "") + "\n")
            return timing
        }, disturbance: \.otherCores)
    }

    /// Runs `attempt` until other processes took at most 0.1 core during it, at most `retries`
    /// more times; keeps the least disturbed attempt.
    private func leastDisturbed<T>(_ attempt: () -> T, disturbance: (T) -> Double?) -> T {
        var best = attempt()
        for _ in 0..<retries {
            guard let others = disturbance(best), others > 0.1 else { break }
            progress("  disturbed, measuring again")
            let next = attempt()
            if let nextOthers = disturbance(next), nextOthers < others { best = next }
        }
        return best
    }

    private func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
