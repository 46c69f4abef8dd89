/// A lookup table: row `i` of `[vocabulary, width]` for each id.
public struct Embedding: Sendable {
    public let vocabulary: Int
    public let width: Int
    /// `[vocabulary, width]`.
    public let table: [Float]

    public init(table: [Float], vocabulary: Int, width: Int) {
        precondition(table.count == vocabulary * width,
                     "Embedding: table has \(table.count) values, expected \(vocabulary)×\(width)")
        (self.table, self.vocabulary, self.width) = (table, vocabulary, width)
    }

    /// `ids`: `[n]` → `[n, width]`. Ids must lie in `0..<vocabulary` (loaders check that the
    /// tokenizer's vocabulary fits the table).
    public func callAsFunction(_ ids: [Int]) -> Tensor {
        var out = [Float](repeating: 0, count: ids.count * width)
        table.withUnsafeBufferPointer { table in
            out.withUnsafeMutableBufferPointer { out in
                for (row, id) in ids.enumerated() {
                    precondition(id >= 0 && id < vocabulary, "Embedding: id \(id) outside 0..<\(vocabulary)")
                    (out.baseAddress! + row * width).update(from: table.baseAddress! + id * width, count: width)
                }
            }
        }
        return Tensor(shape: [ids.count, width], data: out)
    }
}
