import Kernels
import Weights

/// A BERT encoder (`BertModel` in transformers) loaded from a Hugging Face checkpoint:
/// embeddings, `layerCount` post-norm transformer layers, and the pooler when the checkpoint
/// has one.
///
/// Immutable after loading, so one model can serve several threads.
public struct BertModel: Sendable {
    public let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: [BertLayer]
    let pooler: BertPooler?

    /// Loads `config.json` and `model.safetensors` from `directory`.
    public init(directory: String) throws(TextEncoderError) {
        try self.init(config: try BertConfig(path: directory + "/config.json"),
                      weights: directory + "/model.safetensors")
    }

    /// Loads the weights at `weights` for `config`, strictly (see ``BertCheckpoint``): every
    /// tensor present with the shape `config` implies, no tensor left over.
    ///
    /// - Throws: ``TextEncoderError/weights(_:)`` with the ``WeightLoadError`` (a missing
    ///   tensor, a wrong shape, unused tensors, an unreadable file), or
    ///   ``TextEncoderError/missingFile(path:what:)``.
    public init(config: BertConfig, weights: String) throws(TextEncoderError) {
        let (loader, checkpoint) = try BertCheckpoint.open(path: weights)
        self.config = config
        do {
            embeddings = try BertEmbeddings(checkpoint, config)
            layers = try (0..<config.layerCount).map { index throws(WeightLoadError) in
                try BertLayer(checkpoint, index: index, config)
            }
            let hasPooler = checkpoint.contains("pooler.dense.weight") || checkpoint.contains("pooler.dense.bias")
            pooler = hasPooler ? try BertPooler(checkpoint, config) : nil
            try loader.finish()
        } catch {
            throw .weights(error)
        }
    }

    /// Whether the checkpoint has the pooler (`pooler.dense.*`).
    public var hasPooler: Bool { pooler != nil }

    /// The last layer's hidden states: `batch` (N ids in B sequences) → `[N, D]`.
    ///
    /// - Precondition: ids lie in `0..<config.vocabularySize` and no sequence is longer than
    ///   `config.maxPositions` (``TextEncoder`` guarantees both).
    public func hiddenStates(_ batch: TokenBatch) -> Tensor {
        precondition(batch.maxLength <= config.maxPositions,
                     "BertModel: a sequence of \(batch.maxLength) ids exceeds \(config.maxPositions) positions")
        var x = embeddings(batch)  // [N, D]
        for layer in layers { x = layer(x, batch) }
        return x
    }

    /// The pooler output, tanh(W·h_[CLS] + b): `hidden` `[N, D]` → `[B, D]`; nil without a pooler.
    public func pooledOutput(_ hidden: Tensor, _ batch: TokenBatch) -> Tensor? {
        pooler.map { $0(hidden, batch) }
    }
}
