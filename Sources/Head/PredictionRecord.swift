/// The prediction record of one item (the README's "The record"):
/// `{"id", "input", "level1": {"id", "name", "name_en", "score"}, "level2": {…} | null,
///   "top": [{"level1", "level2", "score"}], "modalities": {"visual": weight, …},
///   "missing": [{"modality", "reason"}]}`.
/// `score` of level 1 and level 2 are their marginal probabilities; each `top` entry's score is
/// its joint score (``HierarchicalDecoder``). `modalities` maps each modality the head used to
/// its attention weight (null for fusions without attention); `missing` lists the others, each
/// with why it is absent ("absent" when no reason is known).
public struct PredictionRecord: Encodable, Sendable {
    public struct Category: Encodable, Sendable {
        public var id: String
        public var name: String
        public var nameEN: String?
        public var score: Float?

        enum CodingKeys: String, CodingKey { case id, name, nameEN = "name_en", score }
    }

    public struct Missing: Encodable, Sendable, Equatable {
        public var modality: String
        public var reason: String
    }

    public struct Pair: Encodable, Sendable {
        public var level1: Category
        public var level2: Category
        public var score: Float
    }

    public var id: String
    public var input: String?
    /// nil when withheld by the level-1 threshold (the item is unknown).
    public var level1: Category?
    public var level2: Category?
    public var top: [Pair]
    public var modalities: [String: Float?]
    public var missing: [Missing]

    enum CodingKeys: String, CodingKey { case id, input, level1, level2, top, modalities, missing }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(input, forKey: .input)
        if let level1 { try c.encode(level1, forKey: .level1) } else { try c.encodeNil(forKey: .level1) }
        if let level2 { try c.encode(level2, forKey: .level2) } else { try c.encodeNil(forKey: .level2) }
        try c.encode(top, forKey: .top)
        try c.encode(modalities, forKey: .modalities)
        try c.encode(missing, forKey: .missing)
    }

    /// - attention: the item's M attention weights, or nil; mask: its M presence flags;
    ///   reasons: modality → why it is absent (a reason for a modality that is present, such as
    ///   `cover_from_frame`, is listed in `missing` too, as a note on where it came from).
    public init(id: String, input: String?, prediction p: HierarchicalPrediction, taxonomy: Taxonomy,
                modalities names: [String], attention: ArraySlice<Float>?, mask: ArraySlice<Float>,
                reasons: [String: String] = [:]) {
        func category(_ c: Taxonomy.Category, _ score: Float?) -> Category {
            Category(id: c.id, name: c.name, nameEN: c.nameEN, score: score)
        }
        self.id = id
        self.input = input
        level1 = p.level1Withheld ? nil : category(taxonomy.level1[p.level1], p.level1Score)
        level2 = p.level2.map { category(taxonomy.level2[$0], p.level2Score) }
        top = p.top.map { Pair(level1: category(taxonomy.level1[$0.level1], nil), level2: category(taxonomy.level2[$0.level2], nil),
                               score: $0.score) }
        let weights = attention.map(Array.init)
        let present = Array(mask).map { $0 != 0 }
        var used: [String: Float?] = [:]
        for (j, name) in names.enumerated() where present[j] { used[name] = weights.map { $0[j] } }
        modalities = used
        var missing = names.indices.filter { !present[$0] }.map { Missing(modality: names[$0], reason: reasons[names[$0]] ?? "absent") }
        for (name, reason) in reasons.sorted(by: { $0.key < $1.key }) where used[name] != nil {
            missing.append(Missing(modality: name, reason: reason))
        }
        self.missing = missing
    }
}
