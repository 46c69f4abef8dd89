import Kernels

/// A fully connected layer on raw pointers, llm.c's `matmul_forward`/`matmul_backward`:
/// out = inp·Wᵀ + b with PyTorch's `[out, in]` weight layout. Row strides (`ld…`) let a layer
/// read or write a column block of a wider matrix (one modality's block of the fused vector).
/// Backward accumulates (+=) into the gradient buffers, which the caller zeroes once per step.
enum Dense {
    /// out (rows, outF) = inp (rows, inF) · weight (outF, inF)ᵀ + bias (outF)
    static func forward(
        out: UnsafeMutablePointer<Float>, ldOut: Int,
        inp: UnsafePointer<Float>, ldInp: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        rows: Int, inFeatures: Int, outFeatures: Int
    ) {
        guard rows > 0 else { return }
        GEMM.multiply(m: rows, n: outFeatures, k: inFeatures, a: inp, lda: ldInp,
                      b: weight, ldb: inFeatures, transB: true, c: out, ldc: ldOut)
        if let bias {
            for r in 0..<rows {
                let row = out + r * ldOut
                for o in 0..<outFeatures { row[o] += bias[o] }
            }
        }
    }

    /// dinp (rows, inF) += dout·W;  dweight (outF, inF) += doutᵀ·inp;  dbias (outF) += Σ_rows dout.
    /// `dinp` nil skips the input gradient (the layer reads fixed features).
    static func backward(
        dinp: UnsafeMutablePointer<Float>?, ldDinp: Int,
        dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, ldDout: Int,
        inp: UnsafePointer<Float>, ldInp: Int,
        weight: UnsafePointer<Float>,
        rows: Int, inFeatures: Int, outFeatures: Int
    ) {
        guard rows > 0 else { return }
        if let dinp {
            GEMM.multiply(m: rows, n: inFeatures, k: outFeatures, a: dout, lda: ldDout,
                          b: weight, ldb: inFeatures, c: dinp, ldc: ldDinp, beta: 1)
        }
        GEMM.multiply(m: outFeatures, n: inFeatures, k: rows, a: dout, lda: ldDout, transA: true,
                      b: inp, ldb: ldInp, c: dweight, ldc: inFeatures, beta: 1)
        if let dbias { columnSums(into: dbias, dout, ldDout, rows: rows, columns: outFeatures) }
    }

    /// sums (columns) += Σ_r x[r, ·], rows in order (deterministic).
    static func columnSums(
        into sums: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ ld: Int, rows: Int, columns: Int
    ) {
        for r in 0..<rows {
            let row = x + r * ld
            for j in 0..<columns { sums[j] += row[j] }
        }
    }
}
