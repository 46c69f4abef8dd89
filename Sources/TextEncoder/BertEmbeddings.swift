import Kernels
import Weights

/// BERT's input embeddings: word + token type 0 + absolute position, then LayerNorm
/// (`BertEmbeddings.forward`, transformers 5.24.0 `models/bert/modeling_bert.py` L69; the
/// sums in its order, dropout off).
struct BertEmbeddings: Sendable {
    /// `[V, D]`: `embeddings.word_embeddings.weight` (borrowed from the mapped file when it is
    /// float32).
    let words: Embedding
    /// `[P, D]`: `embeddings.position_embeddings.weight`.
    let positions: Embedding
    /// `[D]`: row 0 of `embeddings.token_type_embeddings.weight` `[types, D]`.
    let tokenType0: [Float]
    /// `embeddings.LayerNorm`.
    let norm: LayerNormWeights

    init(_ checkpoint: WeightScope, _ config: BertConfig) throws(WeightLoadError) {
        let d = config.hiddenSize
        // Read in place from a float32 safetensors file: only the rows a run uses stay resident.
        let wordShape = [config.vocabularySize, d]
        if let mapped = try checkpoint.borrowed("embeddings.word_embeddings.weight", shape: wordShape) {
            words = Embedding(borrowing: mapped, vocabulary: config.vocabularySize, width: d)
        } else {
            words = Embedding(table: try checkpoint.tensor("embeddings.word_embeddings.weight", shape: wordShape),
                              vocabulary: config.vocabularySize, width: d)
        }
        positions = Embedding(
            table: try checkpoint.tensor("embeddings.position_embeddings.weight", shape: [config.maxPositions, d]),
            vocabulary: config.maxPositions, width: d)
        tokenType0 = Array(try checkpoint.tensor(
            "embeddings.token_type_embeddings.weight", shape: [config.typeVocabularySize, d])[..<d])
        norm = try checkpoint.layerNorm("embeddings.LayerNorm", width: d, eps: config.layerNormEps)
    }

    /// `batch` (N ids; each sequence's positions count from 0) → `[N, D]`.
    func callAsFunction(_ batch: TokenBatch) -> Tensor {
        var x = words(batch.ids)  // [N, D]
        let d = words.width
        x.data.withUnsafeMutableBufferPointer { x in
            for b in 0..<batch.count {
                for (position, row) in batch.rows(b).enumerated() {
                    let line = x.baseAddress! + row * d
                    positions.withRow(position) { positionRow in
                        for j in 0..<d { line[j] = (line[j] + tokenType0[j]) + positionRow[j] }
                    }
                }
            }
        }
        return norm(x)
    }
}
