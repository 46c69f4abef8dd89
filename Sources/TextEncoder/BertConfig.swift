import Kernels

/// The shape of a BERT encoder, from a Hugging Face `config.json` (`BertConfig`; absent keys
/// take its defaults, those of bert-base: transformers 5.24.0
/// `models/bert/configuration_bert.py`).
public struct BertConfig: Sendable, Equatable {
    /// D, the width of every hidden state.
    public var hiddenSize = 768
    public var layerCount = 12
    /// H; D must be a multiple of it (head width D/H).
    public var headCount = 12
    /// The width of the feed-forward layer's hidden activations.
    public var intermediateSize = 3072
    /// The rows of the word-embedding table.
    public var vocabularySize = 30522
    /// The most positions (ids per text) the position table covers.
    public var maxPositions = 512
    /// The rows of the token-type table (segment A/B); vidtag always uses type 0.
    public var typeVocabularySize = 2
    public var layerNormEps: Float = 1e-12
    /// The feed-forward activation (`hidden_act`).
    public var activation: Activation = .gelu

    /// bert-base's shape.
    public init() {}

    /// `hidden_act` values and the kernels that compute them: "gelu" is the exact erf form,
    /// "gelu_new"/"gelu_pytorch_tanh"/"gelu_fast" the tanh approximation
    /// (transformers 5.24.0 `activations.py` L325, `ACT2CLS`).
    static let activations: [String: Activation] = [
        "gelu": .gelu, "gelu_python": .gelu,
        "gelu_new": .geluTanh, "gelu_pytorch_tanh": .geluTanh, "gelu_python_tanh": .geluTanh, "gelu_fast": .geluTanh,
        "relu": .relu,
    ]

    /// Reads `config.json` at `path`.
    ///
    /// - Throws: ``TextEncoderError/missingFile(path:what:)``,
    ///   ``TextEncoderError/malformedFile(path:reason:)``, ``TextEncoderError/unsupported(path:setting:value:)``
    ///   (another model type, activation or position embedding, a decoder), or
    ///   ``TextEncoderError/invalidConfig(path:reason:)`` (a non-positive size, heads not dividing D).
    public init(path: String) throws(TextEncoderError) {
        let json = try ConfigFile.read(path, what: "the model configuration (config.json)")
        if let type = try json.string("model_type"), type != "bert" {
            throw .unsupported(path: path, setting: "model_type", value: type)
        }
        if let type = try json.string("position_embedding_type"), type != "absolute" {
            throw .unsupported(path: path, setting: "position_embedding_type", value: type)
        }
        if try json.bool("is_decoder") == true {
            throw .unsupported(path: path, setting: "is_decoder", value: "true")
        }
        hiddenSize = try json.int("hidden_size") ?? hiddenSize
        if let width = try json.int("embedding_size"), width != hiddenSize {
            throw .unsupported(path: path, setting: "embedding_size", value: "\(width) (≠ hidden_size \(hiddenSize))")
        }
        layerCount = try json.int("num_hidden_layers") ?? layerCount
        headCount = try json.int("num_attention_heads") ?? headCount
        intermediateSize = try json.int("intermediate_size") ?? intermediateSize
        vocabularySize = try json.int("vocab_size") ?? vocabularySize
        maxPositions = try json.int("max_position_embeddings") ?? maxPositions
        typeVocabularySize = try json.int("type_vocab_size") ?? typeVocabularySize
        layerNormEps = Float(try json.double("layer_norm_eps") ?? Double(layerNormEps))
        if let name = try json.string("hidden_act") {
            guard let activation = Self.activations[name] else {
                throw .unsupported(path: path, setting: "hidden_act", value: name)
            }
            self.activation = activation
        }
        try validate(path: path)
    }

    /// Checks that every size is positive and that the heads divide the hidden size.
    public func validate(path: String) throws(TextEncoderError) {
        let sizes = [("hidden_size", hiddenSize), ("num_hidden_layers", layerCount),
                     ("num_attention_heads", headCount), ("intermediate_size", intermediateSize),
                     ("vocab_size", vocabularySize), ("max_position_embeddings", maxPositions),
                     ("type_vocab_size", typeVocabularySize)]
        for (key, value) in sizes where value < 1 {
            throw .invalidConfig(path: path, reason: "\(key) is \(value); it must be at least 1")
        }
        guard hiddenSize % headCount == 0 else {
            throw .invalidConfig(
                path: path, reason: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
        }
    }

    /// The width of one attention head, D/H.
    public var headSize: Int { hiddenSize / headCount }
}
