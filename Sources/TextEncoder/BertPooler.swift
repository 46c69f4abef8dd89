import Foundation
import Kernels
import Weights

/// BERT's pooler: tanh(W·h_[CLS] + b) on each sequence's first hidden state
/// (`BertPooler`, transformers 5.24.0 `models/bert/modeling_bert.py` L455).
struct BertPooler: Sendable {
    /// `pooler.dense`: `[D, D]`.
    let dense: Linear

    init(_ checkpoint: WeightScope, _ config: BertConfig) throws(WeightLoadError) {
        dense = try checkpoint.linear("pooler.dense", in: config.hiddenSize, out: config.hiddenSize)
    }

    /// `hidden`: `[N, D]` of `batch` → `[B, D]`.
    func callAsFunction(_ hidden: Tensor, _ batch: TokenBatch) -> Tensor {
        var pooled = dense(SentencePooling.Mode.cls.pool(hidden, batch))
        for i in pooled.data.indices { pooled.data[i] = tanh(pooled.data[i]) }
        return pooled
    }
}
