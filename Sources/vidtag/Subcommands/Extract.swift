import ArgumentParser
import Batch
import Bundles
import Foundation
import Head
import Media
import Pipeline
import Weights

/// `vidtag extract`: feature files, one per input.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute feature files (one safetensors file per input) with the bundle's encoders.",
        discussion: """
            A video gives `visual.frames` [T, 1536] with the frame timestamps in the metadata; a \
            cover image gives `cover` [1536] (without one, the middle frame's features, recorded \
            as cover_from_frame); a soundtrack gives `audio.frames` [A, 128] (VGGish raw \
            embeddings); title and summary give `text.title`, `text.summary` [D] and products \
            `product.items` [P, D] (each "title category"). With no bundle, only the encoders given \
            by --visual, --audio and --text run (without --bundle, and with none of them, the bundle is \
            found as `vidtag classify` finds it). Absent modalities are listed with reasons in the metadata's "missing". Each output is <output>/<id>.safetensors (nested ids in folders), written atomically; \
            a folder that already holds feature files is refused unless --resume (skip the ids \
            done) or --force (replace them). \
            One JSON line per input, in input order, on standard output: {"id", "input", \
            "output", "tensors"} or {"id", "input", "error": {"stage", "code", "message"}}.

            Exit status: 0 when every input was extracted, 2 when some failed, 1 on bad usage or \
            when the encoders cannot be loaded, 130/143 after SIGINT/SIGTERM (nothing half-written).
            """
    )

    @Option(help: "The model bundle directory (default: $VIDTAG_BUNDLE, else the installed or demo bundle, unless encoders are given).")
    var bundle: String?

    @Option(help: "timm inception_resnet_v2 weights (safetensors); replaces the bundle's visual encoder.")
    var visual: String?

    @Option(help: "torchvggish VGGish weights (.pth or safetensors); replaces the bundle's audio encoder.")
    var audio: String?

    @Option(help: "A Hugging Face BERT directory (config.json, vocab.txt, model.safetensors); replaces the bundle's text encoder.")
    var text: String?

    @Option(help: "VGGish PCA parameters (.pth or safetensors), checked and recorded (feature files keep raw embeddings).")
    var audioPca: String?

    @Option(help: "The folder for the feature files (created if missing).")
    var output: String

    @Flag(help: "Replace the feature files of a folder that already holds some.")
    var force = false

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var sampling: SamplingOptions
    @OptionGroup var batch: BatchOptions

    func validate() throws {
        try batch.requireInputs()
        if force && batch.resume { throw ValidationError("--force replaces feature files and --resume keeps them: give one") }
    }

    func run() throws {
        threads.apply()
        let extractor: FeatureExtractor
        let journal: OutputJournal
        do {
            if !batch.resume && !force, let existing = try? FeatureDirectory.files(in: output), !existing.isEmpty {
                throw CommandFailure("\(output) already holds \(existing.count) feature file\(existing.count == 1 ? "" : "s"): "
                    + "pass --resume to skip the ids done, --force to replace them, or choose another folder")
            }
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let overrides = EncoderSet.Overrides(visualWeights: visual, audioWeights: audio, audioPCA: audioPca, textModel: text)
            // Encoders given alone run alone; otherwise the bundle is found as classify finds it.
            let directory = try bundle ?? (overrides.isEmpty ? BundleLocator.locate(explicit: nil) : nil)
            let loaded = try directory.map { try ModelBundle.load(directory: $0) }
            let encoders = try EncoderSet(bundle: loaded, overrides: overrides)
            let mode = SamplingMode(rawValue: encoders.preprocessing.sampling) ?? .exact
            extractor = FeatureExtractor(
                encoders: encoders, plan: sampling.plan(defaultFrames: encoders.preprocessing.frames),
                mode: sampling.mode(default: mode), limits: batch.limits, outputDirectory: output)
            journal = try OutputJournal(path: nil, resume: false)
        } catch {
            throw CommandFailure(error)
        }
        if batch.resume { journal.markCompleted(FeatureSet.ids(in: output)) }
        let (inputs, count) = batch.source
        try BatchExecution.run(extractor, inputs: inputs, total: count(), batch: batch, journal: journal,
                               defaultQuarantine: URL(fileURLWithPath: output).appendingPathComponent(".quarantine.jsonl").path,
                               noun: .init("input", "inputs"))
    }
}
