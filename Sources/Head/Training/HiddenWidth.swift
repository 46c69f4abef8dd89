/// The hidden width of the classifier's channels that a head is trained with (``HeadConfig``'s
/// `hidden1`, `hidden2`): a given width, or `auto`, the default of `vidtag train`: one head per
/// candidate, the one with the lower validation loss kept.
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

/// A head trained with ``HiddenWidth/auto`` or ``LinearSkipChoice/auto``: the kept one and
/// every candidate's validation loss.
public struct WidthChoice: Sendable {
    public var result: TrainingResult
    /// Candidate ("0", "256", "0 + linear skip") → the validation loss of that head's kept epoch
    /// (empty without validation).
    public var validationLoss: [String: Double]
    public var width: Int { result.model.config.hidden1 }
    public var linearSkip: Bool { result.model.config.linearSkip }
    /// The kept candidate's name.
    public var name: String { Self.name(width: width, skip: linearSkip) }

    /// How a candidate is named in ``validationLoss``.
    public static func name(width: Int, skip: Bool) -> String { skip ? "\(width) + linear skip" : String(width) }
}

extension HeadTrainer {
    /// Trains `config` with each width `hidden` stands for (both channels of HMC, or the flat
    /// channel), with or without the linear skip as `skip` says, and keeps the head whose kept
    /// epoch has the lowest validation loss. The linear baseline has no channels or skip: it is
    /// trained once. `progress` gets the candidate's name with each epoch.
    public static func train(
        config: HeadConfig, hidden: HiddenWidth, skip: LinearSkipChoice = .off, options: TrainingOptions,
        train: [HeadExample], validation: [HeadExample], progress: (String, EpochReport) -> Void = { _, _ in }
    ) -> WidthChoice {
        let candidates = config.fusion == .linear
            ? [(width: config.hidden1, skip: false)]
            : skip.candidates(config, widths: hidden.widths(validation: validation.count), validation: validation.count)
        let names = candidates.map { WidthChoice.name(width: $0.width, skip: $0.skip) }
        let results = zip(candidates, names).map { candidate, name in
            var c = config
            (c.hidden1, c.hidden2, c.linearSkip) = (candidate.width, candidate.width, candidate.skip)
            return Self.train(config: c, options: options, train: train, validation: validation) { progress(name, $0) }
        }
        // The first of equals wins.
        let kept = results.min { $0.keptValidationLoss < $1.keptValidationLoss }!
        var losses: [String: Double] = [:]
        for (name, result) in zip(names, results) where result.keptValidationLoss.isFinite {
            losses[name] = result.keptValidationLoss
        }
        return WidthChoice(result: kept, validationLoss: losses)
    }
}
