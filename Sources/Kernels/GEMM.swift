import COpenBLAS
import Synchronization

/// Single-precision matrix multiplication, row-major: the only caller of `cblas_sgemm`.
/// Large products are split into blocks here, not by OpenBLAS, and the blocks spread over
/// `Threading.width` threads (see Threading); the blocks depend on the shape alone.
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
        issued.add(m * n * k, ordering: .relaxed)
        // Blocks along the longer side of C (each block packs the whole other operand, so the
        // longer side keeps that repeated packing small), as many as the shape alone decides:
        // OpenBLAS's rounding depends on the shapes it is called with, so blocks chosen by the
        // thread count would give other bits on another thread count. The blocks go to the
        // threads one at a time; OpenBLAS runs each on the thread that calls it (see Threading).
        let splitRows = m >= n
        let side = splitRows ? m : n
        let blocks = blockCount(side: side, workPerLine: (splitRows ? n : m) * max(k, 1))
        Threading.forEach(blocks) { block in
            let start = block * side / blocks
            let count = (block + 1) * side / blocks - start
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

    /// The multiply-adds issued to OpenBLAS since the process started (m·n·k summed over every
    /// product): the arithmetic actually done, after Winograd, which the benchmarks set against
    /// the SGEMM peak. Counted with one relaxed atomic add per product.
    public static var multiplyAdds: Int { issued.load(ordering: .relaxed) }
    private static let issued = Atomic<Int>(0)

    /// How many blocks a product whose longer side of C is `side`, each line of it costing
    /// `workPerLine` multiply-adds, is cut into: the most of `maximumBlocks`, half of it, …, 1 whose blocks
    /// keep at least `minimumBlockSide` lines and `minimumSplitWork` multiply-adds. A function
    /// of the shape alone, never of the threads: the same call gives the same bits on any
    /// number of threads.
    static func blockCount(side: Int, workPerLine: Int) -> Int {
        var blocks = maximumBlocks
        while blocks > 1 && (side / blocks < minimumBlockSide || side / blocks * workPerLine < minimumSplitWork) {
            blocks /= 2
        }
        return blocks
    }

    /// The most blocks a product is cut into: a constant, so that a product has the same blocks
    /// on every machine of a kind, whatever its cores. Each block repacks the other operand:
    /// Inception-ResNet-v2 one image per worker on 2 threads ran 10.28–10.36 images/s with 2
    /// blocks, 10.10–10.15 with 4, 10.18–10.33 with blocks chosen by thread count (the former
    /// policy), and one image on 2 threads 6.57–6.73, 6.53–6.57 and 6.63–6.68 (`vidtag-bench irv2`,
    /// best of 3, 3 rounds, AMD EPYC Zen 5, OpenBLAS 0.3.21 Haswell kernels). Parallelism beyond
    /// two threads comes from items (images, texts, audio groups), not from splitting one product.
    static let maximumBlocks = 2

    /// A product is split only into blocks of at least this many multiply-adds (about 1 ms of
    /// one core would be 50 M; below ~1 M the hand-off costs more than it saves).
    static let minimumSplitWork = 1 << 20

    /// Nor is a block narrower than this many rows or columns (a few of OpenBLAS's micro-tiles).
    static let minimumBlockSide = 32

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
