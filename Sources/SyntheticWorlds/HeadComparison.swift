import Foundation
import Head

/// The article's comparison on synthetic worlds (``SyntheticWorld``): every variant trained
/// with the same options on the same data, evaluated with 0% and `missingRate` missing
/// modalities at test time, over several worlds (each world its own taxonomy, prototypes,
/// encoders' renderings, training split and seed). `vidtag-bench head compare` runs it.
public enum HeadComparison {
    public struct Variant: Sendable, Codable, Equatable {
        public var name: String
        public var fusion: HeadConfig.Fusion
        public var classifier: HeadConfig.Classifier
        public var modalDropout: Double

        public init(name: String, fusion: HeadConfig.Fusion, classifier: HeadConfig.Classifier, modalDropout: Double) {
            (self.name, self.fusion, self.classifier, self.modalDropout) = (name, fusion, classifier, modalDropout)
        }
    }

    /// The article's rows: fusions (with HMC and modal dropout), HMC vs flat, with and
    /// without modal dropout (for attention, and for concat, which feeds absent modalities as
    /// blocks instead of masking them); and the linear baseline every head must beat.
    public static func variants(modalDropout p: Double) -> [Variant] {
        [
            Variant(name: "attention + HMC + modal dropout", fusion: .attention, classifier: .hmc, modalDropout: p),
            Variant(name: "concat + HMC + modal dropout", fusion: .concat, classifier: .hmc, modalDropout: p),
            Variant(name: "TFN + HMC + modal dropout", fusion: .tfn, classifier: .hmc, modalDropout: p),
            Variant(name: "LMF + HMC + modal dropout", fusion: .lmf, classifier: .hmc, modalDropout: p),
            Variant(name: "attention + flat + modal dropout", fusion: .attention, classifier: .flat, modalDropout: p),
            Variant(name: "attention + HMC, no modal dropout", fusion: .attention, classifier: .hmc, modalDropout: 0),
            Variant(name: "concat + HMC, no modal dropout", fusion: .concat, classifier: .hmc, modalDropout: 0),
            Variant(name: "linear baseline (logistic regression)", fusion: .linear, classifier: .flat, modalDropout: 0),
        ]
    }

    public struct Setup: Sendable {
        public var worlds: [UInt64] = [11, 12, 13]
        /// Training seeds per world, as offsets: each variant trains once per offset k with seed
        /// world + 1000·k, on the same items. [0] trains once with the world's own seed.
        public var trainingSeedOffsets: [UInt64] = [0]
        public var trainCount = 8000
        public var testCount = 3000
        public var missingRate = 0.1
        public var options = TrainingOptions()
        public var kind = SyntheticSpec.Kind.standard
        /// The classifier channels' hidden width of every variant (`auto`: chosen on validation).
        public var hidden = HiddenWidth.auto
        /// Whether every variant (but the linear baseline) has the linear skip (`auto`: tried on validation).
        public var skip = LinearSkipChoice.auto
        /// What `auto` keeps of its candidates.
        public var keep = CandidateKeeping.mixture
        /// Architecture defaults applied to every variant (clusters, widths, λ, β …).
        public var base: @Sendable (inout HeadConfig) -> Void = { _ in }

        public init() {}
    }

    public struct Run: Sendable, Codable {
        public var variant: String
        /// The world kind (nil in runs saved before kinds existed: standard).
        public var kind: String?
        public var world: UInt64
        /// The seed the head trained with (nil in runs saved before it was recorded: the world's).
        public var trainingSeed: UInt64?
        /// The training seed, the world's for runs saved before it was recorded.
        var seed: UInt64 { trainingSeed ?? world }
        /// The seeds of `auto`'s candidates (nil in runs saved before the option: shared).
        public var candidateSeeds: CandidateSeeds?
        public var parameters: Int
        /// The classifier channels' hidden width (nil for the linear baseline, and in runs saved
        /// before it was chosen: 256).
        public var hidden: Int?
        /// Whether the head has the linear skip (nil for the linear baseline and runs saved before it existed).
        public var linearSkip: Bool?
        /// Each candidate `auto` trained ("0", "256", "0 + linear skip") → its kept epoch's
        /// validation loss, the figure it chose by (nil in runs saved before it was recorded).
        public var validationLoss: [String: Double]?
        /// Each candidate → the standard error of its validation loss's paired difference from the
        /// lowest (``ValidationChoice``; nil in runs saved before it was recorded).
        public var standardError: [String: Double]?
        /// Each candidate `auto` trained → its figures on the test items, the kept one's included, so
        /// that the choice can be judged (nil with one candidate and in runs saved before).
        public var candidates: [String: CandidateFigures]?
        /// Each candidate → its weight in the kept mixture (nil when one head was kept, and in
        /// runs saved before mixtures).
        public var mixture: [String: Double]?
        public var level1: Double
        public var level2: Double
        public var level1Missing: Double
        public var level2Missing: Double
        public var consistency: Double
        public var level1MacroF1: Double
        public var level2MacroF1: Double
        public var attention: [String: Double]
        public var bestEpoch: Int
        public var epochs: Int
        public var trainSeconds: Double
    }

    /// A candidate's test figures, and its kept epoch's validation level-2 accuracy (accuracies as
    /// fractions).
    public struct CandidateFigures: Sendable, Codable, Equatable {
        public var level1: Double
        public var level2: Double
        public var level2Missing: Double
        public var validationLevel2: Double?
    }

    public static func run(setup: Setup, variants: [Variant], log: (String) -> Void) -> [Run] {
        var runs: [Run] = []
        for worldSeed in setup.worlds {
            let clock = ContinuousClock.now
            let world = SyntheticWorld(spec: .world(setup.kind), seed: worldSeed)
            // Centred as `vidtag train` centres (on a sample of the training split).
            let modalities = world.centredModalities(split: worldSeed &* 1000 &+ 1, sample: min(setup.trainCount, 1000))
            let all = world.examples(count: setup.trainCount, split: worldSeed &* 1000 &+ 1, modalities: modalities)
            let test = world.examples(count: setup.testCount, split: worldSeed &* 1000 &+ 2, modalities: modalities)
            let (train, validation) = HeadTrainer.split(all, fraction: setup.options.validationFraction, seed: worldSeed)
            log("\(setup.kind.rawValue) world \(worldSeed): \(world.taxonomy.level1.count) level-1 / \(world.taxonomy.level2.count) level-2 classes, "
                + "\(train.count) train, \(validation.count) validation, \(test.count) test items (generated in \(String(format: "%.1f", (ContinuousClock.now - clock).seconds)) s)")
            for (variant, offset) in variants.flatMap({ v in setup.trainingSeedOffsets.map { (v, $0) } }) {
                var config = HeadConfig(modalities: modalities, parents: world.taxonomy.parents,
                                        level1Count: world.taxonomy.level1.count)
                setup.base(&config)
                config.fusion = variant.fusion
                config.classifier = variant.classifier
                var options = setup.options
                options.modalDropout = variant.modalDropout
                options.seed = worldSeed &+ 1000 &* offset
                let start = ContinuousClock.now
                let choice = HeadTrainer.train(config: config, hidden: setup.hidden, skip: setup.skip, keep: setup.keep,
                                               options: options, train: train, validation: validation)
                let result = choice.result
                let seconds = (ContinuousClock.now - start).seconds
                let clean = HeadEvaluator(dropRate: 0, seed: worldSeed)
                let missing = HeadEvaluator(dropRate: setup.missingRate, seed: worldSeed)
                func figures(_ model: HeadMixture) -> (clean: EvaluationMetrics, missing: EvaluationMetrics) {
                    (clean.metrics(clean.run(model, test), examples: test, config: config, taxonomy: world.taxonomy),
                     missing.metrics(missing.run(model, test), examples: test, config: config, taxonomy: world.taxonomy))
                }
                let (m0, m1) = figures(choice.mixture)
                var candidates: [String: CandidateFigures]?
                if choice.candidates.count > 1 {
                    candidates = Dictionary(uniqueKeysWithValues: choice.candidates.map { name, trained in
                        let single = choice.mixture.members.count == 1 && trained.model === choice.mixture.members[0]
                        let (c0, c1) = single ? (m0, m1) : figures(HeadMixture(trained.model))
                        return (name, CandidateFigures(level1: c0.level1Accuracy, level2: c0.level2Accuracy, level2Missing: c1.level2Accuracy,
                                                       validationLevel2: trained.history[trained.bestEpoch - 1].validationLevel2))
                    })
                }
                let run = Run(variant: variant.name, kind: setup.kind.rawValue, world: worldSeed, trainingSeed: options.seed,
                              candidateSeeds: options.candidateSeeds,
                              parameters: choice.mixture.parameterCount,
                              hidden: config.fusion == .linear ? nil : result.model.config.hidden1,
                              linearSkip: config.fusion == .linear ? nil : result.model.config.linearSkip,
                              validationLoss: choice.validationLoss, standardError: choice.standardError, candidates: candidates,
                              mixture: choice.mixtureWeights.isEmpty ? nil : choice.mixtureWeights,
                              level1: m0.level1Accuracy, level2: m0.level2Accuracy, level1Missing: m1.level1Accuracy,
                              level2Missing: m1.level2Accuracy, consistency: m0.consistency,
                              level1MacroF1: m0.level1MacroF1, level2MacroF1: m0.level2MacroF1, attention: m0.attention,
                              bestEpoch: result.bestEpoch, epochs: result.history.count, trainSeconds: seconds)
                let seedNote = setup.trainingSeedOffsets == [0] ? "" : " (training seed \(options.seed))"
                log(String(format: "  %@%@%@: L1 %.2f%% L2 %.2f%% | %.0f%% missing: L1 %.2f%% L2 %.2f%% | consistency %.2f%% | kept epoch %d of %d, %.0f s%@",
                           variant.name, seedNote, run.hidden.map { " (hidden \($0)\(run.linearSkip == true ? " + linear skip" : ""))" } ?? "", 100 * run.level1, 100 * run.level2, 100 * setup.missingRate, 100 * run.level1Missing,
                           100 * run.level2Missing, 100 * run.consistency, run.bestEpoch, run.epochs, seconds,
                           Self.describe(choice.validationLoss, choice.standardError, candidates)
                           + (run.mixture.map { " | kept mixture " + WidthChoice.describeWeights($0) } ?? "")))
                runs.append(run)
            }
        }
        return runs
    }

    /// " | validation loss 256: 2.417, 0: 2.566 ± 0.094 | test L2 256: 75.70, 0: 78.38" when `auto`
    /// compared candidates, else "".
    static func describe(_ losses: [String: Double], _ errors: [String: Double]?, _ candidates: [String: CandidateFigures]?) -> String {
        guard losses.count > 1 else { return "" }
        let order = losses.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
        let test = candidates.map { c in
            " | test L2 " + order.compactMap { name in c[name].map { String(format: "%@: %.2f", name, 100 * $0.level2) } }
                .joined(separator: ", ")
        } ?? ""
        return " | validation loss " + WidthChoice.describe(losses, errors) + test
    }

    static func meanStd(_ values: [Double]) -> (Double, Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / max(n, 1)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, variance.squareRoot())
    }

    /// The article's claims, one row per world kind, from the runs of the default (attention, modal
    /// dropout), concat, attention without modal dropout and the linear baseline: each figure the
    /// mean over worlds of a difference taken within a world (every variant trains and is tested
    /// on the same items; with several training seeds, the mean over the seeds both variants ran
    /// with), ± its standard error (s.d./√worlds), in points. Kinds lacking a variant show "—" for
    /// the columns that need it.
    public static func claims(_ runs: [Run]) -> String {
        let all = variants(modalDropout: 0.2)
        func name(_ fusion: HeadConfig.Fusion, _ classifier: HeadConfig.Classifier, dropout: Bool) -> String {
            all.first { $0.fusion == fusion && $0.classifier == classifier && ($0.modalDropout > 0) == dropout }!.name
        }
        let (attention, concat) = (name(.attention, .hmc, dropout: true), name(.concat, .hmc, dropout: true))
        let (noDropout, linear) = (name(.attention, .hmc, dropout: false), name(.linear, .flat, dropout: false))
        var lines = [
            "| world | default − concat, L1 / L2 | default − linear baseline, L1 / L2 | L2 points lost with modalities missing, default / no modal dropout | modal dropout's cost on complete items (L2 points) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for kind in SyntheticSpec.Kind.allCases {
            let ofKind = runs.filter { ($0.kind ?? "standard") == kind.rawValue }
            let worlds = Set(ofKind.map(\.world)).sorted()
            /// For each world where the default and `other` both ran, the mean of `f` over their
            /// runs with the same training seed.
            func perWorld(_ other: String, _ f: (Run, Run) -> Double) -> [Double] {
                worlds.compactMap { w in
                    let values = ofKind.filter { $0.world == w && $0.variant == attention }.compactMap { a in
                        ofKind.first { $0.world == w && $0.variant == other && $0.seed == a.seed }.map { f(a, $0) }
                    }
                    return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
                }
            }
            func cell(_ values: [Double]) -> String {
                guard !values.isEmpty else { return "—" }
                let (m, s) = meanStd(values.map { 100 * $0 })
                return String(format: "%+.2f ± %.2f", m, s / Double(values.count).squareRoot())
                    .replacingOccurrences(of: "-", with: "−")
            }
            func levels(_ other: String) -> String {
                let l1 = perWorld(other) { $0.level1 - $1.level1 }
                return l1.isEmpty ? "—" : "\(cell(l1)) / \(cell(perWorld(other) { $0.level2 - $1.level2 }))"
            }
            let cost = perWorld(noDropout) { $1.level2 - $0.level2 }
            let ran = { (other: String) in !perWorld(other) { _, _ in 0 }.isEmpty }
            guard ran(concat) || ran(noDropout) || ran(linear) else { continue }
            let lost = cost.isEmpty ? "—" : String(format: "%.2f / %.2f",
                meanStd(perWorld(noDropout) { a, _ in 100 * (a.level2 - a.level2Missing) }).0,
                meanStd(perWorld(noDropout) { _, b in 100 * (b.level2 - b.level2Missing) }).0)
            lines.append("| \(kind.rawValue) (\(worlds.count) worlds) | \(levels(concat)) | \(levels(linear)) | \(lost) | "
                + "\(cell(cost)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The variants whose candidates trained with shared seeds in some of `runs` and distinct
    /// ones in others (``CandidateSeeds``; the linear baseline, one candidate, aside): their rows
    /// would average two trainings, and their claims pair one with the other.
    public static func mixedCandidateSeeds(_ runs: [Run]) -> [String] {
        let linear = variants(modalDropout: 0).first { $0.fusion == .linear }!.name
        return Dictionary(grouping: runs.filter { $0.variant != linear }, by: \.variant)
            .filter { Set($0.value.map { $0.candidateSeeds ?? .shared }).count > 1 }.keys.sorted()
    }

    /// What `table`'s spread is over: "worlds", or "runs (worlds × training seeds)" when a variant
    /// ran more than once in a world.
    public static func spreadOver(_ runs: [Run]) -> String {
        let keys = runs.map { "\($0.kind ?? "")/\($0.world)/\($0.variant)" }
        return Set(keys).count < keys.count ? "runs (worlds × training seeds)" : "worlds"
    }

    /// A Markdown table: mean ± sample standard deviation over runs, accuracies in percent.
    public static func table(_ runs: [Run], variants: [Variant], missingRate: Double) -> String {
        let miss = String(format: "%.0f%%", 100 * missingRate)
        var lines = [
            "| variant | parameters | L1 acc | L2 acc | L1 acc, \(miss) missing | L2 acc, \(miss) missing | L2 drop (points) | consistency | L2 macro-F1 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        func cell(_ values: [Double], scale: Double = 100) -> String {
            let (m, s) = meanStd(values.map { $0 * scale })
            return String(format: "%.2f ± %.2f", m, s)
        }
        for v in variants {
            let rs = runs.filter { $0.variant == v.name }
            guard !rs.isEmpty else { continue }
            let params = rs.map(\.parameters).reduce(0, +) / rs.count
            lines.append("| \(v.name) | \(params) | \(cell(rs.map(\.level1))) | \(cell(rs.map(\.level2))) | "
                + "\(cell(rs.map(\.level1Missing))) | \(cell(rs.map(\.level2Missing))) | "
                + "\(cell(rs.map { $0.level2 - $0.level2Missing })) | \(cell(rs.map(\.consistency))) | "
                + "\(cell(rs.map(\.level2MacroF1))) |")
        }
        return lines.joined(separator: "\n")
    }
}
