import ArgumentParser
import Foundation
import Head

/// `vidtag train`: trains the classifier head on feature files with labels and
/// a taxonomy, and writes the head (head.safetensors + head.json) to --output.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the classifier head on cached feature files.",
        discussion: """
            Reads every <features>/*.safetensors (all from the same encoders: their "encoders" \
            metadata must agree), keeps the items labelled in --labels (JSON lines {"id", \
            "level1", "level2"} with ids from --taxonomy), holds out --validation-fraction of \
            them, and trains with AdamW, warm-up + cosine learning rate and modal dropout, \
            validating after every epoch. Progress goes to stderr, one line per epoch; \
            a summary JSON line goes to stdout. The same data, options and --seed give the same \
            head, byte for byte (with the same thread count).
            """
    )

    @OptionGroup var data: LabelledFeatureOptions

    @Option(help: "Taxonomy JSON.")
    var taxonomy: String

    @Option(help: "Directory to write the head into (created if missing; a head already there is kept unless --force).")
    var output: String

    @Flag(help: "Replace a head already in --output.")
    var force = false

    @Option(help: "Fusion: attention, concat, tfn or lmf; or linear, a baseline: logistic regression on each modality's standardised mean features and presence (its classifier is flat).")
    var fusion: HeadConfig.Fusion = .attention

    @Option(help: "Classifier: hmc or flat.")
    var classifier: HeadConfig.Classifier = .hmc

    @Option(help: "Modal dropout: probability of dropping each present modality of a training item.")
    var modalDropout = 0.2

    @Option(help: ArgumentHelp("The share of the epochs, from the first, that use modal dropout (0.5: the first 20 of 40); the rest train on the items as they are. 1: every epoch.", valueName: "share"))
    var modalDropoutUntil = TrainingOptions().modalDropoutUntil

    @Option(help: ArgumentHelp("The loss weight of a training item that modal dropout changed (the others weigh 1): a number in (0, 1], or 'belief': the share of the head's probability of the item's level-2 class that survives the drop, so that items which lost what told their class weigh little.", valueName: "weight"))
    var modalDropoutWeight = TrainingOptions().modalDropoutWeight

    @Option(name: .customLong("lambda"), help: "λ, the weight of the level-2 cross-entropy.")
    var lambda: Float = 2

    @Option(help: "β, the weight of the hierarchy-violation penalty.")
    var beta: Float = 1

    @Option(help: "NetVLAD clusters K.")
    var clusters = 8

    @Option(help: "NetVLAD output: weighted (the article's learned sum over the K descriptors) or flattened (K·D).")
    var netvlad: HeadConfig.NetVLADForm = .weighted

    @Option(help: "How frame sequences (visual, audio) are pooled: netvlad, mean, or both (side by side).")
    var pooling: HeadConfig.SequencePooling = .netvlad

    @Option(help: "How attention's weights p enter the fused vector: appended (the blocks unweighted, then their weighted sum Σ p_m·e_m), or each block scaled by convex (p, the weights summing to 1), mean (n·p, mean 1) or residual (1 − ρ + ρ·n·p), n being the modalities present.")
    var attentionScale: HeadConfig.AttentionScale = .appended

    @Option(help: "Which HMC levels read the appended weighted sum: level2 (level 1 reads the modality blocks alone; the default with --fusion attention, --attention-scale appended and --classifier hmc) or both.")
    var attentionReaches: HeadConfig.AttentionReach?

    @Option(help: "What attention's scores read: own (each modality's score reads its own block) or joint (every score reads the whole fused vector).")
    var attentionScores: HeadConfig.AttentionScores = .own

    @Option(help: "ρ, 0 to 1: the share of each block the residual attention re-weights (0 is concatenation).")
    var attentionMix: Float = 0.25

    @Option(help: "What stands in for an absent modality in the fused vector (attention, concat): zero (a zero block) or learned (a block learned per modality).")
    var absent: HeadConfig.AbsentModality = .zero

    @Option(help: "Common width each modality is projected to.")
    var width = 256

    @Option(help: ArgumentHelp(
        "Hidden width of each classifier channel (HMC's two, the flat one); 0: channels linear in the fused vector; auto: train with 0 and 256 and keep what --auto-keeps says (256 without validation items).",
        valueName: "auto|N"))
    var hidden: HiddenWidth = .auto

    @Option(help: ArgumentHelp(
        "A linear map of each modality's standardised mean features added to the classifier's logits, beside the network (auto: train one more head with it, at the first hidden width tried, and keep what --auto-keeps says; no skip without validation items).",
        discussion: "It helps where the evidence adds up linearly over many features, and costs where it does not; modal dropout does not reach it.",
        valueName: "auto|on|off"))
    var linearSkip: LinearSkipChoice = .auto

    @Option(help: ArgumentHelp(
        "What --hidden auto and --linear-skip auto keep of the heads they train: mixture (every head, their probabilities averaged with weights fitted to the validation items; heads weighted under 0.001 left out) or lowest (the head with the lowest validation loss).",
        valueName: "mixture|lowest"))
    var autoKeeps: CandidateKeeping = .mixture

    @Option(help: ArgumentHelp(
        "The seeds of the heads --hidden auto and --linear-skip auto train: shared (each with --seed: the same batch order, modal-dropout draws and initial values) or distinct (head i with --seed + 7919·i).",
        valueName: "shared|distinct"))
    var candidateSeeds = TrainingOptions().candidateSeeds

    @Option(help: "Per-modality width before TFN's outer product.")
    var tfnWidth = 4

    @Option(help: "LMF rank.")
    var lmfRank = 4

    @Option(help: "Epochs.")
    var epochs = 40

    @Option(help: "Minibatch size.")
    var batchSize = 64

    @Option(help: "Peak learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "AdamW's decoupled weight decay (each step shrinks every parameter but NetVLAD's by learning rate × this).")
    var weightDecay: Float = 1

    @Option(help: "Weight decay for NetVLAD's assignments, centres and shot weights (decay would pull every frame equally into every cluster).")
    var netvladWeightDecay: Float = 0

    @Option(help: "Polyak averaging: the decay (e.g. 0.998) of a moving average of the parameters taken after every step; 0, the default, is off. Validation, the kept epoch and the saved head use the average.")
    var averageDecay: Float = 0

    @Option(help: "Share of labelled items held out for validation.")
    var validationFraction = 0.1

    @Option(help: "Which epoch's parameters to keep: last (the schedule's end), best-loss (lowest validation loss) or best-accuracy (highest validation level-2 accuracy).")
    var keep: TrainingOptions.EpochChoice = .last

    @Option(help: "Epochs without a better validation figure (the loss; the level-2 accuracy with --keep best-accuracy) before stopping (0: never stop early).")
    var patience = 0

    @Option(help: "Seed for initialisation, the validation split, shuffling and modal dropout.")
    var seed: UInt64 = 0

    @Flag(inversion: .prefixedNo,
          help: "Subtract each modality's training mean from its features before scaling (stored in the head, applied at inference).")
    var centre = true

    @Option(help: ArgumentHelp(
        "The text channel: hashed character n-grams of the titles, summaries and products, learned with the head (auto: on when at least 10% of the training texts' letters are Chinese, Japanese or Korean characters).",
        discussion: "It reads the texts `vidtag extract` keeps in each feature file, and needs attention or concat fusion.",
        valueName: "auto|on|off"))
    var charNgrams: TextChannelChoice = .auto

    @Option(help: ArgumentHelp(
        "Whether the text encoder's sentence embeddings (title, summary, product) stay beside the text channel (auto: train a head with them and one without, keep the lower validation loss).",
        discussion: "An English text encoder reads Chinese texts badly; beside the text channel its vectors of them can cost accuracy. Without the text channel they are always kept (unless off).",
        valueName: "auto|on|off"))
    var sentenceEmbeddings: SentenceEmbeddings = .auto

    @Option(help: "Rows of the text channel's hashed table.")
    var charBuckets = CharNgrams().buckets

    @Option(help: "Width of the text channel's table.")
    var charDim = CharNgrams().dim

    @Option(help: "The text channel's table learns at this multiple of --learning-rate.")
    var charLearningRateScale = TrainingOptions().textLearningRateScale

    @Flag(help: "No progress on standard error (warnings and errors still).")
    var quiet = false

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if let problem = options.problem() { throw ValidationError(problem) }
        guard (0...1).contains(attentionMix) else { throw ValidationError("--attention-mix must be between 0 and 1, got \(attentionMix)") }
        guard clusters >= 1, width >= 1, tfnWidth >= 1, lmfRank >= 1 else {
            throw ValidationError("--clusters, --width, --tfn-width and --lmf-rank must be at least 1")
        }
        guard (1...(1 << 24)).contains(charBuckets), charDim >= 1 else {
            throw ValidationError("--char-buckets must be 1 to 16777216 and --char-dim at least 1")
        }
        if charNgrams == .on && fusion != .attention && fusion != .concat {
            throw ValidationError("--char-ngrams on needs --fusion attention or concat (got \(fusion.rawValue))")
        }
        if attentionReaches == .level2
            && !HeadConfig.attentionReachApplies(fusion: fusion, scale: attentionScale, classifier: classifier) {
            throw ValidationError("--attention-reaches level2 needs --fusion attention, --attention-scale appended and "
                                  + "--classifier hmc (got \(fusion.rawValue), \(attentionScale.rawValue), \(classifier.rawValue))")
        }
    }

    /// The text channel to load the features with: nil when off, or when the fusion cannot take it.
    var textChannel: CharNgrams? {
        guard charNgrams != .off, fusion == .attention || fusion == .concat else { return nil }
        return CharNgrams(buckets: charBuckets, dim: charDim, seed: seed)
    }

    /// The head's architecture from the options, for `modalities` and `tree`.
    func headConfig(_ modalities: [ModalitySpec], _ tree: Taxonomy) -> HeadConfig {
        var config = HeadConfig(modalities: modalities, parents: tree.parents, level1Count: tree.level1.count)
        config.textChannel = modalities.contains { $0.kind == .bag } ? textChannel : nil
        config.fusion = fusion
        config.classifier = fusion == .linear ? .flat : classifier
        config.lambda = lambda
        config.beta = beta
        config.clusters = clusters
        config.netvlad = netvlad
        config.pooling = pooling
        config.attentionScale = attentionScale
        config.attentionMix = attentionMix
        config.attentionScores = attentionScores
        // Recorded as level2 only where it changes something (a concat head says "both").
        config.attentionReaches = config.attentionReachApplies ? attentionReaches ?? .level2 : .both
        config.absent = absent
        config.width = width
        config.tfnWidth = tfnWidth
        config.lmfRank = lmfRank
        return config
    }

    var options: TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = batchSize
        o.learningRate = learningRate
        o.weightDecay = weightDecay
        o.netvladWeightDecay = netvladWeightDecay
        o.modalDropout = modalDropout
        o.modalDropoutUntil = modalDropoutUntil
        o.modalDropoutWeight = modalDropoutWeight
        o.validationFraction = validationFraction
        o.patience = patience
        o.keep = keep
        o.averageDecay = averageDecay
        o.textLearningRateScale = charLearningRateScale
        o.seed = seed
        o.candidateSeeds = candidateSeeds
        return o
    }

    func run() throws {
        threads.apply()
        let existing = ([HeadCheckpoint.configFile] + HeadCheckpoint.weightsFiles(in: output))
            .filter { FileManager.default.fileExists(atPath: URL(fileURLWithPath: output).appendingPathComponent($0).path) }
        if !force && !existing.isEmpty {
            throw CommandFailure("\(output) already holds a head (\(existing.joined(separator: ", "))): pass --force to replace it, or choose another folder")
        }
        let warn = { (line: String) in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let log = { (line: String) in if !quiet { warn(line) } }
        let tree: Taxonomy
        var contents: FeatureDirectory.Contents
        do {
            tree = try Taxonomy.load(path: taxonomy)
            let labelled = try Labels.load(path: data.labels, taxonomy: tree)
            contents = try FeatureDirectory.load(directory: data.features, labels: labelled, centre: centre,
                                                 textChannel: textChannel)
        } catch {
            throw CommandFailure(error)
        }
        let share = String(format: "%.0f%%", 100 * contents.textCJKShare)
        if charNgrams == .auto && contents.textCJKShare < CharNgrams.autoShare {
            contents = contents.removingModalities { $0.kind == .bag }
            if textChannel != nil {
                log("text channel off: \(share) of the training texts' letters are CJK, under "
                    + "\(Int(100 * CharNgrams.autoShare))% (--char-ngrams on forces it)")
            }
        }
        if charNgrams == .on && !contents.modalities.contains(where: { $0.kind == .bag }) {
            warn("warning: --char-ngrams on, but no feature file keeps its texts (extracted by an older vidtag? extract "
                 + "again): training without the text channel")
        }
        if let channel = textChannel, contents.modalities.contains(where: { $0.kind == .bag }) {
            log("text channel on (\(charNgrams == .auto ? "\(share) of the training texts' letters are CJK" : "--char-ngrams on")): "
                + "\(channel.buckets) × \(channel.dim) table")
        }
        log("\(contents.examples.count) labelled items, modalities: "
            + contents.modalities.map { "\($0.name) [\($0.dim)]" }.joined(separator: ", ")
            + (contents.unlabelled.isEmpty ? "" : "; \(contents.unlabelled.count) feature files without a label skipped")
            + (contents.withoutFeatures.isEmpty ? "" : "; \(contents.withoutFeatures.count) labels without a feature file"))
        guard contents.examples.count >= 2 else { throw CommandFailure("need at least 2 labelled items, found \(contents.examples.count)") }
        let config = headConfig(contents.modalities, tree)
        if let problem = config.problem() { throw CommandFailure("invalid head: \(problem)") }
        if sentenceEmbeddings == .off && config.removingModalities(named: SentenceEmbeddings.modalities).modalities.isEmpty {
            throw CommandFailure("--sentence-embeddings off leaves nothing to train on: the training items' only modalities are "
                                 + "the sentence embeddings (\(config.modalities.map(\.name).joined(separator: ", ")))")
        }
        let options = self.options
        var (train, validation) = HeadTrainer.split(contents.examples, fraction: options.validationFraction, seed: seed)
        if !validation.isEmpty && validation.count < HeadTrainer.minimumValidation {
            let few = validation.count == 1 ? "1 validation item is" : "\(validation.count) validation items are"
            warn("warning: \(few) too few to choose an epoch on (--validation-fraction \(options.validationFraction) of "
                 + "\(contents.examples.count); at least "
                 + "\(HeadTrainer.minimumValidation)): training on all \(contents.examples.count) items for \(options.epochs) "
                 + "epochs and keeping the last; label more items for a validated head")
            (train, validation) = (contents.examples, [])
        }
        log("training \(config.fusion.rawValue) + \(config.classifier.rawValue) (hidden width \(hidden)) on \(train.count) items, "
            + "validating on \(validation.count)")
        let chosen = hidden == .auto || linearSkip == .auto  // name the candidate on each epoch's line
        let textChoice = HeadTrainer.train(config: config, hidden: hidden, skip: linearSkip, keep: autoKeeps,
                                           sentenceEmbeddings: sentenceEmbeddings,
                                           options: options, train: train, validation: validation) { variant, candidate, epoch in
            log((variant.isEmpty ? "" : variant + ", ") + (chosen ? "hidden \(candidate), " : "") + epoch.line)
        }
        let choice = textChoice.kept
        if choice.validationLoss.count > 1 {
            log("hidden width \(choice.name): the lowest validation loss "
                + "(\(WidthChoice.describe(choice.validationLoss, choice.standardError)))")
        }
        if !choice.mixtureWeights.isEmpty {
            log(choice.mixture.members.count > 1
                ? "kept a mixture of the heads, weighted to fit the validation items: \(WidthChoice.describeWeights(choice.mixtureWeights))"
                : "kept \(choice.kept) alone: the mixture weighted to fit the validation items gave the others no weight")
        }
        if textChoice.validationLoss.count > 1 {
            log("sentence embeddings \(textChoice.withSentenceEmbeddings ? "kept" : "left out"): the lower validation loss "
                + "(\(Self.losses(textChoice.validationLoss)))")
        }
        let result = choice.result
        let best = result.history[result.bestEpoch - 1]
        let summary = HeadCheckpoint.TrainingSummary(
            options: options, trainCount: train.count, validationCount: validation.count, bestEpoch: result.bestEpoch,
            epochsRun: result.history.count, validationLevel1Accuracy: best.validationLevel1,
            validationLevel2Accuracy: best.validationLevel2, history: result.history.map(\.figures),
            hiddenValidationLoss: choice.validationLoss.count > 1 ? choice.validationLoss : nil,
            hiddenValidationStandardError: choice.validationLoss.count > 1 ? choice.standardError : nil,
            mixtureWeights: choice.mixtureWeights.isEmpty ? nil : choice.mixtureWeights,
            sentenceEmbeddingsValidationLoss: textChoice.validationLoss.count > 1 ? textChoice.validationLoss : nil)
        do {
            try HeadCheckpoint(config: choice.mixture.config, taxonomy: tree, encoders: contents.encoders, training: summary)
                .write(mixture: choice.mixture, to: output)
        } catch {
            throw CommandFailure(error)
        }
        log("wrote \(output) (\(choice.kept), "
            + "\(choice.mixture.parameterCount) parameters, kept epoch \(result.bestEpoch)\(result.stoppedEarly ? ", stopped early" : ""))")
        JSONLine.write(try JSONLine.encode(TrainRecord(
            output: output, hidden: choice.width, linearSkip: choice.linearSkip,
            mixture: choice.mixtureWeights.isEmpty ? nil : choice.mixtureWeights, sentenceEmbeddings: textChoice.withSentenceEmbeddings,
            bestEpoch: result.bestEpoch, epochs: result.history.count, train: train.count,
            validation: validation.count, validationLevel1Accuracy: best.validationLevel1,
            validationLevel2Accuracy: best.validationLevel2)))
    }

    /// "key: loss, …" in key order, for the log.
    static func losses<Key: Comparable>(_ losses: [Key: Double]) -> String {
        losses.sorted { $0.key < $1.key }.map { "\($0.key): \(String(format: "%.4f", $0.value))" }.joined(separator: ", ")
    }
}

/// The summary line `vidtag train` prints.
struct TrainRecord: Encodable {
    let output: String
    /// The classifier channels' hidden width (chosen with `--hidden auto`).
    let hidden: Int
    /// Whether the head has the linear skip (chosen with `--linear-skip auto`).
    let linearSkip: Bool
    /// With `--auto-keeps mixture`: each candidate's weight in the kept mixture (`hidden` and
    /// `linear_skip` then name the candidate with the lowest validation loss).
    let mixture: [String: Double]?
    /// Whether the head kept the text encoder's sentence embeddings (``SentenceEmbeddings``).
    let sentenceEmbeddings: Bool
    let bestEpoch: Int
    let epochs: Int
    let train: Int
    let validation: Int
    let validationLevel1Accuracy: Double?
    let validationLevel2Accuracy: Double?

    enum CodingKeys: String, CodingKey {
        case output, hidden, epochs, train, validation, mixture
        case sentenceEmbeddings = "sentence_embeddings", linearSkip = "linear_skip"
        case bestEpoch = "best_epoch", validationLevel1Accuracy = "validation_level1_accuracy"
        case validationLevel2Accuracy = "validation_level2_accuracy"
    }
}

/// `--char-ngrams`.
enum TextChannelChoice: String, ExpressibleByArgument {
    case auto, on, off
}

extension HeadConfig.Fusion: ExpressibleByArgument {}
extension SentenceEmbeddings: ExpressibleByArgument {}
extension LinearSkipChoice: ExpressibleByArgument {}
extension CandidateKeeping: ExpressibleByArgument {}
extension CandidateSeeds: ExpressibleByArgument {}
extension HeadConfig.Classifier: ExpressibleByArgument {}
extension HeadConfig.NetVLADForm: ExpressibleByArgument {}
extension HeadConfig.SequencePooling: ExpressibleByArgument {}
extension HeadConfig.AttentionScale: ExpressibleByArgument {}
extension HeadConfig.AttentionScores: ExpressibleByArgument {}
extension HeadConfig.AttentionReach: ExpressibleByArgument {}
extension HeadConfig.AbsentModality: ExpressibleByArgument {}
extension TrainingOptions.EpochChoice: ExpressibleByArgument {}
extension HiddenWidth: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
extension ModalDropoutWeight: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
