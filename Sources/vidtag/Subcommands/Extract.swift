import ArgumentParser
import Foundation
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
            by --visual-weights, --audio-weights and --text-model run. Absent modalities are listed with reasons in the metadata's "missing". Each output is <output>/<id>.safetensors, written atomically. \
            One JSON line per input, in input order, on standard output: {"id", "input", \
            "output", "tensors"} or {"id", "input", "error": {"stage", "code", "message"}}.

            Exit status: 0 when every input was extracted, 2 when some failed, 1 on bad usage or \
            when the encoders cannot be loaded, 130/143 after SIGINT/SIGTERM (nothing half-written).
            """
    )

    @Option(help: "The model bundle directory.")
    var bundle: String?

    @Option(help: "A timm Inception-ResNet-v2 safetensors file; replaces the bundle's visual encoder.")
    var visualWeights: String?

    @Option(help: "VGGish weights (torchvggish .pth or safetensors); replaces the bundle's audio encoder.")
    var audioWeights: String?

    @Option(help: "A Hugging Face BERT directory (config.json, vocab.txt, model.safetensors); replaces the bundle's text encoder.")
    var textModel: String?

    @Option(help: "VGGish PCA parameters (.pth or safetensors), checked and recorded (feature files keep raw embeddings).")
    var audioPca: String?

    @Option(help: "The folder for the feature files (created if missing).")
    var output: String

    @OptionGroup var threads: ThreadOptions
    @OptionGroup var sampling: SamplingOptions
    @OptionGroup var batch: BatchOptions

    func validate() throws {
        try batch.requireInputs()
        if bundle == nil && visualWeights == nil && audioWeights == nil && textModel == nil {
            throw ValidationError("give --bundle DIR or encoder overrides (--visual-weights FILE, --audio-weights FILE, --text-model DIR)")
        }
    }

    func run() throws {
        threads.apply()
        let extractor: FeatureExtractor
        let journal: OutputJournal
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let loaded = try bundle.map { try ModelBundle.load(directory: $0) }
            let encoders = try EncoderSet(bundle: loaded, overrides: .init(visualWeights: visualWeights,
                                                                             audioWeights: audioWeights, audioPCA: audioPca,
                                                                             textModel: textModel))
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
