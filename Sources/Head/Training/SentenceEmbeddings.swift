/// Whether the text encoder's sentence embeddings (the `title`, `summary` and `product`
/// modalities) stay in a head whose text channel reads the same texts (`vidtag train
/// --sentence-embeddings`).
///
/// Why a choice (docs/head.md, "The text channel"): all-MiniLM-L6-v2 reads Chinese badly, and
/// beside the text channel its vectors of Chinese texts cost accuracy (the Chinese-only demo
/// corpus, seeds 0–2: level 2 81.6 with them, 86.1 without). Of English texts they carry what
/// the channel misses (an English text-only set with the channel forced on: 88.3 with, 85.1
/// without). In both, and on the bilingual demo, the validation loss said which.
public enum SentenceEmbeddings: String, CaseIterable, Sendable {
    /// With the text channel and validation items: one head with them and one without, the
    /// lower validation loss kept. Otherwise kept.
    case auto
    /// Kept.
    case on
    /// Left out (the text channel, if on, still reads the texts).
    case off

    /// The modalities this choice keeps or leaves out: the text encoder's.
    public static let modalities: Set<String> = ["title", "summary", "product"]

    /// Whether the heads to train keep the sentence embeddings: one entry per candidate, in
    /// the order tried (ties keep the first). `config` decides whether `auto` has anything to
    /// choose: a text channel beside sentence embeddings, and items to validate on.
    func candidates(_ config: HeadConfig, validation: Int) -> [Bool] {
        let hasBoth = config.modalities.contains { $0.kind == .bag } && config.modalities.contains { Self.modalities.contains($0.name) }
        switch self {
        case .on: return [true]
        case .off: return [false]
        case .auto: return hasBoth && validation > 0 ? [true, false] : [true]
        }
    }
}

/// A head trained with ``SentenceEmbeddings``: the kept one (with its hidden width's choice)
/// and, where both were tried, each candidate's validation loss.
public struct SentenceEmbeddingsChoice: Sendable {
    public var kept: WidthChoice
    /// Whether the kept head has the sentence embeddings.
    public var withSentenceEmbeddings: Bool
    /// "on" / "off" → the validation loss of that candidate's kept head (empty when one was trained).
    public var validationLoss: [String: Double]
}

extension HeadTrainer {
    /// Trains a head (``train(config:hidden:skip:keep:options:train:validation:progress:)``) with and, as
    /// `choice` says, without the sentence embeddings, and keeps the one whose kept epoch has the
    /// lower validation loss. `progress` gets "without sentence embeddings" (or nothing) and the
    /// candidate (hidden width, linear skip) with each epoch.
    public static func train(
        config: HeadConfig, hidden: HiddenWidth, skip: LinearSkipChoice = .off, keep: CandidateKeeping = .mixture,
        sentenceEmbeddings choice: SentenceEmbeddings, options: TrainingOptions, train: [HeadExample], validation: [HeadExample],
        progress: (String, String, EpochReport) -> Void = { _, _, _ in }
    ) -> SentenceEmbeddingsChoice {
        let candidates = choice.candidates(config, validation: validation.count)
        let trained = candidates.map { withThem in
            guard !withThem else {
                return Self.train(config: config, hidden: hidden, skip: skip, keep: keep, options: options, train: train,
                                  validation: validation) {
                    progress("", $0, $1)
                }
            }
            let reduced = config.removingModalities(named: SentenceEmbeddings.modalities)
            let indices = config.modalities.indices.filter { !SentenceEmbeddings.modalities.contains(config.modalities[$0].name) }
            return Self.train(config: reduced, hidden: hidden, skip: skip, keep: keep, options: options, train: train.map { $0.keeping(modalities: indices) },
                              validation: validation.map { $0.keeping(modalities: indices) }) {
                progress("without sentence embeddings", $0, $1)
            }
        }
        let best = trained.indices.min { trained[$0].result.keptValidationLoss < trained[$1].result.keptValidationLoss }!
        var losses: [String: Double] = [:]
        if candidates.count > 1 {
            for (withThem, c) in zip(candidates, trained) { losses[withThem ? "on" : "off"] = c.result.keptValidationLoss }
        }
        return SentenceEmbeddingsChoice(kept: trained[best], withSentenceEmbeddings: candidates[best], validationLoss: losses)
    }
}
