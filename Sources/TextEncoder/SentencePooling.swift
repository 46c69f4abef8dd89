import Foundation
import Kernels
import Weights

/// How token states become one vector per text: one or more pooling modes (their outputs
/// concatenated, in order), then optionally L2 normalisation.
///
/// The modes are those of sentence-transformers' `Pooling` module
/// (sentence-transformers 6.2.0 `sentence_transformer/modules/pooling.py`, `_forward_padded`),
/// computed over each sequence's own tokens ([CLS] and [SEP] included, padding never
/// present), plus BERT's own pooler output.
public struct SentencePooling: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// The first token's state ([CLS]).
        case cls
        /// The elementwise maximum over the tokens.
        case max
        /// The average over the tokens.
        case mean
        /// The sum over the tokens divided by √L.
        case meanSqrtLength = "mean_sqrt_len_tokens"
        /// The average weighted by position 1…L.
        case weightedMean = "weightedmean"
        /// The last token's state ([SEP]).
        case lastToken = "lasttoken"
        /// `BertPooler`: tanh(W·h_[CLS] + b); needs `pooler.dense.*` in the checkpoint.
        case pooler

        /// `hidden`: `[N, D]` token states of `batch` → `[B, D]`. (Not for ``pooler``, which
        /// ``BertModel`` computes.)
        func pool(_ hidden: Tensor, _ batch: TokenBatch) -> Tensor {
            let d = hidden.shape[1]
            var out = [Float](repeating: 0, count: batch.count * d)
            hidden.data.withUnsafeBufferPointer { h in
                for b in 0..<batch.count {
                    let rows = batch.rows(b)
                    let target = b * d
                    switch self {
                    case .cls, .pooler:
                        for j in 0..<d { out[target + j] = h[rows.lowerBound * d + j] }
                    case .lastToken:
                        for j in 0..<d { out[target + j] = h[(rows.upperBound - 1) * d + j] }
                    case .max:
                        for j in 0..<d { out[target + j] = -.infinity }
                        for row in rows {
                            for j in 0..<d { out[target + j] = Swift.max(out[target + j], h[row * d + j]) }
                        }
                    case .mean, .meanSqrtLength, .weightedMean:
                        var weightSum: Float = 0
                        for (position, row) in rows.enumerated() {
                            let weight: Float = self == .weightedMean ? Float(position + 1) : 1
                            weightSum += weight
                            for j in 0..<d { out[target + j] += weight * h[row * d + j] }
                        }
                        let divisor = self == .meanSqrtLength ? weightSum.squareRoot() : Swift.max(weightSum, 1e-9)
                        for j in 0..<d { out[target + j] /= divisor }
                    }
                }
            }
            return Tensor(shape: [batch.count, d], data: out)
        }
    }

    /// The modes, concatenated in this order (at least one).
    public var modes: [Mode]
    /// Divide each vector by its L2 norm (sentence-transformers' `Normalize`).
    public var normalize: Bool

    public init(_ modes: [Mode], normalize: Bool = false) {
        precondition(!modes.isEmpty, "SentencePooling: no mode")
        (self.modes, self.normalize) = (modes, normalize)
    }

    /// Mean pooling, no normalisation: the usual default without sentence-transformers files.
    public static let mean = SentencePooling([.mean])

    /// The width of the pooled vector for hidden size `d`.
    public func dimension(hidden d: Int) -> Int { modes.count * d }

    /// Reads a sentence-transformers `Pooling` module's `config.json`: `pooling_mode` (a name
    /// or a list) or the legacy `pooling_mode_*_token(s)` flags (in sentence-transformers'
    /// order cls, max, mean, mean_sqrt_len, weightedmean, lasttoken; none set means mean).
    static func modes(fromPoolingConfig path: String) throws(TextEncoderError) -> [Mode] {
        let json = try ConfigFile.read(path, what: "the sentence-transformers pooling configuration")
        if let value = json["pooling_mode"] {
            let names: [JSONValue]
            if case let .array(values) = value { names = values } else { names = [value] }
            var modes: [Mode] = []
            for name in names {
                guard case let .string(string) = name, let mode = Mode(rawValue: string), mode != .pooler else {
                    throw .unsupported(path: path, setting: "pooling_mode", value: name.brief)
                }
                modes.append(mode)
            }
            guard !modes.isEmpty else { throw .malformedFile(path: path, reason: "'pooling_mode' is empty") }
            return modes
        }
        let legacy: [(String, Mode)] = [
            ("pooling_mode_cls_token", .cls), ("pooling_mode_max_tokens", .max), ("pooling_mode_mean_tokens", .mean),
            ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLength),
            ("pooling_mode_weightedmean_tokens", .weightedMean), ("pooling_mode_lasttoken", .lastToken),
        ]
        var modes: [Mode] = []
        for (key, mode) in legacy where try json.bool(key) == true { modes.append(mode) }
        return modes.isEmpty ? [.mean] : modes
    }

    /// L2 normalisation of each row of `x` `[B, W]`, as `torch.nn.functional.normalize`:
    /// x / max(‖x‖, 1e-12).
    static func l2Normalized(_ x: Tensor) -> Tensor {
        var y = x
        let width = x.shape[1]
        for b in 0..<x.shape[0] {
            let row = b * width..<(b + 1) * width
            var sum: Float = 0
            for i in row { sum += y.data[i] * y.data[i] }
            let norm = Swift.max(sum.squareRoot(), 1e-12)
            for i in row { y.data[i] /= norm }
        }
        return y
    }
}
