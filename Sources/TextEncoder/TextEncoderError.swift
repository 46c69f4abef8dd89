import Weights

/// Everything that can go wrong loading a BERT model directory or its tokenizer.
///
/// Every case names the file it is about; shape errors name the tensor, the shape the
/// configuration implies and the shape found, e.g. `model.safetensors: tensor
/// 'encoder.layer.0.attention.self.query.weight' has shape [128, 128], config.json implies [64, 64]`.
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
    /// The checkpoint lacks a tensor the configuration requires; `expected` is its shape.
    case missingTensor(file: String, tensor: String, expected: [Int])
    /// A tensor's shape differs from the one the configuration implies.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// Tensors that no part of the model reads (and that are not known to be ignorable).
    case unusedTensors(file: String, tensors: [String])
    /// The tokenizer can produce ids beyond the rows of the word-embedding table (`vocab_size`
    /// of `config`, which the weights are then checked against).
    case vocabularyTooLarge(vocabulary: String, ids: Int, config: String, rows: Int)
    /// The safetensors file itself is unreadable or malformed.
    case weights(SafetensorsError)

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
        case let .missingTensor(file, tensor, expected):
            return "\(file): no tensor '\(tensor)' (expected shape \(expected))"
        case let .shapeMismatch(file, tensor, expected, found):
            return "\(file): tensor '\(tensor)' has shape \(found), the configuration implies \(expected)"
        case let .unusedTensors(file, tensors):
            let shown = tensors.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            let more = tensors.count > 8 ? " and \(tensors.count - 8) more" : ""
            return "\(file): \(tensors.count) tensor(s) not used by the model: \(shown)\(more)"
        case let .vocabularyTooLarge(vocabulary, ids, config, rows):
            return "\(vocabulary): the tokenizer produces ids up to \(ids - 1), but the word embeddings "
                + "have \(rows) rows (vocab_size in \(config))"
        case let .weights(error):
            return error.description
        }
    }
}
