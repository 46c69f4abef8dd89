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

/// ReLU on a strided block, in place, and its backward.
enum ReLU {
    /// x (rows, columns) ← max(x, 0)
    static func forward(_ x: UnsafeMutablePointer<Float>, ld: Int, rows: Int, columns: Int) {
        for r in 0..<rows {
            let row = x + r * ld
            for j in 0..<columns { row[j] = max(row[j], 0) }
        }
    }

    /// d (rows, columns) ← d where out > 0, else 0 (`out`: the ReLU's output).
    static func backward(_ d: UnsafeMutablePointer<Float>, ldD: Int, out: UnsafePointer<Float>, ldOut: Int,
                         rows: Int, columns: Int) {
        for r in 0..<rows {
            let g = d + r * ldD
            let y = out + r * ldOut
            for j in 0..<columns where y[j] <= 0 { g[j] = 0 }
        }
    }
}

/// Softmax over rows and its backward.
enum Softmax {
    /// p (rows, n) = softmax(x) row by row (x and p may alias). With `mask` (rows, n) of 0/1,
    /// masked-out entries get probability 0 and are excluded from the normaliser; a row with
    /// no entry left is all zeros.
    static func forward(_ p: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, n: Int,
                        mask: UnsafePointer<Float>? = nil) {
        for r in 0..<rows {
            let xr = x + r * n, pr = p + r * n, mr = mask.map { $0 + r * n }
            var peak = -Float.infinity
            for j in 0..<n where mr == nil || mr![j] != 0 { peak = max(peak, xr[j]) }
            if peak == -Float.infinity {
                for j in 0..<n { pr[j] = 0 }
                continue
            }
            var sum: Float = 0
            for j in 0..<n {
                let e: Float = (mr == nil || mr![j] != 0) ? expf(xr[j] - peak) : 0
                pr[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0..<n { pr[j] *= inverse }
        }
    }

    /// dx (rows, n) += p ⊙ (dp − Σ_j p_j dp_j)  (masked entries have p = 0, hence dx = 0).
    static func backward(_ dx: UnsafeMutablePointer<Float>, dp: UnsafePointer<Float>, p: UnsafePointer<Float>,
                         rows: Int, n: Int) {
        for r in 0..<rows {
            let pr = p + r * n, gr = dp + r * n, dr = dx + r * n
            var dot: Float = 0
            for j in 0..<n { dot += pr[j] * gr[j] }
            for j in 0..<n { dr[j] += pr[j] * (gr[j] - dot) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
