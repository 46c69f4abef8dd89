/// Heads trained on the same items whose probabilities are averaged with fixed weights: what
/// `vidtag train --hidden auto --linear-skip auto` keeps by default (``CandidateKeeping``), and
/// what `eval`, `classify` and the bundles run. A single head is a mixture of one.
///
/// For a batch of B items and K members with weights w (Σ w = 1):
///   p1 = Σ_k w_k·p1_k (B, C1),  p2 = Σ_k w_k·p2_k (B, C2)  → the usual tree decoding
///   attention = Σ_k w_k·attention_k (B, M), over the members with attention fusion
///   embedding = the first member's fused vector (B, F): the members' vectors live in spaces of
///               their own, so they are not averaged
/// Members differ only in the classifier's hidden width and the linear skip (whose config keeps
/// the standardisation of its inputs); they share the modalities, the taxonomy and the fusion.
/// Members are ordered by weight, heaviest first.
public struct HeadMixture: @unchecked Sendable {
    public let members: [HeadModel]
    public let weights: [Double]

    /// `weights` ≥ 0, one per member, summing to 1 (to 1e-6).
    public init(members: [HeadModel], weights: [Double]) {
        precondition(!members.isEmpty && members.count == weights.count, "HeadMixture: one weight per member")
        precondition(weights.allSatisfy { $0 >= 0 } && abs(weights.reduce(0, +) - 1) < 1e-6, "HeadMixture: weights must sum to 1")
        precondition(members.allSatisfy { $0.config.sameClassesAndInputs(as: members[0].config) },
                     "HeadMixture: members must share modalities, classes and fusion")
        // Heaviest first; ties keep the given order, so the same training writes the same files.
        let order = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        self.members = order.map { members[$0] }
        self.weights = order.map { weights[$0] }
    }

    /// One head.
    public init(_ model: HeadModel) {
        members = [model]
        weights = [1]
    }

    /// The heaviest member's config: the modalities, classes and fusion every member shares.
    public var config: HeadConfig { members[0].config }

    public var parameterCount: Int { members.reduce(0) { $0 + $1.parameterCount } }
}

extension HeadConfig {
    /// Whether two heads read the same inputs and predict the same classes the same way, so
    /// that their probabilities can be averaged: equal but for the classifier's hidden widths
    /// and the linear skip (with the standardisation of its inputs).
    public func sameClassesAndInputs(as other: HeadConfig) -> Bool {
        func common(_ c: HeadConfig) -> HeadConfig {
            var c = c
            (c.hidden1, c.hidden2, c.linearSkip) = (0, 0, false)
            for j in c.modalities.indices { c.modalities[j].standardisation = nil }
            return c
        }
        return common(self) == common(other)
    }
}
