/// A fully connected layer in PyTorch's layout, y = x·Wᵀ + b, whose weight `[out, in]` can be
/// read in place from a mapped weight file and be resident only while it is used: the output
/// features are computed `blockRows` at a time, and each block's rows of W are given back
/// (``BorrowedFloats/release``) once multiplied. The weight then lives in the kernel's page
/// cache (shared by every process that maps the file, and reclaimable) rather than in this
/// process's memory, and each call faults it back in block by block.
///
/// For a large layer that runs seldom: VGGish's fc1_1 (12288 → 4096, 192 MiB), once per video,
/// holds 12 MiB of it at a time. With owned weights (seeded, or from a checkpoint that is not
/// float32 safetensors) it multiplies the same blocks, so the result has the same bits.
public struct StreamedLinear: Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    /// Output features per GEMM (and per release).
    public let blockRows: Int
    private let weight: Weight
    /// `[out]`, or nil.
    private let bias: [Float]?

    private enum Weight: Sendable {
        case owned([Float])
        case borrowed(BorrowedFloats)
    }

    public init(weight: [Float], bias: [Float]?, inFeatures: Int, outFeatures: Int, blockRows: Int = 256) {
        precondition(weight.count == inFeatures * outFeatures,
                     "StreamedLinear: weight has \(weight.count) values, expected \(outFeatures)×\(inFeatures)")
        self.init(.owned(weight), bias: bias, inFeatures: inFeatures, outFeatures: outFeatures, blockRows: blockRows)
    }

    public init(borrowing weight: BorrowedFloats, bias: [Float]?, inFeatures: Int, outFeatures: Int,
                blockRows: Int = 256) {
        precondition(weight.count == inFeatures * outFeatures,
                     "StreamedLinear: weight has \(weight.count) values, expected \(outFeatures)×\(inFeatures)")
        self.init(.borrowed(weight), bias: bias, inFeatures: inFeatures, outFeatures: outFeatures, blockRows: blockRows)
    }

    private init(_ weight: Weight, bias: [Float]?, inFeatures: Int, outFeatures: Int, blockRows: Int) {
        precondition(bias == nil || bias!.count == outFeatures, "StreamedLinear: bias must have \(outFeatures) values")
        precondition(blockRows > 0, "StreamedLinear: blockRows must be positive")
        (self.weight, self.bias, self.inFeatures, self.outFeatures, self.blockRows) =
            (weight, bias, inFeatures, outFeatures, blockRows)
    }

    /// `x`: `[..., in]` → `[..., out]`, with `activation` fused.
    public func callAsFunction(_ x: Tensor, activation: Activation = .identity) -> Tensor {
        precondition(x.shape.last == inFeatures, "StreamedLinear: expected last axis \(inFeatures), got shape \(x.shape)")
        let rows = x.count / max(inFeatures, 1)
        var out = [Float](repeating: 0, count: rows * outFeatures)
        withWeight { w, release in
            x.data.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { y in
                    for first in stride(from: 0, to: outFeatures, by: blockRows) {
                        let n = min(blockRows, outFeatures - first)
                        // y[:, first..<first+n] = x · W[first..<first+n, :]ᵀ
                        GEMM.multiply(m: rows, n: n, k: inFeatures, a: input.baseAddress!, lda: inFeatures,
                                      b: w + first * inFeatures, ldb: inFeatures, transB: true,
                                      c: y.baseAddress! + first, ldc: outFeatures)
                        release?(first * inFeatures..<(first + n) * inFeatures)
                    }
                    (bias ?? []).withUnsafeBufferPointer { b in
                        addBiasAndActivate(y.baseAddress!, rows: rows, columns: outFeatures,
                                           bias: bias == nil ? nil : b.baseAddress, activation: activation)
                    }
                }
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [outFeatures], data: out)
    }

    /// W `[out, in]` and its page release (nil for owned weights), valid during `body`.
    private func withWeight(_ body: (UnsafePointer<Float>, ((Range<Int>) -> Void)?) -> Void) {
        switch weight {
        case .owned(let w): w.withUnsafeBufferPointer { body($0.baseAddress!, nil) }
        case .borrowed(let w): withExtendedLifetime(w.owner) { body(w.base, w.release) }
        }
    }
}
