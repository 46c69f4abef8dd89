#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One item's prediction that never contradicts the tree.
public struct HierarchicalPrediction: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public var level1: Int
        public var level2: Int
        /// The pair's joint score (see ``HierarchicalDecoder``).
        public var score: Float
    }

    /// The chosen level-1 class and its marginal probability p1.
    public var level1: Int
    public var level1Score: Float
    /// The chosen level-2 class (a child of `level1`) and its marginal p2; nil when p2 fell
    /// below the threshold.
    public var level2: Int?
    public var level2Score: Float
    /// The best pairs, best first.
    public var top: [Pair]
    /// The raw argmaxes of p1 and p2, and whether they agree with the tree.
    public var rawLevel1: Int
    public var rawLevel2: Int
    public var rawConsistent: Bool
    /// p1 of the chosen level-1 class fell below the level-1 threshold: the item is "unknown"
    /// (level 1 and level 2 withheld; `level1` still names the best guess, for the scores).
    public var level1Withheld = false
}

/// Decoding (level 1, level 2) from the two channels' distributions so that the pair is always
/// valid: among the pairs (i, j) with j a child of i, pick the highest joint score
///   HMC:  log p1(i) + log p2(j)   (both channels vote; the product of their marginals)
///   flat: log p2(j)               (p2(j) already is P(i, j) when p1 is derived from p2)
/// and report the marginals p1(i) and p2(j). With a threshold t, a level-2 class whose p2(j)
/// is below t is withheld (level 2 null), and level 1 becomes the argmax of p1 alone. With a
/// level-1 threshold t1, an item whose level-1 p1 then falls below t1 is withheld at both levels.
public enum HierarchicalDecoder {
    public static func decode(
        p1: UnsafePointer<Float>, p2: UnsafePointer<Float>, parents: [Int], childRanges: [Range<Int>],
        flat: Bool, threshold: Float? = nil, level1Threshold: Float? = nil, top k: Int = 5
    ) -> HierarchicalPrediction {
        let c1 = childRanges.count, c2 = parents.count
        var pairs: [HierarchicalPrediction.Pair] = []
        pairs.reserveCapacity(c2)
        for j in 0..<c2 {
            let i = parents[j]
            let score = flat ? p2[j] : p1[i] * p2[j]
            pairs.append(.init(level1: i, level2: j, score: score))
        }
        // best first; ties to the lower index (stable, deterministic)
        let ranked = pairs.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.map(\.element)
        let best = ranked[0]
        var raw1 = 0, raw2 = 0
        for i in 1..<c1 where p1[i] > p1[raw1] { raw1 = i }
        for j in 1..<c2 where p2[j] > p2[raw2] { raw2 = j }
        var prediction = HierarchicalPrediction(
            level1: best.level1, level1Score: p1[best.level1], level2: best.level2, level2Score: p2[best.level2],
            top: Array(ranked.prefix(max(k, 1))), rawLevel1: raw1, rawLevel2: raw2,
            rawConsistent: parents[raw2] == raw1)
        if let threshold, p2[best.level2] < threshold {
            prediction.level2 = nil
            prediction.level1 = raw1
            prediction.level1Score = p1[raw1]
        }
        if let level1Threshold, prediction.level1Score < level1Threshold {
            prediction.level1Withheld = true
            prediction.level2 = nil
        }
        return prediction
    }
}
