import ArgumentParser

/// `vidtag weights …`: look at weight files.
struct Weights: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect weight files.",
        subcommands: [WeightsInspect.self]
    )
}
