import Kernels

/// The parameters of a `nn.LayerNorm` over the last axis (width D).
struct LayerNormWeights: Sendable {
    /// `[D]`.
    let gamma: [Float]
    /// `[D]`.
    let beta: [Float]
    let eps: Float

    /// LayerNorm(x): `[..., D]` → `[..., D]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        Normalization.layerNorm(x, gamma: gamma, beta: beta, eps: eps)
    }

    /// LayerNorm(x + residual), BERT's post-norm residual step (`BertSelfOutput`, `BertOutput`):
    /// both `[N, D]` → `[N, D]`.
    func callAsFunction(_ x: Tensor, adding residual: Tensor) -> Tensor {
        precondition(x.shape == residual.shape, "LayerNorm: residual shape \(residual.shape) ≠ \(x.shape)")
        var sum = x
        sum.data.withUnsafeMutableBufferPointer { sum in
            residual.data.withUnsafeBufferPointer { residual in
                for i in 0..<sum.count { sum[i] += residual[i] }
            }
        }
        return self(sum)
    }
}
