import Weights

/// Everything that can go wrong loading a BERT model directory or its tokenizer.
///
/// Every case names the file it is about. The weights' own failures are ``WeightLoadError``s,
/// as for every model, e.g. `model.safetensors: tensor
/// 'encoder.layer.0.attention.self.query.weight' has shape [128, 128], expected [64, 64]` (the
/// shape the configuration implies).
public enum TextEncoderError: Error, Equatable, CustomStringConvertible {
    /// A file the model needs is absent or unreadable (`what` says which role it plays).
    case missingFile(path: String, what: String)
    /// A file is not valid UTF-8, not valid JSON, or lacks a field.
    case malformedFile(path: String, reason: String)
    /// A setting that vidtag does not implement (e.g. `hidden_act: "silu"`, relative positions).
    case unsupported(path: String, setting: String, value: String)
    /// The configuration contradicts itself (e.g. a hidden size not divisible by the heads).
    case invalidConfig(path: String, reason: String)
    /// A special token (`[CLS]`, `[SEP]`, `[UNK]`, …) the tokenizer needs has no id.
    case missingSpecialToken(path: String, role: String, token: String)
    /// The tokenizer can produce ids beyond the rows of the word-embedding table (`vocab_size`
    /// of `config`, which the weights are then checked against).
    case vocabularyTooLarge(vocabulary: String, ids: Int, config: String, rows: Int)
    /// The weights: a missing tensor, a shape other than the configuration implies, tensors no
    /// part of the model reads (and not known to be ignorable), or an unreadable file.
    case weights(WeightLoadError)

    public var description: String {
        switch self {
        case let .missingFile(path, what):
            return "\(path): \(what) not found"
        case let .malformedFile(path, reason):
            return "\(path): \(reason)"
        case let .unsupported(path, setting, value):
            return "\(path): \(setting) = \(value) is not supported"
        case let .invalidConfig(path, reason):
            return "\(path): \(reason)"
        case let .missingSpecialToken(path, role, token):
            return "\(path): the \(role) token '\(token)' is not in the vocabulary"
        case let .vocabularyTooLarge(vocabulary, ids, config, rows):
            return "\(vocabulary): the tokenizer produces ids up to \(ids - 1), but the word embeddings "
                + "have \(rows) rows (vocab_size in \(config))"
        case let .weights(error):
            return error.description
        }
    }
}
