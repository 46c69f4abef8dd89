import ArgumentParser
import Kernels

/// How the head's predictions are decoded, shared by `classify` and `eval`.
struct PredictionOptions: ParsableArguments {
    @Option(help: "Pairs in each prediction record's top list.")
    var top = 5

    @Option(help: "Withhold level 2 (null) when its probability is below this.")
    var threshold: Float?

    @Option(name: .customLong("level1-threshold"),
            help: "Withhold both levels (level1 and level2 null: the item is unknown) when level 1's probability is below this.")
    var level1Threshold: Float?

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold is in [0, 1], got \(threshold)") }
        if let level1Threshold, !(0...1).contains(level1Threshold) {
            throw ValidationError("--level1-threshold is in [0, 1], got \(level1Threshold)")
        }
    }
}

/// `--threads`, shared by the commands that compute.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads (default: VIDTAG_THREADS, else all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Sets the thread count for the run, when given.
    func apply() { if let threads { Threading.configure(threads: threads) } }
}
