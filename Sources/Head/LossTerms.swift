/// Mean loss terms over the labelled items of a batch.
public struct LossTerms: Sendable, Equatable {
    public var level1: Double
    public var level2: Double
    public var hierarchy: Double
    public var total: Double
    public var count: Int

    public init(level1: Double, level2: Double, hierarchy: Double, total: Double, count: Int) {
        (self.level1, self.level2, self.hierarchy, self.total, self.count) = (level1, level2, hierarchy, total, count)
    }
}
