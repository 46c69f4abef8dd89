/// How `--hidden auto` and `--linear-skip auto` choose among candidate heads trained on the same
/// items, and how clear the choice was: the lowest validation loss is kept (ties keep the first
/// tried), and each candidate's distance from it is given with the standard error of the per-item
/// differences between the two heads' losses on the same validation items (what both find easy
/// or hard cancels out).
///
/// A rule that keeps the first candidate unless another is lower by more than one standard error
/// was measured and not kept (docs/head.md, "How `auto` chooses"): it changed 2 of 11 choices,
/// one for the better and one for the worse.
public enum ValidationChoice {
    /// One candidate against the lowest.
    public struct Comparison: Sendable, Equatable {
        /// Mean loss over the labelled validation items.
        public var loss: Double
        /// Standard error of the mean per-item difference from the candidate with the lowest loss
        /// (0 for that candidate).
        public var standardError: Double
    }

    /// `losses[c]`: candidate c's loss on each labelled validation item, the same items in the
    /// same order for every candidate. Returns the index of the lowest mean loss (ties: the
    /// first) and each candidate's comparison with it.
    public static func choose(_ losses: [[Float]]) -> (index: Int, comparisons: [Comparison]) {
        precondition(!losses.isEmpty && losses.allSatisfy { $0.count == losses[0].count },
                     "ValidationChoice: candidates scored on different items")
        let n = losses[0].count
        let means = losses.map { l in l.reduce(0.0) { $0 + Double($1) } / Double(max(n, 1)) }
        let lowest = means.indices.min { means[$0] < means[$1] }!
        let comparisons = zip(losses, means).map { l, mean in
            Comparison(loss: mean, standardError: standardError(of: l, minus: losses[lowest]))
        }
        return (lowest, comparisons)
    }

    /// Standard error of the mean of a[i] − b[i] (0 with fewer than two items).
    static func standardError(of a: [Float], minus b: [Float]) -> Double {
        let n = a.count
        guard n >= 2 else { return 0 }
        let d = zip(a, b).map { Double($0) - Double($1) }
        let mean = d.reduce(0, +) / Double(n)
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        return (variance / Double(n)).squareRoot()
    }
}
