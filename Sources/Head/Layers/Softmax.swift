import Foundation

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
