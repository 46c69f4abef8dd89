/// A lookup table: row `i` of `[vocabulary, width]` for each id.
///
/// The rows are either an array of its own or borrowed from a mapped weight file
/// (``BorrowedFloats``): a vocabulary of 30,000 rows of which a run reads a few thousand then
/// keeps only those pages resident, instead of the whole table (47 MB for MiniLM).
public struct Embedding: @unchecked Sendable {
    public let vocabulary: Int
    public let width: Int
    /// `[vocabulary, width]`; immutable, kept alive by `storage`.
    private let rows: UnsafePointer<Float>
    private let storage: AnyObject

    public init(table: [Float], vocabulary: Int, width: Int) {
        precondition(table.count == vocabulary * width,
                     "Embedding: table has \(table.count) values, expected \(vocabulary)×\(width)")
        let owned = OwnedFloats(table)
        (rows, storage, self.vocabulary, self.width) = (owned.base, owned, vocabulary, width)
    }

    public init(borrowing table: BorrowedFloats, vocabulary: Int, width: Int) {
        precondition(table.count == vocabulary * width,
                     "Embedding: table has \(table.count) values, expected \(vocabulary)×\(width)")
        (rows, storage, self.vocabulary, self.width) = (table.base, table.owner, vocabulary, width)
    }

    /// `ids`: `[n]` → `[n, width]`. Ids must lie in `0..<vocabulary` (loaders check that the
    /// tokenizer's vocabulary fits the table).
    public func callAsFunction(_ ids: [Int]) -> Tensor {
        var out = [Float](repeating: 0, count: ids.count * width)
        out.withUnsafeMutableBufferPointer { out in
            for (row, id) in ids.enumerated() {
                precondition(id >= 0 && id < vocabulary, "Embedding: id \(id) outside 0..<\(vocabulary)")
                (out.baseAddress! + row * width).update(from: rows + id * width, count: width)
            }
        }
        return withExtendedLifetime(storage) { Tensor(shape: [ids.count, width], data: out) }
    }

    /// Row `id` (`[width]`), valid during `body`.
    public func withRow<R>(_ id: Int, _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        precondition(id >= 0 && id < vocabulary, "Embedding: id \(id) outside 0..<\(vocabulary)")
        return try withExtendedLifetime(storage) { try body(rows + id * width) }
    }
}

/// Floats read in place from memory someone else owns, such as a mapped weight file: `owner`
/// keeps `base` valid, and nothing writes to it.
public struct BorrowedFloats: @unchecked Sendable {
    public let owner: AnyObject
    public let base: UnsafePointer<Float>
    public let count: Int

    public init(owner: AnyObject, base: UnsafePointer<Float>, count: Int) {
        (self.owner, self.base, self.count) = (owner, base, count)
    }
}

/// An array's floats at a stable address for the table's lifetime.
private final class OwnedFloats {
    let base: UnsafePointer<Float>
    private let buffer: UnsafeMutableBufferPointer<Float>

    init(_ values: [Float]) {
        buffer = .allocate(capacity: max(1, values.count))
        _ = buffer.initialize(from: values)
        base = UnsafePointer(buffer.baseAddress!)
    }

    deinit { buffer.deallocate() }
}
