/// The hidden width of the classifier's channels that a head is trained with (``HeadConfig``'s
/// `hidden1`, `hidden2`): a given width, or `auto`, the default of `vidtag train`: one head per
/// candidate, their mixture or the one with the lowest validation loss kept (``CandidateKeeping``).
///
/// Why a choice and not one width (docs/head.md, "Linear channels or hidden layers"): linear
/// channels (0) were better where the evidence adds up linearly over many features (an
/// independently written Gaussian world: +3.6 level-2 points), hidden layers of 256 on the small
/// demo corpus, whose cues combine (+7 points); each time the validation loss chose the better.
public enum HiddenWidth: Equatable, Sendable, CustomStringConvertible {
    case auto
    case width(Int)

    /// The widths `auto` tries, in this order (ties keep the first).
    public static let candidates = [0, 256]
    /// What `auto` uses without validation items to compare on.
    public static let withoutValidation = 256

    public init?(_ text: String) {
        if text == "auto" { self = .auto; return }
        guard let n = Int(text), n >= 0 else { return nil }
        self = .width(n)
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case let .width(n): return String(n)
        }
    }

    /// The widths to train with this many validation items.
    func widths(validation: Int) -> [Int] {
        switch self {
        case let .width(n): return [n]
        case .auto: return validation > 0 ? Self.candidates : [Self.withoutValidation]
        }
    }
}

/// A head trained with ``HiddenWidth/auto`` or ``LinearSkipChoice/auto``: the candidate with the
/// lowest validation loss, how every candidate compared on the validation items
/// (``ValidationChoice``), and what is kept (``CandidateKeeping``).
public struct WidthChoice: Sendable {
    /// The candidate with the lowest validation loss (the only one without a choice).
    public var result: TrainingResult
    /// What is kept: that candidate alone (``CandidateKeeping/lowest``), or the mixture of the
    /// candidates (``CandidateKeeping/mixture``).
    public var mixture: HeadMixture
    /// Candidate → its weight in ``mixture`` (0: not kept); empty when a single head is kept.
    public var mixtureWeights: [String: Double]
    /// Candidate ("0", "256", "0 + linear skip") → the validation loss of that head's kept epoch
    /// (empty without validation or with one candidate).
    public var validationLoss: [String: Double]
    /// Candidate → the standard error of its per-item validation losses' mean difference from the
    /// lowest candidate's (0 for the lowest; empty as ``validationLoss``).
    public var standardError: [String: Double]
    /// Every head trained, the kept one among them, in the order tried.
    public var candidates: [(name: String, result: TrainingResult)]
    public var width: Int { result.model.config.hidden1 }
    public var linearSkip: Bool { result.model.config.linearSkip }
    /// The lowest candidate's name.
    public var name: String { Self.name(width: width, skip: linearSkip) }
    /// What was kept: "hidden width 0 + linear skip", or "a mixture of 3 heads (256: 0.60, 0: 0.33, …)".
    public var kept: String {
        guard mixture.members.count > 1 else {
            return "hidden width " + Self.name(width: mixture.config.hidden1, skip: mixture.config.linearSkip)
        }
        return "a mixture of \(mixture.members.count) heads (" + Self.describeWeights(mixtureWeights) + ")"
    }

    /// "256: 0.60, 0: 0.33, …": the weights above 0, heaviest first.
    public static func describeWeights(_ weights: [String: Double]) -> String {
        weights.filter { $0.value > 0 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { String(format: "%@: %.2f", $0.key, $0.value) }.joined(separator: ", ")
    }

    /// How a candidate is named in ``validationLoss``.
    public static func name(width: Int, skip: Bool) -> String { skip ? "\(width) + linear skip" : String(width) }

    /// "256: 2.417, 0: 2.566 ± 0.094, …": each candidate's validation loss, lowest first, with the
    /// standard error of its difference from the lowest where one was recorded.
    public static func describe(_ losses: [String: Double], _ errors: [String: Double]?) -> String {
        losses.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { name, loss in
            let error = errors?[name].flatMap { $0 > 0 ? String(format: " ± %.3f", $0) : nil } ?? ""
            return String(format: "%@: %.3f", name, loss) + error
        }.joined(separator: ", ")
    }
}

extension HeadTrainer {
    /// Trains `config` with each width `hidden` stands for (both channels of HMC, or the flat
    /// channel), with or without the linear skip as `skip` says, finds the head whose kept epoch
    /// has the lowest validation loss (``ValidationChoice``, which also measures how clear the
    /// choice was), and keeps it or the mixture of all as `keep` says. The linear baseline has
    /// no channels or skip: it is trained once. `progress` gets the candidate's name with each epoch.
    public static func train(
        config: HeadConfig, hidden: HiddenWidth, skip: LinearSkipChoice = .off, keep: CandidateKeeping = .mixture,
        options: TrainingOptions, train: [HeadExample], validation: [HeadExample],
        progress: (String, EpochReport) -> Void = { _, _ in }
    ) -> WidthChoice {
        let candidates = config.fusion == .linear
            ? [(width: config.hidden1, skip: false)]
            : skip.candidates(config, widths: hidden.widths(validation: validation.count), validation: validation.count)
        let names = candidates.map { WidthChoice.name(width: $0.width, skip: $0.skip) }
        let results = zip(candidates, names).enumerated().map { index, named in
            let (candidate, name) = named
            var c = config, o = options
            (c.hidden1, c.hidden2, c.linearSkip) = (candidate.width, candidate.width, candidate.skip)
            o.seed = options.candidateSeeds.seed(options.seed, candidate: index)
            return Self.train(config: c, options: o, train: train, validation: validation) { progress(name, $0) }
        }
        let all = Array(zip(names, results))
        guard results.count > 1 else {
            return WidthChoice(result: results[0], mixture: HeadMixture(results[0].model), mixtureWeights: [:],
                               validationLoss: [:], standardError: [:], candidates: all)
        }
        // (candidates, labelled validation items) each head's loss and likelihood per item, at its kept epoch.
        let labelled = validation.indices.filter { validation[$0].level2 >= 0 }
        let outputs = results.map { HeadEvaluator().run($0.model, validation) }
        let (lowest, comparisons) = ValidationChoice.choose(outputs.map { o in labelled.map { o.itemLosses[$0] } })
        var mixture = HeadMixture(results[lowest].model), mixtureWeights: [String: Double] = [:]
        if keep == .mixture {
            let weights = MixtureWeights.fit(outputs.map { o in labelled.map { o.itemLikelihoods[$0] } })
            let kept = weights.indices.filter { weights[$0] > 0 }
            mixture = HeadMixture(members: kept.map { results[$0].model }, weights: kept.map { weights[$0] })
            mixtureWeights = Dictionary(uniqueKeysWithValues: zip(names, weights))
        }
        return WidthChoice(result: results[lowest], mixture: mixture, mixtureWeights: mixtureWeights,
                           validationLoss: Dictionary(uniqueKeysWithValues: zip(names, comparisons.map(\.loss))),
                           standardError: Dictionary(uniqueKeysWithValues: zip(names, comparisons.map(\.standardError))),
                           candidates: all)
    }
}
