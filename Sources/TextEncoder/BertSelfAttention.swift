import Foundation
import Kernels
import Weights

/// Multi-head self-attention within each sequence of a packed batch, with its output
/// projection, residual and LayerNorm (`BertAttention`: `BertSelfAttention` +
/// `BertSelfOutput`, transformers 5.24.0 `models/bert/modeling_bert.py` L166 and L290, with
/// `eager_attention_forward` L112).
///
/// For each sequence (L rows of the `[N, D]` input) and head h (width d = D/H):
/// softmax(Q_h K_hᵀ / √d) V_h, Q/K/V being the query/key/value projections' columns
/// h·d..<(h+1)·d. Positions of other sequences are never seen, as padded keys are masked
/// to zero weight in `BertModel`.
struct BertSelfAttention: Sendable {
    let heads: Int
    let headSize: Int
    /// query, key and value stacked: weight `[3D, D]`, bias `[3D]` (one GEMM for all three).
    let queryKeyValue: Linear
    /// `attention.output.dense`: `[D, D]`.
    let output: Linear
    /// `attention.output.LayerNorm`.
    let norm: LayerNormWeights

    init(_ checkpoint: WeightScope, layer: String, _ config: BertConfig) throws(WeightLoadError) {
        let d = config.hiddenSize
        let parts = [try checkpoint.linear(layer + ".attention.self.query", in: d, out: d),
                     try checkpoint.linear(layer + ".attention.self.key", in: d, out: d),
                     try checkpoint.linear(layer + ".attention.self.value", in: d, out: d)]
        queryKeyValue = Linear(weight: parts.flatMap(\.weight), bias: parts.flatMap { $0.bias! },
                               inFeatures: d, outFeatures: 3 * d)
        output = try checkpoint.linear(layer + ".attention.output.dense", in: d, out: d)
        norm = try checkpoint.layerNorm(layer + ".attention.output.LayerNorm", width: d, eps: config.layerNormEps)
        heads = config.headCount
        headSize = config.headSize
    }

    /// `x`: `[N, D]` hidden states of `batch` → `[N, D]`.
    func callAsFunction(_ x: Tensor, _ batch: TokenBatch) -> Tensor {
        let qkv = queryKeyValue(x)  // [N, 3D]: Q | K | V
        let d = heads * headSize
        var context = [Float](repeating: 0, count: batch.tokenCount * d)  // [N, D]
        let scale = 1 / Float(headSize).squareRoot()
        var scores: [Float] = []  // [H, L, L] for the current sequence
        for b in 0..<batch.count {
            let length = batch.lengths[b]
            let row = batch.offsets[b]
            scores = [Float](repeating: 0, count: heads * length * length)
            qkv.data.withUnsafeBufferPointer { qkv in
                scores.withUnsafeMutableBufferPointer { scores in
                    let q = qkv.baseAddress! + row * 3 * d
                    for h in 0..<heads {
                        // scores_h[L, L] = Q_h[L, d] · K_h[L, d]ᵀ / √d
                        GEMM.multiply(m: length, n: length, k: headSize,
                                      a: q + h * headSize, lda: 3 * d,
                                      b: q + d + h * headSize, ldb: 3 * d, transB: true,
                                      c: scores.baseAddress! + h * length * length, ldc: length, alpha: scale)
                    }
                }
            }
            Normalization.softmaxInPlace(&scores, rowLength: length)
            qkv.data.withUnsafeBufferPointer { qkv in
                scores.withUnsafeBufferPointer { scores in
                    context.withUnsafeMutableBufferPointer { context in
                        let v = qkv.baseAddress! + row * 3 * d + 2 * d
                        for h in 0..<heads {
                            // context[L, d] (columns of head h) = scores_h[L, L] · V_h[L, d]
                            GEMM.multiply(m: length, n: headSize, k: length,
                                          a: scores.baseAddress! + h * length * length, lda: length,
                                          b: v + h * headSize, ldb: 3 * d,
                                          c: context.baseAddress! + row * d + h * headSize, ldc: d)
                        }
                    }
                }
            }
        }
        let attended = output(Tensor(shape: [batch.tokenCount, d], data: context))
        return norm(attended, adding: x)
    }
}
