import ArgumentParser
import Foundation
import Media
import Pipeline
import Weights

/// `vidtag extract`: feature files (design.md §3) for images and videos.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute feature files (one safetensors file per input) with the bundle's encoders.",
        discussion: """
            An image gives `cover` [1536]; a video gives `visual.frames` [T, 1536] with the frame \
            timestamps in the metadata. Each output is <output>/<id>.safetensors with id the \
            input's file name without extension. One JSON line per input is printed: \
            {"id", "input", "output", "tensors"} or {"id", "input", "error": {"stage", "code", "message"}}.

            Exit status: 0 when every input was extracted, 2 when some failed, 1 on bad usage or \
            when the encoders cannot be loaded.
            """
    )

    @Option(help: "The model bundle directory.")
    var bundle: String?

    @Option(help: "A timm Inception-ResNet-v2 safetensors file; replaces the bundle's visual encoder.")
    var visualWeights: String?

    @Option(help: "The folder for the feature files (created if missing).")
    var output: String

    @OptionGroup var sampling: SamplingOptions

    @Argument(help: "Image and video files.")
    var inputs: [String]

    func validate() throws {
        if bundle == nil && visualWeights == nil {
            throw ValidationError("give --bundle DIR or an encoder override such as --visual-weights FILE")
        }
        if inputs.isEmpty { throw ValidationError("no inputs") }
    }

    func run() throws {
        let extractor: FeatureExtractor
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let loaded = try bundle.map { try ModelBundle.load(directory: $0) }
            let encoders = try EncoderSet(bundle: loaded, visualWeights: visualWeights)
            let mode = SamplingMode(rawValue: encoders.preprocessing.sampling) ?? .exact
            extractor = FeatureExtractor(encoders: encoders, plan: sampling.plan(defaultFrames: encoders.preprocessing.frames),
                                         mode: sampling.mode(default: mode))
        } catch {
            throw CommandFailure(error)
        }
        var failures = 0
        for input in inputs {
            let id = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
            do {
                let features = try extractor.extract(path: input, id: id)
                let path = try features.write(to: output)
                JSONLine.write(try JSONLine.encode(ExtractRecord(id: id, input: input, output: path,
                                                                  tensors: features.tensors.mapValues(\.shape))))
            } catch {
                failures += 1
                JSONLine.write(try JSONLine.encode(ErrorRecord(id: id, input: input, error: error)))
            }
        }
        if failures > 0 { throw ExitCode(2) }
    }
}

/// The line printed for an extracted input.
struct ExtractRecord: Encodable {
    let id: String
    let input: String
    let output: String
    let tensors: [String: [Int]]
}
