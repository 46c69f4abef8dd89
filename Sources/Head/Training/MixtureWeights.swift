import Foundation

/// The weights of a ``HeadMixture``: the convex combination of candidate heads whose mixed
/// probabilities give the validation items' true classes the highest likelihood,
/// max_w Σ_i log Σ_c w_c·q_ci over w ≥ 0, Σ w = 1.
///
/// Fitted by expectation–maximisation (each step: w_c ← mean_i of candidate c's share of item
/// i's mixed likelihood), which never lowers the likelihood and converges to the maximum, the
/// problem being concave in w. One weight per candidate, fitted on a few hundred items: a choice
/// among candidates with its noise spread over the candidates instead of staking everything on
/// the lowest loss (docs/head.md, "A mixture of the candidates").
public enum MixtureWeights {
    /// `likelihoods[c][i]`: candidate c's probability of validation item i's true classes
    /// (p1(level 1)·p2(level 2)), the same items in the same order for every candidate. Returns
    /// one weight per candidate, summing to 1; uniform without items. Weights under `floor` are
    /// set to 0 and the rest renormalised, so that a candidate the items do not want is not kept.
    public static func fit(_ likelihoods: [[Double]], iterations: Int = 1000, tolerance: Double = 1e-10,
                           floor: Double = 1e-3) -> [Double] {
        precondition(!likelihoods.isEmpty && likelihoods.allSatisfy { $0.count == likelihoods[0].count },
                     "MixtureWeights: candidates scored on different items")
        let k = likelihoods.count, n = likelihoods[0].count
        var w = [Double](repeating: 1 / Double(k), count: k)
        guard n > 0, k > 1 else { return w }
        // (items) guard against an item every candidate gives probability 0.
        let q = likelihoods.map { $0.map { max($0, .leastNormalMagnitude) } }
        for _ in 0..<iterations {
            var next = [Double](repeating: 0, count: k)
            for i in 0..<n {
                var mixed = 0.0
                for c in 0..<k { mixed += w[c] * q[c][i] }
                for c in 0..<k { next[c] += w[c] * q[c][i] / mixed }
            }
            next = next.map { $0 / Double(n) }
            let change = zip(next, w).map { abs($0 - $1) }.max()!
            w = next
            if change < tolerance { break }
        }
        let kept = w.map { $0 < floor ? 0 : $0 }
        let total = kept.reduce(0, +)
        return kept.map { $0 / total }
    }

    /// Mean log-likelihood of the items under the weights (what ``fit`` maximises).
    public static func logLikelihood(_ likelihoods: [[Double]], weights: [Double]) -> Double {
        let n = likelihoods[0].count
        guard n > 0 else { return 0 }
        var sum = 0.0
        for i in 0..<n {
            var mixed = 0.0
            for c in likelihoods.indices { mixed += weights[c] * likelihoods[c][i] }
            sum += log(max(mixed, Double.leastNormalMagnitude))
        }
        return sum / Double(n)
    }
}
