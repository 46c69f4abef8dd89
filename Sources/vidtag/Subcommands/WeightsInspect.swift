import ArgumentParser

/// `vidtag weights inspect FILE`: the tensors and metadata of a safetensors file.
struct WeightsInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the tensors (name, dtype, shape, bytes) and metadata of a safetensors file."
    )

    @Argument(help: "A safetensors file.")
    var file: String

    @Flag(help: "Print JSON lines instead of a table.")
    var json = false

    func run() throws {
        // Filled in with the Weights module.
    }
}
