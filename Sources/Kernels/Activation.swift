import Foundation

/// An elementwise function fused into a kernel's epilogue or applied on its own.
public enum Activation: Sendable, Equatable {
    case identity
    case relu
    /// GELU in its exact form, 0.5·x·(1 + erf(x/√2)) (BERT's "gelu").
    case gelu
    /// GELU's tanh approximation (BERT's "gelu_new").
    case geluTanh

    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .identity: return x
        case .relu: return max(x, 0)
        case .gelu: return 0.5 * x * (1 + erf(x * 0.70710678118654752))
        case .geluTanh:
            return 0.5 * x * (1 + tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)))
        }
    }

    /// Applies the function to every element in place.
    public func apply(to values: inout [Float]) {
        if self == .identity { return }
        let activation = self
        let count = values.count
        values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Threading.parallelFor(count, minChunk: 1 << 16) { range in
                for i in range { base[i] = activation.apply(base[i]) }
            }
        }
    }

    /// Applies the function to every element of a tensor.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        apply(to: &y.data)
        return y
    }
}

/// Adds `bias[j]` to column `j` of the row-major `[rows, columns]` block at `base` and applies
/// `activation`: the epilogue fused after each GEMM.
func addBiasAndActivate(
    _ base: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
    bias: UnsafePointer<Float>?, activation: Activation
) {
    if bias == nil && activation == .identity { return }
    Threading.parallelFor(rows, minChunk: max(1, 16_384 / max(1, columns))) { range in
        for row in range {
            let line = base + row * columns
            if let bias {
                if activation == .relu {
                    for j in 0..<columns { line[j] = max(line[j] + bias[j], 0) }
                } else {
                    for j in 0..<columns { line[j] = activation.apply(line[j] + bias[j]) }
                }
            } else {
                for j in 0..<columns { line[j] = activation.apply(line[j]) }
            }
        }
    }
}
