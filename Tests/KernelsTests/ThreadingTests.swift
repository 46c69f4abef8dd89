import Foundation
@testable import Kernels
import Testing

/// The thread policy: GEMM split into blocks by us (OpenBLAS on one thread per block), item
/// regions whose workers run everything they call serially.
@Suite struct ThreadingTests {
    init() {
        // The split paths need at least two threads, whatever the machine.
        if Threading.threads < 2 { Threading.configure(threads: 2) }
    }

    /// Row- and column-split products, every transpose combination, padded leading dimensions,
    /// alpha and beta, against a float64 reference; and the same bits on one thread as on
    /// several, since the blocks depend on the shape alone. (A split product is not compared
    /// bit for bit with one unsplit call: whether those agree depends on OpenBLAS's kernels.)
    @Test(arguments: [(300, 48, 200), (48, 300, 200), (257, 255, 129)])
    func splitProductsMatchFloat64(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var seed = UInt64(m * 1000 + n)
        func values(_ count: Int) -> [Float] {
            seed += 1
            return DirectConvolutionTests.values(count, seed: seed)
        }
        for transA in [false, true] {
            for transB in [false, true] {
                let (aRows, aColumns) = transA ? (k, m) : (m, k)
                let (bRows, bColumns) = transB ? (n, k) : (k, n)
                let (lda, ldb, ldc) = (aColumns + 3, bColumns + 5, n + 7)
                let a = values(aRows * lda)
                let b = values(bRows * ldb)
                let c0 = values(m * ldc)
                let (alpha, beta): (Float, Float) = (0.5, 2)
                func product() -> [Float] {
                    var c = c0
                    GEMM.multiply(m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
                                  c: &c, ldc: ldc, alpha: alpha, beta: beta)
                    return c
                }
                let split = product()
                let oneThread = Threading.serial(product)
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k {
                            let x = transA ? a[p * lda + i] : a[i * lda + p]
                            let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                            sum += Double(x) * Double(y)
                        }
                        let expected = Double(alpha) * sum + Double(beta) * Double(c0[i * ldc + j])
                        worst = max(worst, abs(Double(split[i * ldc + j]) - expected))
                    }
                    // Padding past n is never written.
                    for j in n..<ldc { #expect(split[i * ldc + j] == c0[i * ldc + j]) }
                }
                print("GEMM \(m)×\(n)×\(k) transA \(transA) transB \(transB): split max |Δ| vs float64 = \(worst) (tolerance 1e-4)")
                #expect(worst <= 1e-4)
                #expect(GEMM.blockCount(side: max(m, n), workPerLine: min(m, n) * k) > 1, "the product is split")
                #expect(split == oneThread, "the thread count must not change the result")
            }
        }
    }

    /// Every item once, each on a serial thread, on at most `threads` threads; a kernel region
    /// inside an item stays on its worker.
    @Test func forEachHandsOutEveryItemOnceToSerialWorkers() {
        let lock = NSLock()
        var seen: [Int] = []
        var threads = Set<UInt>()
        var nestedChunks = 0
        Threading.forEach(40) { index in
            var chunks = 0
            Threading.parallelFor(1000) { _ in chunks += 1 }
            lock.withLock {
                seen.append(index)
                threads.insert(UInt(bitPattern: Int(bitPattern: pthread_self())))
                nestedChunks = max(nestedChunks, chunks)
                #expect(Threading.isSerial)
            }
        }
        #expect(seen.sorted() == Array(0..<40))
        #expect(threads.count <= Threading.threads)
        #expect(nestedChunks == 1)
        #expect(!Threading.isSerial, "the caller is not left serial")
    }

    /// An adaptive thread's width follows its rule at every region it starts.
    @Test func adaptiveWidthIsAskedAtEachRegion() {
        let lock = NSLock()
        var wide = false
        func chunks() -> Int {
            var count = 0
            Threading.parallelFor(1000) { _ in lock.withLock { count += 1 } }
            return count
        }
        Threading.adaptive({ lock.withLock { wide } ? 99 : 1 }) {
            #expect(chunks() == 1)
            lock.withLock { wide = true }
            #expect(chunks() == Threading.threads, "clamped to the thread count")
            #expect(Threading.serial { chunks() } == 1)
            lock.withLock { wide = false }
            #expect(Threading.width == 1)
        }
        #expect(Threading.width == Threading.threads)
    }

    @Test func parallelForCoversTheRangeInSerialChunks() {
        let lock = NSLock()
        var covered = [Int](repeating: 0, count: 1000)
        Threading.parallelFor(1000, minChunk: 10) { range in
            lock.withLock {
                for i in range { covered[i] += 1 }
                #expect(Threading.isSerial || range == 0..<1000)
            }
        }
        #expect(covered.allSatisfy { $0 == 1 })
    }
}
