import Foundation
import Kernels

/// Video embeddings (the fused vectors `vidtag classify --embeddings FILE` writes)
/// held L2-normalised for cosine search: nearest neighbours of one video, and near-duplicate
/// pairs over the whole set.
///
/// The file is JSON lines, one per video: `{"id": "<id>", "embedding": [f1, f2, …]}`, every
/// row the same width D. Other keys are skipped; blank lines are skipped. Loading is strict:
/// a malformed line stops it with an `EmbeddingError` naming the line, what was expected and
/// what was found. One exception: a last line with no newline that ends mid-record is what an
/// interrupted writer leaves behind, so it is skipped and reported in `skippedTornLine` (the
/// caller warns) instead of failing the whole file; a last line without a newline that is a
/// whole record is used.
///
/// Cosines are screened with float32 GEMM (`GEMM.multiply`) and the pairs that pass are
/// rescored in double precision from the normalised rows, then rounded to float32; ranking and
/// thresholds use those float32 values, ties broken by input order. So identical vectors score
/// exactly 1, and results do not depend on how OpenBLAS tiles the product.
public struct EmbeddingIndex: Sendable {
    /// The ids, in input order: `[N]`.
    public let ids: [String]
    /// D, the width of every row (0 for an empty index).
    public let width: Int
    /// The unit-length rows, row-major: `[N, D]`.
    public let rows: [Float]
    /// The line of a torn last record that loading skipped, if any.
    public let skippedTornLine: Int?

    /// The double-precision norm of each normalised row (≈ 1): `[N]`.
    private let norms: [Double]
    private let positions: [String: Int]

    public var count: Int { ids.count }

    /// An index over vectors given in memory; `vectors[r]` is row r. Errors name the row (0-based).
    public init(ids: [String], vectors: [[Float]]) throws(EmbeddingError) {
        precondition(ids.count == vectors.count, "EmbeddingIndex: \(ids.count) ids for \(vectors.count) vectors")
        var builder = Builder()
        for (row, (id, vector)) in zip(ids, vectors).enumerated() {
            try builder.add(id: id, values: vector, location: "row \(row)", line: nil)
        }
        self.init(builder, skippedTornLine: nil)
    }

    private init(_ builder: Builder, skippedTornLine: Int?) {
        ids = builder.ids
        width = builder.width ?? 0
        rows = builder.rows
        positions = builder.positions
        norms = (0..<builder.ids.count).map { row in
            var sum = 0.0
            for column in 0..<(builder.width ?? 0) {
                let value = Double(builder.rows[row * builder.width! + column])
                sum += value * value
            }
            return sum.squareRoot()
        }
        self.skippedTornLine = skippedTornLine
    }

    /// The row of `id`, or nil.
    public func row(of id: String) -> Int? { positions[id] }

    // MARK: - Loading

    /// Reads a JSON-lines embeddings file, streaming it line by line.
    public static func load(path: String) throws(EmbeddingError) -> EmbeddingIndex {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw EmbeddingError(.unreadable, path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var builder = Builder()
        var values: [Float] = []
        var pending: [UInt8] = []  // bytes of the line in progress
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var lineNumber = 0

        func take(_ line: UnsafeBufferPointer<UInt8>, terminated: Bool) throws(EmbeddingError) -> Bool {
            lineNumber += 1
            guard line.contains(where: { !isJSONSpace($0) }) else { return true }
            let location = "\(path):\(lineNumber)"
            values.removeAll(keepingCapacity: true)
            var parser = EmbeddingLineParser(bytes: line)
            let id: String
            do throws(LineProblem) {
                id = try parser.parse(into: &values)
            } catch {
                if !terminated && error.truncated { return false }  // a torn last line
                throw EmbeddingError(error.kind, location, error.message)
            }
            try builder.add(id: id, values: values, location: location, line: lineNumber)
            return true
        }

        while true {
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw EmbeddingError(.unreadable, path, "cannot read: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            try chunk.withUnsafeBufferPointer { (buffer) throws(EmbeddingError) in
                let bytes = UnsafeBufferPointer(rebasing: buffer[0..<got])
                var start = 0
                while start < got, let found = memchr(bytes.baseAddress! + start, 0x0A, got - start) {
                    let newline = UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
                    if pending.isEmpty {
                        _ = try take(UnsafeBufferPointer(rebasing: bytes[start..<newline]), terminated: true)
                    } else {
                        pending.append(contentsOf: bytes[start..<newline])
                        _ = try pending.withUnsafeBufferPointer { (line) throws(EmbeddingError) in
                            try take(line, terminated: true)
                        }
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = newline + 1
                }
                pending.append(contentsOf: bytes[start...])
            }
        }
        var torn: Int? = nil
        if !pending.isEmpty {
            let whole = try pending.withUnsafeBufferPointer { (line) throws(EmbeddingError) in
                try take(line, terminated: false)
            }
            if !whole { torn = lineNumber }
        }
        return EmbeddingIndex(builder, skippedTornLine: torn)
    }

    // MARK: - Search

    /// One neighbour: the id and its cosine with the query.
    public struct Neighbour: Sendable, Equatable, Codable {
        public let id: String
        public let cosine: Float
        public init(id: String, cosine: Float) { (self.id, self.cosine) = (id, cosine) }
    }

    /// The `k` rows nearest to `id` by cosine, best first, without `id` itself; equal cosines
    /// keep input order. Fewer when the index holds fewer than k + 1 rows.
    public func neighbours(of id: String, top k: Int) throws(EmbeddingError) -> [Neighbour] {
        guard let query = positions[id] else {
            throw EmbeddingError(.unknownID, id, "no embedding with this id (among \(count))")
        }
        return neighbours(ofRow: query, top: k)
    }

    /// `neighbours(of:top:)` by row.
    public func neighbours(ofRow query: Int, top k: Int) -> [Neighbour] {
        let n = count, d = width
        guard k > 0, n > 1 else { return [] }
        // scores[j] = rows[query] · rows[j]: (1, D) × (D, N), float32.
        var scores = [Float](repeating: 0, count: n)
        rows.withUnsafeBufferPointer { rows in
            scores.withUnsafeMutableBufferPointer { scores in
                GEMM.multiply(m: 1, n: n, k: d, a: rows.baseAddress! + query * d, lda: d,
                              b: rows.baseAddress!, ldb: d, transB: true, c: scores.baseAddress!, ldc: n)
            }
        }
        var order = Array(0..<n)
        order.remove(at: query)
        order.sort { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        // Every row whose float32 score is within the GEMM error of the k-th best may rank in
        // the top k once rescored: rescore them all.
        let cut = scores[order[min(k, order.count) - 1]] - screeningSlack
        let candidates = order.prefix { scores[$0] >= cut }
        let ranked = candidates.map { (row: $0, cosine: cosine(query, $0)) }
            .sorted { $0.cosine > $1.cosine || ($0.cosine == $1.cosine && $0.row < $1.row) }
        return ranked.prefix(k).map { Neighbour(id: ids[$0.row], cosine: $0.cosine) }
    }

    /// A near-duplicate pair: rows `a` < `b` (input order) and their cosine.
    public struct Pair: Sendable, Equatable {
        public let a: Int
        public let b: Int
        public let cosine: Float
        public init(a: Int, b: Int, cosine: Float) { (self.a, self.b, self.cosine) = (a, b, cosine) }

        /// Best first: higher cosine, then earlier a, then earlier b.
        static func ranksBefore(_ x: Pair, _ y: Pair) -> Bool {
            x.cosine != y.cosine ? x.cosine > y.cosine : (x.a != y.a ? x.a < y.a : x.b < y.b)
        }
    }

    /// Tiles of the cosine matrix computed at once: `rows` × `columns` floats of scratch.
    public struct Tile: Sendable {
        public var rows: Int
        public var columns: Int
        public init(rows: Int = 256, columns: Int = 8192) { (self.rows, self.columns) = (rows, columns) }
    }

    /// All pairs i < j with cosine ≥ `threshold`, best first (cosine descending, then by i,
    /// then by j). With `limit`, only the `limit` best (memory O(limit)); without it, at most
    /// `maxPairs` or a `.tooManyPairs` error (nil: no bound). The cosine matrix is never held:
    /// it is computed tile by tile (`tile.rows` × `tile.columns`, upper triangle only).
    public func duplicates(threshold: Float, limit: Int? = nil, maxPairs: Int? = nil,
                           tile: Tile = Tile()) throws(EmbeddingError) -> [Pair] {
        let n = count, d = width
        precondition(tile.rows > 0 && tile.columns > 0, "EmbeddingIndex: empty tile")
        if let limit, limit <= 0 { return [] }
        guard n > 1 else { return [] }
        var kept = PairSelection(limit: limit)
        var scratch = [Float](repeating: 0, count: min(tile.rows, n) * min(tile.columns, n))  // [R, C]
        var failure: EmbeddingError? = nil
        rows.withUnsafeBufferPointer { rows in
            scratch.withUnsafeMutableBufferPointer { scratch in
                let base = rows.baseAddress!, tileBase = scratch.baseAddress!
                rowLoop: for r0 in stride(from: 0, to: n, by: tile.rows) {
                    let r1 = min(n, r0 + tile.rows)
                    // Columns before r0 + 1 belong to pairs already seen (or to i ≥ j).
                    for c0 in stride(from: r0 + 1, to: n, by: tile.columns) {
                        let c1 = min(n, c0 + tile.columns), width = c1 - c0
                        // tile[i - r0, j - c0] = rows[i] · rows[j]: (R, D) × (D, C).
                        GEMM.multiply(m: r1 - r0, n: width, k: d, a: base + r0 * d, lda: d,
                                      b: base + c0 * d, ldb: d, transB: true, c: tileBase, ldc: width)
                        let cut = max(threshold, kept.floor ?? threshold) - screeningSlack
                        let found = Self.scan(tileBase, rows: r0..<r1, columns: c0..<c1, cut: cut)
                        for (i, j) in found {
                            let cosine = cosine(i, j)
                            if cosine >= threshold { kept.insert(Pair(a: i, b: j, cosine: cosine)) }
                        }
                        if let maxPairs, limit == nil, kept.count > maxPairs {
                            failure = EmbeddingError(.tooManyPairs, "threshold \(threshold)",
                                                     "more than \(maxPairs) pairs (\(kept.count) in rows 0..<\(r1) already): raise the threshold, or keep only the best pairs")
                            break rowLoop
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        return kept.sorted()
    }

    /// The (i, j) with j > i in a tile whose float32 score is at least `cut`, in row order.
    private static func scan(_ tile: UnsafePointer<Float>, rows: Range<Int>, columns: Range<Int>,
                             cut: Float) -> [(Int, Int)] {
        let width = columns.count
        var found: [[(Int, Int)]] = Array(repeating: [], count: rows.count)
        found.withUnsafeMutableBufferPointer { found in
            // Each worker writes only its own rows' elements of `found`.
            Threading.parallelFor(rows.count, minChunk: 16) { part in
                let cutVector = SIMD8<Float>(repeating: cut)
                for local in part {
                    let i = rows.lowerBound + local
                    let line = tile + local * width
                    var j = max(columns.lowerBound, i + 1) - columns.lowerBound
                    var hits: [(Int, Int)] = []
                    while j + 8 <= width {
                        let block = UnsafeRawPointer(line + j).loadUnaligned(as: SIMD8<Float>.self)
                        if any(block .>= cutVector) {
                            for t in 0..<8 where line[j + t] >= cut { hits.append((i, columns.lowerBound + j + t)) }
                        }
                        j += 8
                    }
                    while j < width {
                        if line[j] >= cut { hits.append((i, columns.lowerBound + j)) }
                        j += 1
                    }
                    found[local] = hits
                }
            }
        }
        return found.flatMap { $0 }
    }

    /// The bound on float32 GEMM's error for a dot product of two unit vectors of width D
    /// (γ_D ≈ D·2⁻²⁴, doubled): rows scoring within it of a cut are rescored, never dropped.
    private var screeningSlack: Float { Float(max(width, 1)) * 0x1p-23 + 0x1p-20 }

    /// The cosine of rows i and j in double precision, rounded to float32 and clamped to [-1, 1].
    func cosine(_ i: Int, _ j: Int) -> Float {
        let d = width
        var dot = 0.0
        rows.withUnsafeBufferPointer { rows in
            let a = rows.baseAddress! + i * d, b = rows.baseAddress! + j * d
            for t in 0..<d { dot += Double(a[t]) * Double(b[t]) }
        }
        return Float(min(1, max(-1, dot / (norms[i] * norms[j]))))
    }
}

// MARK: - Building

/// Checks and normalises rows as they arrive.
private struct Builder {
    var ids: [String] = []
    var rows: [Float] = []  // [N, D]
    var width: Int? = nil
    var positions: [String: Int] = [:]
    var firstWidthLocation = ""
    var lines: [Int] = []  // the line (or row) each id came from, for duplicate messages

    mutating func add(id: String, values: [Float], location: String, line: Int?) throws(EmbeddingError) {
        if let width {
            guard values.count == width else {
                throw EmbeddingError(.width, location,
                                     "'embedding' has \(values.count) values, expected \(width) (the width of \(firstWidthLocation))")
            }
        } else {
            guard !values.isEmpty else { throw EmbeddingError(.malformed, location, "'embedding' is empty, expected at least one number") }
            width = values.count
            firstWidthLocation = line.map { "line \($0)" } ?? location
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw EmbeddingError(.nonFinite, location, "embedding[\(index)] is \(values[index]), expected a finite float32")
        }
        if let earlier = positions[id] {
            let source = lines[earlier] > 0 ? "line \(lines[earlier])" : "row \(earlier)"
            throw EmbeddingError(.duplicateID, location, "id '\(id)' already appeared on \(source)")
        }
        guard !id.isEmpty else { throw EmbeddingError(.malformed, location, "'id' is empty, expected a non-empty string") }
        var sum = 0.0
        for value in values { sum += Double(value) * Double(value) }
        guard sum > 0 else {
            throw EmbeddingError(.zeroVector, location, "'embedding' is all zeros, expected a vector with a direction")
        }
        let scale = 1 / sum.squareRoot()
        positions[id] = ids.count
        ids.append(id)
        lines.append(line ?? 0)
        for value in values { rows.append(Float(Double(value) * scale)) }
    }
}

/// The best pairs so far: all of them, or the `limit` best in a heap whose root is the worst kept.
private struct PairSelection {
    let limit: Int?
    var pairs: [Pair] = []
    typealias Pair = EmbeddingIndex.Pair

    init(limit: Int?) { self.limit = limit }

    var count: Int { pairs.count }

    /// The cosine a new pair must reach once the selection is full, else nil.
    var floor: Float? { limit.flatMap { pairs.count >= $0 ? pairs[0].cosine : nil } }

    mutating func insert(_ pair: Pair) {
        guard let limit else { pairs.append(pair); return }
        if pairs.count < limit {
            pairs.append(pair)
            siftUp(pairs.count - 1)
        } else if Pair.ranksBefore(pair, pairs[0]) {
            pairs[0] = pair
            siftDown(0)
        }
    }

    /// Heap order: a parent ranks after (is worse than) its children.
    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Pair.ranksBefore(pairs[parent], pairs[child]) else { return }
            pairs.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var worst = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < pairs.count {
                if Pair.ranksBefore(pairs[worst], pairs[child]) { worst = child }
            }
            if worst == parent { return }
            pairs.swapAt(parent, worst)
            parent = worst
        }
    }

    func sorted() -> [Pair] { pairs.sorted(by: Pair.ranksBefore) }
}
