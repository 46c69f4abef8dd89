import ArgumentParser

/// `vidtag-bench`: performance measurements, one file per subcommand.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vidtag-bench",
        abstract: "vidtag benchmarks.",
        subcommands: [KernelsCommand.self, WinogradBench.self, MediaBench.self, MediaMemory.self, VisualBench.self, AudioBenchCommand.self, TextBenchCommand.self, HeadCommand.self]
    )
}
