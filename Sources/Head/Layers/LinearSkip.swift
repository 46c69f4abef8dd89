import Kernels

/// The linear skip: a linear map of each modality's standardised mean frame or vector added to
/// the classifier's logits, its weights starting at zero — the "wide" part beside a deep
/// network (Cheng et al. 2016, Wide & Deep). Where the evidence adds up linearly over many
/// features the linear baseline beat the network; the skip lets the head learn that part the
/// way the baseline does. The network sees the items after modal dropout, the skip every
/// modality an item has (``HeadBatch``), so dropout regularises the network alone.
///
///   X (B, S): per item, the standardised pooled vectors of the modalities it has, zero where
///             absent, S = Σ D over the modalities but the text channel's (``HeadConfig/skipWidth``)
///   logits1 (B, C1) += X·W1ᵀ  (HMC)      logits2 (B, C2) += X·W2ᵀ
enum LinearSkip {
    /// Parameter names (``ParameterLayout``): W1 (C1, S), W2 (C2, S).
    static let level1 = "skip.level1.weight"
    static let level2 = "skip.level2.weight"

    /// logits (B, C) += input (B, S) · weight (C, S)ᵀ
    static func forward(logits: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        batch: Int, width: Int, classes: Int) {
        guard batch > 0 else { return }
        GEMM.multiply(m: batch, n: classes, k: width, a: input, lda: width, b: weight, ldb: width, transB: true,
                      c: logits, ldc: classes, beta: 1)
    }

    /// dweight (C, S) += dlogits (B, C)ᵀ · input (B, S). The input is fixed features: no gradient.
    static func backward(dweight: UnsafeMutablePointer<Float>, dlogits: UnsafePointer<Float>, input: UnsafePointer<Float>,
                         batch: Int, width: Int, classes: Int) {
        guard batch > 0 else { return }
        GEMM.multiply(m: classes, n: width, k: batch, a: dlogits, lda: classes, transA: true, b: input, ldb: width,
                      c: dweight, ldc: width, beta: 1)
    }

    /// row (D) = (pooled − mean) ⊙ scale, the standardisation of ``ModalitySpec`` (none: a copy).
    static func standardise(_ row: UnsafeMutablePointer<Float>, _ pooled: UnsafePointer<Float>,
                            _ s: ModalitySpec.Standardisation?, dim d: Int) {
        guard let s else { row.update(from: pooled, count: d); return }
        for i in 0..<d { row[i] = (pooled[i] - s.mean[i]) * s.scale[i] }
    }
}
