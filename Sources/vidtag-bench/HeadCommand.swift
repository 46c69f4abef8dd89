import ArgumentParser
import Foundation
import Head
import SyntheticWorlds
import Kernels

/// `vidtag-bench head`: the classifier head on synthetic cached features — the article's
/// comparison of variants, training/evaluation throughput, and writing a synthetic feature set.
struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Classifier-head benchmarks on synthetic features.",
        subcommands: [HeadCompare.self, HeadModalities.self, HeadSpeed.self, HeadSynth.self]
    )
}

/// Writes a line to standard error.
private func headLog(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

struct HeadCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train and evaluate every head variant on synthetic worlds; print the article's comparison.",
        discussion: """
            Variants: attention, concat, TFN, LMF fusion (HMC classifier, modal dropout); the flat \
            classifier; attention and concat without modal dropout; the linear baseline (logistic \
            regression on standardised mean features). Each is trained with the same \
            options on the same items of each world and evaluated on a test split with 0% and \
            --missing modalities dropped at random (never all of an item's). Prints a Markdown \
            table of mean ± standard deviation over the worlds.
            """
    )

    @Option(help: "World seeds (comma-separated); each world has its own taxonomy, data and training seed.")
    var worlds = "11,12,13"

    @Option(help: ArgumentHelp("Train every variant once per offset k (comma-separated) with seed world + 1000·k, on the same items; the claims average a world's seeds before pairing worlds.",
                               discussion: "Separates what a variant changes from what its initial values do. Runs of separate processes (--json, then --from-json) pair by training seed.",
                               valueName: "offsets"))
    var trainingSeeds = "0"

    @Option(help: ArgumentHelp("World kinds (comma-separated): \(SyntheticSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")); all: every one.",
                               discussion: "Each kind is described in docs/head.md."))
    var kinds = "standard"

    @Option(help: "Items per world for training (10% of them held out for validation).")
    var train = 8000

    @Option(help: "Test items per world.")
    var test = 3000

    @Option(help: "Epochs (--keep says which one's parameters are kept).")
    var epochs = TrainingOptions().epochs

    @Option(help: "What an absent modality's block holds in every variant: zero or learned (vidtag train --absent).")
    var absent: HeadConfig.AbsentModality = .zero

    @Option(help: "How NetVLAD's descriptors become one vector in every variant: weighted or flattened (vidtag train --netvlad).")
    var netvlad: HeadConfig.NetVLADForm = .weighted

    @Option(help: "What the attention variants' scores read: own (each modality's block) or joint (the whole fused vector) (vidtag train --attention-scores).")
    var attentionScores: HeadConfig.AttentionScores = .own

    @Option(help: "Which HMC levels of the attention variants read the appended weighted sum: level2 or both (vidtag train --attention-reaches).")
    var attentionReaches: HeadConfig.AttentionReach = .level2

    @Option(help: ArgumentHelp("Hidden width of the classifier channels in every variant: auto (chosen on the validation loss), or a width, 0 for linear channels (vidtag train --hidden).", valueName: "auto|N"))
    var hidden: HiddenWidth = .auto

    @Option(help: ArgumentHelp("The linear skip in every variant but the linear baseline: auto (one more head with it, kept on the validation loss), on or off (vidtag train --linear-skip).", valueName: "auto|on|off"))
    var linearSkip: LinearSkipChoice = .auto

    @Option(help: ArgumentHelp("What auto keeps of its candidates in every variant: mixture (all, weighted to fit the validation items) or lowest (the lowest validation loss) (vidtag train --auto-keeps).", valueName: "mixture|lowest"))
    var autoKeeps: CandidateKeeping = .mixture

    @Option(help: "Which epoch every variant keeps: last, best-loss or best-accuracy (vidtag train --keep).")
    var keep = TrainingOptions().keep

    @Option(help: "Weight decay of NetVLAD's parameters in every variant (vidtag train --netvlad-weight-decay); 1, the weight decay of the rest, is the rule heads had before the option.")
    var netvladWeightDecay: Float = 0

    @Option(help: "Polyak averaging's decay in every variant; 0 is off (vidtag train --average-decay).")
    var averageDecay: Float = TrainingOptions().averageDecay

    @Option(help: "Modal dropout rate of the variants that use it.")
    var modalDropout = 0.2

    @Option(help: ArgumentHelp("The share of the epochs that use modal dropout (vidtag train --modal-dropout-until).", valueName: "share"))
    var modalDropoutUntil = TrainingOptions().modalDropoutUntil

    @Option(help: ArgumentHelp("The loss weight of training items that modal dropout changed, a number in (0, 1] or 'belief' (vidtag train --modal-dropout-weight).", valueName: "weight"))
    var modalDropoutWeight = TrainingOptions().modalDropoutWeight

    @Option(help: ArgumentHelp("The seeds of the candidates auto trains in every variant: shared (each with the training seed) or distinct (candidate i with seed + 7919·i) (vidtag train --candidate-seeds).", valueName: "shared|distinct"))
    var candidateSeeds = TrainingOptions().candidateSeeds

    @Option(help: "Share of modalities dropped at test time for the robustness columns.")
    var missing = 0.1

    @Option(help: "Only the variant of this name, or else the variants whose name contains this text (repeatable).")
    var only: [String] = []

    @Option(help: "Write every run as JSON to this file.")
    var json: String?

    @Option(help: "Threads (default: VIDTAG_THREADS, else all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Print the table of runs saved with --json (comma-separated files) instead of running.",
                               discussion: "Lets worlds run as separate processes, e.g. one per core."))
    var fromJSON: String?

    func run() throws {
        if let fromJSON {
            var runs: [HeadComparison.Run] = []
            for file in fromJSON.split(separator: ",") {
                runs += try JSONDecoder().decode([HeadComparison.Run].self, from: Data(contentsOf: URL(fileURLWithPath: String(file))))
            }
            let mixed = HeadComparison.mixedCandidateSeeds(runs)
            guard mixed.isEmpty else {
                throw ValidationError("The runs of \(mixed.joined(separator: ", ")) trained their candidates with shared seeds in some files and distinct ones in others (--candidate-seeds); give the files of one setting at a time.")
            }
            let variants = HeadComparison.variants(modalDropout: modalDropout).filter { v in runs.contains { $0.variant == v.name } }
            for kind in SyntheticSpec.Kind.allCases {
                let ofKind = runs.filter { ($0.kind ?? "standard") == kind.rawValue }
                guard !ofKind.isEmpty else { continue }
                let worlds = Set(ofKind.map(\.world)).sorted().map(String.init).joined(separator: ", ")
                print("\(kind.rawValue) worlds \(worlds); mean ± standard deviation over \(HeadComparison.spreadOver(ofKind)), accuracies in %\n")
                print(HeadComparison.table(ofKind, variants: variants, missingRate: missing) + "\n")
            }
            print("The article's claims, paired by world (points, mean ± standard error)\n\n" + HeadComparison.claims(runs))
            return
        }
        if let threads { Threading.configure(threads: threads) }
        let seeds = worlds.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !seeds.isEmpty else { throw ValidationError("--worlds needs at least one seed") }
        let offsets = try trainingSeeds.split(separator: ",").map { text in
            guard let k = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--training-seeds takes offsets such as 0,1,2, got '\(text)'")
            }
            return k
        }
        guard !offsets.isEmpty else { throw ValidationError("--training-seeds needs at least one offset") }
        guard Set(offsets).count == offsets.count else { throw ValidationError("--training-seeds lists an offset twice: \(trainingSeeds)") }
        let kindList = kinds == "all" ? SyntheticSpec.Kind.allCases
            : try kinds.split(separator: ",").map { name in
                guard let kind = SyntheticSpec.Kind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("unknown world kind '\(name)': \(SyntheticSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")) or all")
                }
                return kind
            }
        var setup = HeadComparison.Setup()
        setup.worlds = seeds
        setup.trainingSeedOffsets = offsets
        setup.trainCount = train
        setup.testCount = test
        setup.missingRate = missing
        setup.options.epochs = epochs
        setup.options.averageDecay = averageDecay
        setup.options.netvladWeightDecay = netvladWeightDecay
        setup.options.keep = keep
        setup.options.modalDropoutUntil = modalDropoutUntil
        setup.options.modalDropoutWeight = modalDropoutWeight
        setup.options.candidateSeeds = candidateSeeds
        if let problem = setup.options.problem() { throw ValidationError(problem) }
        setup.hidden = hidden
        setup.skip = linearSkip
        setup.keep = autoKeeps
        let (absent, scores, reaches, netvlad) = (self.absent, attentionScores, attentionReaches, self.netvlad)
        setup.base = { config in
            config.absent = absent
            config.netvlad = netvlad
            config.attentionScores = scores
            config.attentionReaches = reaches
        }
        var variants = HeadComparison.variants(modalDropout: modalDropout)
        if !only.isEmpty {
            // A variant's whole name picks that variant alone; other text, every variant containing it.
            let names = Set(variants.map(\.name))
            variants = variants.filter { v in only.contains { $0 == v.name || (!names.contains($0) && v.name.contains($0)) } }
        }
        headLog("head compare: \(variants.count) variants × \(kindList.count) kinds × \(seeds.count) worlds × \(offsets.count) training seeds, \(train) train / "
                + "\(test) test items, \(epochs) epochs, \(Threading.threads) threads")
        var runs: [HeadComparison.Run] = []
        for kind in kindList {
            setup.kind = kind
            let ofKind = HeadComparison.run(setup: setup, variants: variants, log: headLog)
            runs += ofKind
            print("\(kind.rawValue) worlds \(worlds); mean ± standard deviation over \(HeadComparison.spreadOver(ofKind)), accuracies in %\n")
            print(HeadComparison.table(ofKind, variants: variants, missingRate: missing) + "\n")
        }
        print("The article's claims, paired by world (points, mean ± standard error)\n\n" + HeadComparison.claims(runs))
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(runs).write(to: URL(fileURLWithPath: json))
        }
    }
}

struct HeadModalities: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modalities",
        abstract: "How informative each modality of a synthetic world is alone.",
        discussion: """
            For each modality, trains an HMC head on that modality only (the items of the \
            comparison's training split where it is present, no modal dropout, the world's \
            seed) and evaluates it on the test split's items where it is present.
            """
    )

    @Option(help: "World seed.")
    var world: UInt64 = 11

    @Option(help: "Items for training (10% held out for validation).")
    var train = 8000

    @Option(help: "Test items.")
    var test = 3000

    @Option(help: "Threads (default: VIDTAG_THREADS, else all cores).")
    var threads: Int?

    func run() throws {
        if let threads { Threading.configure(threads: threads) }
        let synthetic = SyntheticWorld(seed: world)
        let all = synthetic.examples(count: train, split: world &* 1000 &+ 1)
        let held = synthetic.examples(count: test, split: world &* 1000 &+ 2)
        print("| modality | present in test items | level-1 accuracy alone | level-2 accuracy alone |")
        print("| --- | ---: | ---: | ---: |")
        for (j, spec) in synthetic.modalities.enumerated() {
            func only(_ e: HeadExample) -> HeadExample {
                HeadExample(id: e.id, features: [e.features[j]], rows: [e.rows[j]], level1: e.level1, level2: e.level2)
            }
            let items = all.map(only).filter { $0.rows[0] > 0 }
            let (training, validation) = HeadTrainer.split(items, fraction: 0.1, seed: world)
            let testing = held.map(only).filter { $0.rows[0] > 0 }
            var config = HeadConfig(modalities: [spec], parents: synthetic.taxonomy.parents,
                                    level1Count: synthetic.taxonomy.level1.count)
            config.fusion = .concat
            var options = TrainingOptions()
            options.modalDropout = 0
            options.seed = world
            let result = HeadTrainer.train(config: config, options: options, train: training, validation: validation)
            let evaluator = HeadEvaluator()
            let m = evaluator.metrics(evaluator.run(result.model, testing), examples: testing, config: config,
                                      taxonomy: synthetic.taxonomy)
            print(String(format: "| %@ | %.0f%% | %.2f%% | %.2f%% |", spec.name, 100 * Double(testing.count) / Double(held.count),
                         100 * m.level1Accuracy, 100 * m.level2Accuracy))
        }
    }
}

struct HeadSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Training and evaluation examples per second on cached (in-memory) synthetic features.",
        discussion: """
            Training: forward + backward + gradient clipping + AdamW update per minibatch, batch \
            assembly with modal dropout included. Evaluation: forward + tree-consistent decoding \
            in batches of 256. Features have the default encoders' widths (1536-d frames, 8–20 per \
            video; 128-d audio; 384-d text). Each measurement is repeated --repeats times and the \
            fastest is kept (the least disturbed by other processes); the load average is printed.
            """
    )

    @Option(help: "Cached items to train and evaluate on.")
    var items = 2000

    @Option(help: "Training epochs per timed run.")
    var epochs = 1

    @Option(help: "Timed runs per measurement (the fastest is kept).")
    var repeats = 3

    @Option(help: "Minibatch size.")
    var batchSize = 64

    @Option(help: "Fusions to time (comma-separated).")
    var fusions = "attention,concat,tfn,lmf"

    @Option(help: "Threads (default: VIDTAG_THREADS, else all cores).")
    var threads: Int?

    static var loadAverage: String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    func run() throws {
        guard repeats >= 1, epochs >= 1, items >= 1, batchSize >= 1 else { throw ValidationError("counts must be positive") }
        if let threads { Threading.configure(threads: threads) }
        let world = SyntheticWorld(seed: 1)
        let examples = world.examples(count: items, split: 7)
        headLog("\(items) items, batch \(batchSize), \(Threading.threads) threads, \(Threading.blasDescription); load average \(Self.loadAverage)")
        print("| fusion | classifier | parameters | train examples/s | eval examples/s |")
        print("| --- | --- | ---: | ---: | ---: |")
        for name in fusions.split(separator: ",") {
            guard let fusion = HeadConfig.Fusion(rawValue: String(name)) else { throw ValidationError("unknown fusion \(name)") }
            var config = HeadConfig(modalities: world.modalities, parents: world.taxonomy.parents,
                                    level1Count: world.taxonomy.level1.count)
            config.fusion = fusion
            let model = HeadModel(config: config, seed: 1)
            let optimizer = AdamW(parameterCount: model.parameterCount, weightDecay: 1e-4)
            let batch = HeadBatch(config: config)
            var random = SeededRandom(seed: 1)
            var order = Array(examples.indices)
            // one untimed step: allocations, BLAS threads
            batch.fill(examples, order.prefix(batchSize), dropout: 0.2, random: &random)
            model.forward(batch)
            model.backward()
            var bestTrain = Double.infinity, bestEval = Double.infinity
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                for _ in 0..<epochs {
                    random.shuffle(&order)
                    var s = 0
                    while s < order.count {
                        batch.fill(examples, order[s..<min(s + batchSize, order.count)], dropout: 0.2, random: &random)
                        model.forward(batch)
                        model.backward()
                        AdamW.clip(model.gradients, maxNorm: 1)
                        optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: 1e-4)
                        s += batchSize
                    }
                }
                bestTrain = min(bestTrain, (ContinuousClock.now - start).seconds)
                let evalStart = ContinuousClock.now
                _ = HeadEvaluator(batchSize: 256).run(model, examples)
                bestEval = min(bestEval, (ContinuousClock.now - evalStart).seconds)
            }
            print(String(format: "| %@ | hmc | %d | %.0f | %.0f |", fusion.rawValue, model.parameterCount,
                         Double(items * epochs) / bestTrain, Double(items) / bestEval))
        }
        headLog("load average after: \(Self.loadAverage)")
    }
}

extension SyntheticSpec.Kind: ExpressibleByArgument {}

struct HeadSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic feature set: features/*.safetensors, labels.jsonl, taxonomy.json.",
        discussion: """
            The files are what `vidtag extract` and a labelling tool would produce, so `vidtag \
            train` and `vidtag eval` run on them. The same --world gives the same taxonomy and \
            encoders' renderings; --split selects the items (use different splits for training \
            and evaluation).
            """
    )

    @Option(help: "Output directory.")
    var output: String

    @Option(help: "Number of items.")
    var count = 1000

    @Option(help: "World seed.")
    var world: UInt64 = 11

    @Option(help: "Split seed (items of different splits are independent).")
    var split: UInt64 = 1

    @Option(help: "World kind: \(SyntheticSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: SyntheticSpec.Kind = .standard

    @Option(help: "Level-1 classes (default: the generator's).")
    var level1: Int?

    @Option(help: "Level-2 classes under each level-1 class (default: the generator's 3 to 6).")
    var children: Int?

    func run() throws {
        var spec = SyntheticSpec.world(kind)
        if let level1 { spec.level1Count = level1 }
        if let children { (spec.minChildren, spec.maxChildren) = (children, children) }
        try SyntheticWriter.write(world: SyntheticWorld(spec: spec, seed: world), count: count, split: split, to: output)
        headLog("wrote \(count) items of world \(world), split \(split) to \(output)")
    }
}
extension HeadConfig.AbsentModality: ExpressibleByArgument {}
extension HeadConfig.AttentionScores: ExpressibleByArgument {}
extension HeadConfig.AttentionReach: ExpressibleByArgument {}
extension HeadConfig.NetVLADForm: ExpressibleByArgument {}
extension LinearSkipChoice: ExpressibleByArgument {}
extension CandidateKeeping: ExpressibleByArgument {}
extension TrainingOptions.EpochChoice: ExpressibleByArgument {}
extension HiddenWidth: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
extension CandidateSeeds: ExpressibleByArgument {}

extension ModalDropoutWeight: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
