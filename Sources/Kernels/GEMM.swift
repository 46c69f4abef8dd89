import COpenBLAS

/// Single-precision matrix multiplication, row-major: the only caller of `cblas_sgemm`.
/// Large products are split over `Threading.width` threads here, not by OpenBLAS (see Threading).
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
        // One block per thread along the longer side of C (each block packs the whole other
        // operand, so the longer side keeps that repeated packing small); OpenBLAS runs each
        // block on the thread that calls it (see Threading).
        let splitRows = m >= n
        let side = splitRows ? m : n
        let minBlock = max(Self.minimumBlockSide, Self.minimumSplitWork / max(1, (splitRows ? n : m) * max(k, 1)))
        Threading.parallelFor(side, minChunk: minBlock) { range in
            let (start, count) = (range.lowerBound, range.count)
            let (rows, columns) = splitRows ? (count, n) : (m, count)
            let aBlock = splitRows ? a + start * (transA ? 1 : lda) : a
            let bBlock = splitRows ? b : b + start * (transB ? ldb : 1)
            let cBlock = c + (splitRows ? start * ldc : start)
            cblas_sgemm(
                CblasRowMajor,
                transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans,
                blasint(rows), blasint(columns), blasint(k),
                alpha, aBlock, blasint(lda), bBlock, blasint(ldb),
                beta, cBlock, blasint(ldc))
        }
    }

    /// A product is split only into blocks of at least this many multiply-adds (about 1 ms of
    /// one core would be 50 M; below ~1 M the hand-off costs more than it saves).
    static let minimumSplitWork = 1 << 20

    /// Nor is a block narrower than this many rows or columns (a few of OpenBLAS's micro-tiles).
    static let minimumBlockSide = 16

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
