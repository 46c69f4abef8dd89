import Kernels

/// VGGish's postprocessing: PCA with whitening, clipping to [−2, 2] and 8-bit quantisation,
/// as the released AudioSet embeddings were made.
///
/// Google's `vggish_postprocess.py`
/// (https://github.com/tensorflow/models/blob/master/research/audioset/vggish/vggish_postprocess.py,
/// `Postprocessor.postprocess`) computes, for each embedding e,
///
///     p = eigenVectors · (e − means)               (numpy, float64 parameters)
///     q = (clip(p, −2, 2) + 2) · 255 / 4           ∈ [0, 255]
///     code = uint8(q)                              (astype: truncation towards zero)
///
/// torchvggish's `Postprocessor.postprocess` (`torchvggish.py`) does the same in float32 but
/// rounds: `torch.round(q)` (half to even). The two differ in every component whose q has a
/// fractional part ≥ 0.5 — about half of them (see PostprocessorTests for counts).
/// ``Rounding/truncate`` (Google's) is the default.
///
/// Here p is computed in double from the Float parameters and embeddings, so codes equal the
/// reference's except where q lies within rounding error of an integer.
public struct VGGishPostprocessor: Sendable {
    public enum Rounding: Sendable {
        /// Google's `astype(np.uint8)`: ⌊q⌋.
        case truncate
        /// torchvggish's `torch.round`: nearest integer, ties to even.
        case round
    }

    public let pca: VGGishPCA
    public let rounding: Rounding

    public init(pca: VGGishPCA, rounding: Rounding = .truncate) {
        self.pca = pca
        self.rounding = rounding
    }

    /// The quantiser's argument q = (clip(PCA(e), −2, 2) + 2)·255/4 for embeddings [A, D]:
    /// [A·D] doubles, row-major.
    public func scaled(_ embeddings: Tensor) -> [Double] {
        let d = pca.width
        precondition(embeddings.rank == 2 && embeddings.shape[1] == d,
                     "VGGishPostprocessor: expected embeddings [A, \(d)], got \(embeddings.shape)")
        let (low, high) = (VGGishParameters.quantizeMin, VGGishParameters.quantizeMax)
        let count = embeddings.shape[0]
        var out = [Double](repeating: 0, count: count * d)
        var centered = [Double](repeating: 0, count: d)
        for a in 0..<count {
            for j in 0..<d { centered[j] = Double(embeddings.data[a * d + j]) - Double(pca.means[j]) }
            for i in 0..<d {
                var p = 0.0
                for j in 0..<d { p += Double(pca.eigenVectors[i * d + j]) * centered[j] }
                out[a * d + i] = (min(max(p, low), high) - low) * (255.0 / (high - low))
            }
        }
        return out
    }

    /// 8-bit codes of embeddings [A, D]: [A·D] bytes, row-major.
    public func callAsFunction(_ embeddings: Tensor) -> [UInt8] {
        scaled(embeddings).map { q in
            switch rounding {
            case .truncate: return UInt8(q)  // q ∈ [0, 255]: conversion truncates towards zero
            case .round: return UInt8(q.rounded(.toNearestOrEven))
            }
        }
    }
}
