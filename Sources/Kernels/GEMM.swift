import COpenBLAS

/// Single-precision matrix multiplication, row-major: the only caller of `cblas_sgemm`.
public enum GEMM {
    /// C[m, n] = alpha · op(A)[m, k] · op(B)[k, n] + beta · C[m, n], all row-major.
    ///
    /// - `a`: `[m, k]` with leading dimension `lda` (or `[k, m]` when `transA`).
    /// - `b`: `[k, n]` with leading dimension `ldb` (or `[n, k]` when `transB`).
    /// - `c`: `[m, n]` with leading dimension `ldc`.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        precondition(lda >= (transA ? m : k) && ldb >= (transB ? k : n) && ldc >= n,
                     "GEMM: leading dimensions too small for m=\(m) n=\(n) k=\(k)")
        cblas_sgemm(
            CblasRowMajor,
            transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// C[m, n] = A[m, k] · B[k, n] for dense row-major arrays.
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "GEMM: operands do not match m=\(m) n=\(n) k=\(k)")
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    multiply(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                             c: c.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }
}
