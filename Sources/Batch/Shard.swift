import Weights

/// `--shard I/N`: this run takes the items whose stable id hash modulo N is I, so N runs
/// started with I = 0…N−1 split any input between them without coordinating.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Parses "I/N" with 0 ≤ I < N.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0,
              index >= 0, index < count else { return nil }
        (self.index, self.count) = (index, count)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(_ id: String) -> Bool { Int(StableHash.fnv1a64(id) % UInt64(count)) == index }
}
