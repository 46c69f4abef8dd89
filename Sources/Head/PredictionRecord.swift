/// The prediction record of design.md §3 for one item:
/// `{"id", "input", "level1": {"id", "name", "score"}, "level2": {"id", "name", "score"} | null,
///   "top": [{"level1", "level2", "score"}], "modalities": {"visual": weight, …}, "missing": [...]}`.
/// `score` of level 1 and level 2 are their marginal probabilities; each `top` entry's score is
/// its joint score (``HierarchicalDecoder``). `modalities` holds the attention weights (absent
/// for other fusions); `missing` the modalities the item lacks (or that were dropped).
public struct PredictionRecord: Encodable, Sendable {
    public struct Category: Encodable, Sendable {
        public var id: String
        public var name: String
        public var score: Float?
    }

    public struct Pair: Encodable, Sendable {
        public var level1: Category
        public var level2: Category
        public var score: Float
    }

    public var id: String
    public var input: String?
    public var level1: Category
    public var level2: Category?
    public var top: [Pair]
    public var modalities: [String: Float]?
    public var missing: [String]

    enum CodingKeys: String, CodingKey { case id, input, level1, level2, top, modalities, missing }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(input, forKey: .input)
        try c.encode(level1, forKey: .level1)
        if let level2 { try c.encode(level2, forKey: .level2) } else { try c.encodeNil(forKey: .level2) }
        try c.encode(top, forKey: .top)
        try c.encodeIfPresent(modalities, forKey: .modalities)
        try c.encode(missing, forKey: .missing)
    }

    /// - attention: the item's M attention weights, or nil; mask: its M presence flags.
    public init(id: String, input: String?, prediction p: HierarchicalPrediction, taxonomy: Taxonomy,
                modalities names: [String], attention: ArraySlice<Float>?, mask: ArraySlice<Float>) {
        func category(_ c: Taxonomy.Category, _ score: Float?) -> Category { Category(id: c.id, name: c.name, score: score) }
        self.id = id
        self.input = input
        level1 = category(taxonomy.level1[p.level1], p.level1Score)
        level2 = p.level2.map { category(taxonomy.level2[$0], p.level2Score) }
        top = p.top.map { Pair(level1: category(taxonomy.level1[$0.level1], nil), level2: category(taxonomy.level2[$0.level2], nil),
                               score: $0.score) }
        let weights = attention.map(Array.init)
        modalities = weights.map { w in Dictionary(uniqueKeysWithValues: zip(names, w)) }
        missing = zip(names, Array(mask)).filter { $0.1 == 0 }.map(\.0)
    }
}
