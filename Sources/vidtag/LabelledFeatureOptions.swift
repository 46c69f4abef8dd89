import ArgumentParser

/// The cached features and their labels, shared by `train` and `eval`.
struct LabelledFeatureOptions: ParsableArguments {
    @Option(help: "Directory of feature files.")
    var features: String

    @Option(help: "Labels: JSON lines {\"id\", \"level1\", \"level2\"}.")
    var labels: String
}
