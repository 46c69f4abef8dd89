/// A two-level category taxonomy: level-1 categories with their level-2 children. Level-2
/// classes are indexed in order, so each parent's children are contiguous. Reading and
/// writing its JSON is in Training/TaxonomyJSON.swift.
public struct Taxonomy: Sendable, Equatable {
    public struct Category: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        public var nameEN: String?

        public init(id: String, name: String, nameEN: String? = nil) {
            (self.id, self.name, self.nameEN) = (id, name, nameEN)
        }

        enum CodingKeys: String, CodingKey { case id, name, nameEN = "name_en" }
    }

    public let name: String
    public let level1: [Category]
    public let level2: [Category]
    /// The level-1 index of each level-2 class.
    public let parents: [Int]
    private let level1Index: [String: Int]
    private let level2Index: [String: Int]

    /// Builds a taxonomy from level-1 categories with their children (already validated).
    public init(name: String, categories: [(Category, [Category])]) {
        self.name = name
        level1 = categories.map(\.0)
        level2 = categories.flatMap(\.1)
        parents = categories.enumerated().flatMap { i, c in [Int](repeating: i, count: c.1.count) }
        level1Index = Dictionary(level1.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        level2Index = Dictionary(level2.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func level1Index(of id: String) -> Int? { level1Index[id] }
    public func level2Index(of id: String) -> Int? { level2Index[id] }

    /// The children range of each level-1 class.
    public var childRanges: [Range<Int>] {
        var start = 0
        return level1.indices.map { i in
            var end = start
            while end < parents.count && parents[end] == i { end += 1 }
            defer { start = end }
            return start..<end
        }
    }
}
