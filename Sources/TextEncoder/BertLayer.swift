import Kernels
import Weights

/// One transformer layer of BERT, post-norm: attention block, then feed-forward block
/// LayerNorm(h + W₂·act(W₁·h)) (`BertLayer` with `BertIntermediate` and `BertOutput`,
/// transformers 5.24.0 `models/bert/modeling_bert.py` L377, L336, L349).
struct BertLayer: Sendable {
    let attention: BertSelfAttention
    /// `intermediate.dense`: `[I, D]`, with the configured activation fused.
    let intermediate: Linear
    /// `output.dense`: `[D, I]`.
    let output: Linear
    /// `output.LayerNorm`.
    let norm: LayerNormWeights
    let activation: Activation

    /// Loads `encoder.layer.<index>.*`.
    init(_ checkpoint: WeightScope, index: Int, _ config: BertConfig) throws(WeightLoadError) {
        let name = "encoder.layer.\(index)"
        let (d, i) = (config.hiddenSize, config.intermediateSize)
        attention = try BertSelfAttention(checkpoint, layer: name, config)
        intermediate = try checkpoint.linear(name + ".intermediate.dense", in: d, out: i)
        output = try checkpoint.linear(name + ".output.dense", in: i, out: d)
        norm = try checkpoint.layerNorm(name + ".output.LayerNorm", width: d, eps: config.layerNormEps)
        activation = config.activation
    }

    /// `x`: `[N, D]` → `[N, D]`.
    func callAsFunction(_ x: Tensor, _ batch: TokenBatch) -> Tensor {
        let attended = attention(x, batch)                            // [N, D]
        let hidden = intermediate(attended, activation: activation)   // [N, I]
        return norm(output(hidden), adding: attended)                 // [N, D]
    }
}
