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

/// A head trained with ``HiddenWidth/auto``: the kept one and every candidate's validation loss.
public struct WidthChoice: Sendable {
    public var result: TrainingResult
    /// Width → the validation loss of that head's kept epoch (empty without validation).
    public var validationLoss: [Int: Double]
    public var width: Int { result.model.config.hidden1 }
}

extension HeadTrainer {
    /// Trains `config` with each width `hidden` stands for (both channels of HMC, or the flat
    /// channel) and keeps the head whose kept epoch has the lowest validation loss. The linear
    /// baseline has no channels: it is trained once. `progress` gets the width with each epoch.
    public static func train(
        config: HeadConfig, hidden: HiddenWidth, options: TrainingOptions, train: [HeadExample],
        validation: [HeadExample], progress: (Int, EpochReport) -> Void = { _, _ in }
    ) -> WidthChoice {
        let widths = config.fusion == .linear ? [config.hidden1] : hidden.widths(validation: validation.count)
        let results = widths.map { width in
            var c = config
            (c.hidden1, c.hidden2) = (width, width)
            return Self.train(config: c, options: options, train: train, validation: validation) { progress(width, $0) }
        }
        // The first of equals wins.
        let kept = results.min { $0.keptValidationLoss < $1.keptValidationLoss }!
        var losses: [Int: Double] = [:]
        for (width, result) in zip(widths, results) where result.keptValidationLoss.isFinite { losses[width] = result.keptValidationLoss }
        return WidthChoice(result: kept, validationLoss: losses)
    }
}
