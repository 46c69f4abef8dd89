import ArgumentParser
import Foundation
import Head

/// `vidtag eval`: evaluates a trained head on labelled feature files.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained head on labelled feature files.",
        discussion: """
            Prints level-1 and level-2 accuracy of the tree-consistent predictions, the hierarchy \
            consistency of the raw argmaxes, macro-F1 per level, mean attention per modality and \
            the most confused pairs; with --json one JSON object instead (keys include \
            level1_accuracy, level2_accuracy, consistency, level1_macro_f1, level2_macro_f1, \
            attention, count). --drop-modalities P removes each present modality of each item \
            with probability P (never all of an item's) to measure robustness to missing \
            modalities. The feature files must come from the encoders the head was trained on.
            """
    )

    @Option(help: "The head directory written by `vidtag train`.")
    var head: String

    @OptionGroup var data: LabelledFeatureOptions

    @Option(help: "Probability of dropping each present modality of an item.")
    var dropModalities = 0.0

    @Option(help: "Seed for --drop-modalities.")
    var seed: UInt64 = 0


    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Option(help: "Write a self-contained HTML report here (classes with test items, per-class accuracy at both levels, misclassified items with their top 3, learning curves).")
    var report: String?

    @Option(help: "Write one prediction record per item (JSON lines) here.")
    var predictions: String?

    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard (0..<1).contains(dropModalities) else { throw ValidationError("--drop-modalities is a probability in [0, 1)") }
    }

    func run() throws {
        threads.apply()
        let checkpoint: HeadCheckpoint
        let model: HeadMixture
        let contents: FeatureDirectory.Contents
        do {
            (checkpoint, model) = try HeadCheckpoint.load(directory: head)
            let labelled = try Labels.load(path: data.labels, taxonomy: checkpoint.taxonomy)
            contents = try FeatureDirectory.load(directory: data.features, labels: labelled, modalities: checkpoint.config.modalities,
                                                 encoders: checkpoint.encoders, textChannel: checkpoint.config.textChannel)
        } catch {
            throw CommandFailure(error)
        }
        guard !contents.examples.isEmpty else { throw CommandFailure("no labelled feature files in \(data.features)") }
        if !contents.unlabelled.isEmpty || !contents.withoutFeatures.isEmpty {
            FileHandle.standardError.write(Data(("evaluating \(contents.examples.count) items; \(contents.unlabelled.count) feature files "
                + "without a label and \(contents.withoutFeatures.count) labels without a feature file skipped\n").utf8))
        }
        var evaluator = HeadEvaluator(dropRate: dropModalities, seed: seed, threshold: prediction.threshold, top: prediction.top)
        evaluator.level1Threshold = prediction.level1Threshold
        let output = evaluator.run(model, contents.examples)
        var metrics = evaluator.metrics(output, examples: contents.examples, config: model.config, taxonomy: checkpoint.taxonomy)
        let bags = model.config.modalities.indices.filter { model.config.modalities[$0].kind == .bag }
        if !bags.isEmpty {
            // The same items with the text channel's bags emptied (with --drop-modalities, its drops are drawn anew).
            let without = contents.examples.map { example in
                var copy = example
                for j in bags { (copy.features[j], copy.rows[j]) = ([], 0) }
                return copy
            }
            let plain = evaluator.metrics(evaluator.run(model, without), examples: without, config: model.config,
                                          taxonomy: checkpoint.taxonomy)
            metrics.withoutTextChannel = .init(level1Accuracy: plain.level1Accuracy, level2Accuracy: plain.level2Accuracy)
        }
        if let predictions {
            let m = model.config.modalityCount
            let names = model.config.modalities.map(\.name)
            var lines = ""
            for (r, example) in contents.examples.enumerated() {
                let record = PredictionRecord(
                    id: example.id, input: contents.paths[r], prediction: output.predictions[r], taxonomy: checkpoint.taxonomy,
                    modalities: names, attention: output.attention.isEmpty ? nil : output.attention[(r * m)..<((r + 1) * m)],
                    mask: output.mask[(r * m)..<((r + 1) * m)])
                lines += try JSONLine.encode(record) + "\n"
            }
            try Data(lines.utf8).write(to: URL(fileURLWithPath: predictions), options: .atomic)
        }
        if let report {
            let title = "vidtag eval: \(head) on \(data.features)" + (dropModalities > 0 ? " (\(dropModalities) of modalities dropped)" : "")
            let misses = contents.examples.indices.compactMap { r -> EvaluationReport.Miss? in
                let (example, predicted) = (contents.examples[r], output.predictions[r])
                guard example.level2 >= 0, predicted.level2 != example.level2 else { return nil }
                return .init(id: example.id, truth1: example.level1, truth2: example.level2, prediction: predicted)
            }
            try Data(EvaluationReport.html(metrics, taxonomy: checkpoint.taxonomy, title: title,
                                           training: checkpoint.training, misses: misses).utf8)
                .write(to: URL(fileURLWithPath: report), options: .atomic)
        }
        if json {
            JSONLine.write(EvaluationReport.json(metrics))
        } else {
            print(EvaluationReport.table(metrics, taxonomy: checkpoint.taxonomy))
        }
    }
}
