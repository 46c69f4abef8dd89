/// An input as the output, the quarantine and `--resume` tell inputs apart: its id and path.
public struct RecordKey: Hashable, Sendable {
    public let id: String
    public let input: String
    public init(id: String, input: String) { (self.id, self.input) = (id, input) }
}

/// An input whose id an earlier input of the same run already has: ids key the output,
/// `--resume`, shards and quarantine, so a second record with the same id is never merged
/// into the first.
public struct DuplicateID: Error, Sendable, CustomStringConvertible {
    public static let code = "duplicate_id"
    public let id: String
    /// The input that has the id first.
    public let first: String
    public var description: String {
        "the id '\(id)' is already the id of \(first) in this run; give each record its own id"
    }
}
