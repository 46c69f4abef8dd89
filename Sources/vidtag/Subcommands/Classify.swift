import ArgumentParser
import Batch
import Bundles
import Foundation
import Head
import Media
import Pipeline
import Weights

/// `vidtag classify`: one prediction record per input, in input order.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tag videos with the bundle's two-level categories: one JSON line per input, in input order.",
        discussion: """
            Each input (a video, an image, an audio file, or a manifest / standard-input record with \
            title, summary and products) goes through the bundle's encoders and trained head. A line:
              {"schema_version": 1, "id", "input", "bundle": {"name", "sha256", "pretrained"},
               "level1": {"id", "name", "name_en", "score"}, "level2": {…} or null,
               "top": [{"level1", "level2", "score"}], "modalities": {"visual": attention weight, …},
               "missing": [{"modality", "reason"}], "timings": {"decode", "audio", "visual", "text", "head"}}
            Reasons include no_video_stream, no_audio_stream, audio_too_short, cover_from_frame (the \
            middle frame stood in for a cover), cover_unreadable (a cover that failed to decode), \
            no_title, junk_title, no_summary, junk_summary, \
            no_products. A failed input gives {"id", "input", "error": {"stage", "code", "message"}} \
            and the run goes on.

            --format csv or tsv writes a header line and one row per record instead, with the \
            columns id, input, level1, level1_name, level1_name_en, level1_score, level2, \
            level2_name, level2_name_en, level2_score, error_code, error_message (line breaks and, \
            in TSV, tabs inside a value become spaces).

            With - the records (JSON objects or plain paths, one per line) are read from standard \
            input as they arrive and each line is written as soon as it is done, so classify works \
            as a filter (xargs, GNU parallel, Spark's RDD.pipe). --features DIR classifies the \
            feature files of `vidtag extract` without decoding again.

            The bundle: --bundle DIR, else $VIDTAG_BUNDLE, else the installed bundle \
            (<prefix>/share/vidtag/bundle), else the demo bundle Models/demo of the checkout the \
            executable was built in.

            Exit status: 0 when every input was classified, 2 when some failed (their error records \
            are written), 1 on bad usage or when the bundle cannot be loaded, 130/143 after \
            SIGINT/SIGTERM (the item in hand is finished or abandoned; nothing is half-written; \
            rerun with --resume).
            """
    )

    @Option(help: "The model bundle directory (default: $VIDTAG_BUNDLE, else the installed or demo bundle).")
    var bundle: String?

    @Option(help: "Write the records to this file instead of standard output (with --resume, continue it).")
    var output: String?

    @Option(help: ArgumentHelp("The records' format: jsonl (every field), or csv / tsv (a header line, then one flat row per record).",
                               valueName: "jsonl|csv|tsv"))
    var format: RecordFormat = .jsonl

    @Option(help: "Also write each item's fused embedding here, as JSON lines {\"id\", \"embedding\"} (for `vidtag similar`).")
    var embeddings: String?

    @Option(help: "Classify the feature files in this folder (from `vidtag extract`) instead of media inputs.")
    var features: String?

    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var sampling: SamplingOptions
    @OptionGroup var batch: BatchOptions

    func validate() throws {
        if features == nil {
            try batch.requireInputs()
        } else if batch.hasInputs {
            throw ValidationError("--features DIR classifies a folder of feature files; give no other inputs")
        } else if sampling.isSet {
            throw ValidationError("--features DIR reads frames already sampled: --frames, --fps, --max-frames and --sampling do not apply")
        }
        if batch.resume && output == nil { throw ValidationError("--resume continues an --output FILE; give one") }
        let files = [output, embeddings, batch.quarantine].compactMap { $0 }.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if Set(files).count < files.count {
            throw ValidationError("--output, --embeddings and --quarantine must be different files")
        }
    }

    func run() throws {
        threads.apply()
        var classifier: Classifier
        let journal: OutputJournal
        let featureFiles: FeatureFileSource?
        do {
            let trained = try TrainedBundle(ModelBundle.load(directory: BundleLocator.locate(explicit: bundle)))
            if let features {
                featureFiles = try FeatureFileSource(directory: features)
                classifier = Classifier(trained: trained, source: .featureFiles)
            } else {
                featureFiles = nil
                let encoders = try EncoderSet(bundle: trained.bundle)
                try trained.checkEncoders(encoders.hashes, source: trained.bundle.directory.path)
                let preprocessing = encoders.preprocessing
                let extractor = FeatureExtractor(
                    encoders: encoders, plan: sampling.plan(defaultFrames: preprocessing.frames),
                    mode: sampling.mode(default: SamplingMode(rawValue: preprocessing.sampling) ?? .exact),
                    limits: batch.limits, outputDirectory: "")
                classifier = Classifier(trained: trained, source: .media(extractor))
            }
            classifier.top = prediction.top
            classifier.threshold = prediction.threshold
            classifier.level1Threshold = prediction.level1Threshold
            journal = try OutputJournal(path: output, resume: batch.resume, format: format)
            classifier.embeddings = try embeddings.map { try OutputJournal(path: $0, resume: batch.resume) }
            if !batch.quiet { warnIfNotPretrained(trained.bundle) }
        } catch {
            throw CommandFailure(error)
        }
        let quarantine = output.map { $0 + ".quarantine.jsonl" }
        if let featureFiles {
            try BatchExecution.run(classifier, inputs: featureFiles, total: featureFiles.count, batch: batch, journal: journal,
                                   defaultQuarantine: quarantine, noun: .init("item", "items"))
        } else {
            let (inputs, count) = batch.source
            try BatchExecution.run(classifier, inputs: inputs, total: count(), batch: batch, journal: journal,
                                   defaultQuarantine: quarantine, noun: .init("video", "videos"))
        }
    }

    /// One warning on standard error when the bundle's encoders are stand-ins.
    private func warnIfNotPretrained(_ bundle: ModelBundle) {
        let standIns = bundle.encoders.filter { !$0.value.pretrained }.keys.sorted()
        guard !standIns.isEmpty else { return }
        FileHandle.standardError.write(Data(("warning: bundle '\(bundle.name)': the \(standIns.joined(separator: ", ")) "
            + "encoder weights are seeded stand-ins, not pretrained: predictions show the pipeline working, "
            + "not real-world accuracy\n").utf8))
    }
}

extension RecordFormat: ExpressibleByArgument {}
