/// A lookup table: row `i` of `[vocabulary, width]` for each id.
///
/// The rows are either an array of its own or borrowed from a mapped weight file
/// (``BorrowedFloats``): a vocabulary of 30,000 rows of which a run reads a few thousand then
/// keeps only those pages resident, instead of the whole table (47 MB for MiniLM).
public struct Embedding: Sendable {
    public let vocabulary: Int
    public let width: Int
    /// `[vocabulary, width]`.
    private let rows: Rows

    private enum Rows: Sendable {
        case owned([Float])
        case borrowed(BorrowedFloats)
    }

    public init(table: [Float], vocabulary: Int, width: Int) {
        precondition(table.count == vocabulary * width,
                     "Embedding: table has \(table.count) values, expected \(vocabulary)×\(width)")
        (rows, self.vocabulary, self.width) = (.owned(table), vocabulary, width)
    }

    public init(borrowing table: BorrowedFloats, vocabulary: Int, width: Int) {
        precondition(table.count == vocabulary * width,
                     "Embedding: table has \(table.count) values, expected \(vocabulary)×\(width)")
        (rows, self.vocabulary, self.width) = (.borrowed(table), vocabulary, width)
    }

    /// `ids`: `[n]` → `[n, width]`. Ids must lie in `0..<vocabulary` (loaders check that the
    /// tokenizer's vocabulary fits the table).
    public func callAsFunction(_ ids: [Int]) -> Tensor {
        var out = [Float](repeating: 0, count: ids.count * width)
        withTable { table in
            out.withUnsafeMutableBufferPointer { out in
                for (row, id) in ids.enumerated() {
                    precondition(id >= 0 && id < vocabulary, "Embedding: id \(id) outside 0..<\(vocabulary)")
                    (out.baseAddress! + row * width).update(from: table + id * width, count: width)
                }
            }
        }
        return Tensor(shape: [ids.count, width], data: out)
    }

    /// Row `id` (`[width]`), valid during `body`.
    public func withRow<R>(_ id: Int, _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        precondition(id >= 0 && id < vocabulary, "Embedding: id \(id) outside 0..<\(vocabulary)")
        return try withTable { try body($0 + id * width) }
    }

    /// The `[vocabulary, width]` table, valid during `body`.
    private func withTable<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        switch rows {
        case .owned(let table): return try table.withUnsafeBufferPointer { try body($0.baseAddress!) }
        case .borrowed(let table): return try withExtendedLifetime(table.owner) { try body(table.base) }
        }
    }
}

/// Floats read in place from memory someone else owns, such as a mapped weight file: `owner`
/// keeps `base` valid, and nothing writes to it.
public struct BorrowedFloats: @unchecked Sendable {
    public let owner: AnyObject
    public let base: UnsafePointer<Float>
    public let count: Int
    /// Drops the pages under `range` (element indices) from this process's resident memory,
    /// the memory staying readable (a mapped file's pages fault back in from the page cache);
    /// nil when the owner cannot.
    public let release: (@Sendable (_ range: Range<Int>) -> Void)?

    public init(owner: AnyObject, base: UnsafePointer<Float>, count: Int,
                release: (@Sendable (_ range: Range<Int>) -> Void)? = nil) {
        (self.owner, self.base, self.count, self.release) = (owner, base, count, release)
    }
}
