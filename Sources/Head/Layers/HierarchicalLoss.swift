#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The loss L = L1 + λ·L2 + β·LH, averaged over the labelled examples (each example's terms
/// times its weight w_b when weights are given: modal dropout's ``HeadBatch/lossWeights``):
///   L1 = −log p1[y1],  L2 = −log p2[y2]  (cross-entropies, from log-softmax for accuracy)
///   LH = Σ_j max(0, p2_j − p1_parent(j))²  HMCN's hierarchical-violation penalty
///        (Wehrmann et al. 2018, eq. 6), used because the article's formula is an image we do
///        not have: a level-2 class may not be more probable than its parent.
/// The flat classifier is trained on L2 alone; its p1 is derived (p1_i = Σ_{j∈children(i)} p2_j),
/// so LH is zero by construction and L1 is reported but not optimised.
enum HierarchicalLoss {
    /// Per-example terms (B, 4): L1, L2, LH, total. Examples with target −1 get zeros.
    /// - p1: (B, C1), p2: (B, C2) probabilities, written here from the logits.
    /// - logits1: (B, C1) or nil (flat); logits2: (B, C2).
    static func forward(
        terms: UnsafeMutablePointer<Float>, p1: UnsafeMutablePointer<Float>, p2: UnsafeMutablePointer<Float>,
        logits1: UnsafePointer<Float>?, logits2: UnsafePointer<Float>,
        targets1: [Int], targets2: [Int], parents: [Int], childRanges: [Range<Int>],
        lambda: Float, beta: Float, batch: Int, level1 c1: Int, level2 c2: Int
    ) {
        Softmax.forward(p2, logits2, rows: batch, n: c2)
        if let logits1 {
            Softmax.forward(p1, logits1, rows: batch, n: c1)
        } else {
            for b in 0..<batch {
                for (i, range) in childRanges.enumerated() {
                    var s: Float = 0
                    for j in range { s += p2[b * c2 + j] }
                    p1[b * c1 + i] = s
                }
            }
        }
        for b in 0..<batch {
            let t = terms + b * 4
            guard targets2[b] >= 0 else {
                t.update(repeating: 0, count: 4)
                continue
            }
            let l2 = logSoftmaxLoss(logits2 + b * c2, n: c2, target: targets2[b])
            let l1: Float
            if let logits1 {
                l1 = logSoftmaxLoss(logits1 + b * c1, n: c1, target: targets1[b])
            } else {
                l1 = -logf(max(p1[b * c1 + targets1[b]], Float.leastNormalMagnitude))
            }
            var lh: Float = 0
            if logits1 != nil {
                for j in 0..<c2 {
                    let r = max(0, p2[b * c2 + j] - p1[b * c1 + parents[j]])
                    lh += r * r
                }
            }
            t[0] = l1
            t[1] = l2
            t[2] = lh
            t[3] = logits1 == nil ? l2 : l1 + lambda * l2 + beta * lh
        }
    }

    /// −log softmax(x)[target] = logsumexp(x) − x[target]
    static func logSoftmaxLoss(_ x: UnsafePointer<Float>, n: Int, target: Int) -> Float {
        var peak = -Float.infinity
        for j in 0..<n { peak = max(peak, x[j]) }
        var sum: Float = 0
        for j in 0..<n { sum += expf(x[j] - peak) }
        return logf(sum) + peak - x[target]
    }

    /// dlogits (overwritten) of the batch-mean loss over the `labelled` examples; `weights` (B)
    /// scale each example's term (empty: all 1).
    static func backward(
        dlogits1: UnsafeMutablePointer<Float>?, dlogits2: UnsafeMutablePointer<Float>,
        p1: UnsafePointer<Float>, p2: UnsafePointer<Float>,
        targets1: [Int], targets2: [Int], weights: [Float] = [], parents: [Int], childRanges: [Range<Int>],
        lambda: Float, beta: Float, batch: Int, level1 c1: Int, level2 c2: Int
    ) {
        let labelled = targets2.prefix(batch).filter { $0 >= 0 }.count
        let scale: Float = labelled > 0 ? 1 / Float(labelled) : 0
        var gp1 = [Float](repeating: 0, count: c1), gp2 = [Float](repeating: 0, count: c2)
        for b in 0..<batch {
            let d2 = dlogits2 + b * c2, q2 = p2 + b * c2
            guard targets2[b] >= 0 else {
                d2.update(repeating: 0, count: c2)
                dlogits1.map { ($0 + b * c1).update(repeating: 0, count: c1) }
                continue
            }
            guard let dlogits1 else {
                // flat: L = L2
                for j in 0..<c2 { d2[j] = scale * q2[j] }
                d2[targets2[b]] -= scale
                if !weights.isEmpty { for j in 0..<c2 { d2[j] *= weights[b] } }
                continue
            }
            let d1 = dlogits1 + b * c1, q1 = p1 + b * c1
            // ∂LH/∂p2_j = 2 r_j;  ∂LH/∂p1_i = −2 Σ_{j∈children(i)} r_j
            for i in 0..<c1 { gp1[i] = 0 }
            for j in 0..<c2 {
                let r = max(0, q2[j] - q1[parents[j]])
                gp2[j] = 2 * r
                gp1[parents[j]] -= 2 * r
            }
            var dot1: Float = 0, dot2: Float = 0
            for i in 0..<c1 { dot1 += q1[i] * gp1[i] }
            for j in 0..<c2 { dot2 += q2[j] * gp2[j] }
            for i in 0..<c1 { d1[i] = scale * (q1[i] + beta * q1[i] * (gp1[i] - dot1)) }
            d1[targets1[b]] -= scale
            for j in 0..<c2 { d2[j] = scale * (lambda * q2[j] + beta * q2[j] * (gp2[j] - dot2)) }
            d2[targets2[b]] -= scale * lambda
            if !weights.isEmpty {
                for i in 0..<c1 { d1[i] *= weights[b] }
                for j in 0..<c2 { d2[j] *= weights[b] }
            }
        }
    }
}
