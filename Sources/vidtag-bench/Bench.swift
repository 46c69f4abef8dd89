import ArgumentParser

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vidtag-bench", abstract: "vidtag benchmarks.")
}
