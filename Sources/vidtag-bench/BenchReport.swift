import Foundation

/// The results of one benchmark run, as saved with `--json` and as written by
/// `Scripts/bench/kernels_torch.py` (snake_case keys; results keyed by case name).
struct BenchReport: Codable {
    /// "vidtag-bench" or "torch".
    let tool: String
    /// The library doing the work, e.g. "OpenBLAS 0.3.21 … (Cooperlake)".
    let backend: String
    let threads: Int
    let repeats: Int
    let warmup: Int
    /// The case whose best GFLOPS is this run's peak.
    let peakCase: String
    let results: [String: CaseResult]
    /// Per im2col convolution: its time split into parts (vidtag-bench only).
    var breakdown: [String: ConvBreakdown]? = nil

    /// The best-of-repeats GFLOPS of the peak case, if it ran.
    var peakGFLOPS: Double? { results[peakCase]?.gflops }

    static func load(_ path: String) throws -> BenchReport {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(BenchReport.self, from: data)
    }

    func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}

/// One case's times.
struct CaseResult: Codable {
    let kind: String
    let flops: Double
    let bestSeconds: Double
    let medianSeconds: Double
    let samplesSeconds: [Double]
    /// At the best time.
    let gflops: Double
    /// Cores' worth of CPU other processes used during the timed runs (nil: unknown).
    let otherCores: Double?

    init(_ benchCase: KernelCase, _ timing: Timing) {
        kind = benchCase.kind.rawValue
        flops = benchCase.flops
        bestSeconds = timing.best
        medianSeconds = timing.median
        samplesSeconds = timing.samples
        gflops = benchCase.flops / timing.best * 1e-9
        otherCores = timing.otherCores
    }
}
