import Foundation

/// Softmax and layer normalisation over the last axis.
public enum Normalization {
    /// Softmax over the last axis of `x` (any rank ≥ 1), computed stably (max subtracted).
    public static func softmax(_ x: Tensor) -> Tensor {
        var y = x
        softmaxInPlace(&y.data, rowLength: x.shape.last ?? 1)
        return y
    }

    /// Softmax over each consecutive run of `rowLength` values of `values`.
    public static func softmaxInPlace(_ values: inout [Float], rowLength: Int) {
        guard rowLength > 0 else { return }
        let rows = values.count / rowLength
        values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Threading.parallelFor(rows, minChunk: Swift.max(1, 8192 / rowLength)) { range in
                for r in range {
                    let row = base + r * rowLength
                    var peak = -Float.infinity
                    for j in 0..<rowLength { peak = Swift.max(peak, row[j]) }
                    var sum: Float = 0
                    for j in 0..<rowLength {
                        row[j] = expf(row[j] - peak)
                        sum += row[j]
                    }
                    let inverse = 1 / sum
                    for j in 0..<rowLength { row[j] *= inverse }
                }
            }
        }
    }

    /// Layer normalisation over the last axis (width D): (x − mean)/sqrt(var + eps)·gamma + beta,
    /// with the biased variance as in PyTorch's `nn.LayerNorm`. `gamma`, `beta`: `[D]`.
    public static func layerNorm(_ x: Tensor, gamma: [Float], beta: [Float], eps: Float) -> Tensor {
        let d = x.shape.last ?? 0
        precondition(gamma.count == d && beta.count == d, "layerNorm: gamma and beta must have \(d) values")
        var y = x
        let rows = d == 0 ? 0 : x.count / d
        y.data.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Threading.parallelFor(rows, minChunk: Swift.max(1, 8192 / Swift.max(d, 1))) { range in
                for r in range {
                    let row = base + r * d
                    var mean: Float = 0
                    for j in 0..<d { mean += row[j] }
                    mean /= Float(d)
                    var variance: Float = 0
                    for j in 0..<d {
                        let centred = row[j] - mean
                        variance += centred * centred
                    }
                    variance /= Float(d)
                    let inverse = 1 / (variance + eps).squareRoot()
                    for j in 0..<d { row[j] = (row[j] - mean) * inverse * gamma[j] + beta[j] }
                }
            }
        }
        return y
    }
}
