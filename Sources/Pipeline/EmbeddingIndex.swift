import Foundation
import Kernels

/// Video embeddings (the fused vectors `vidtag classify --embeddings FILE` writes, design.md §1)
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
            var parser = LineParser(bytes: line)
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

// MARK: - Errors

/// A problem with embeddings: where (`path:line`, `path`, `row r`, or the unknown id), what
/// kind, and what was expected and found.
public struct EmbeddingError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The file cannot be opened or read.
        case unreadable
        /// Not a JSON object with a string "id" and a list of numbers "embedding".
        case malformed
        /// The row's width differs from the first row's.
        case width
        /// NaN, ±Infinity, or a number beyond float32's range.
        case nonFinite
        /// An all-zero embedding, which has no direction.
        case zeroVector
        /// An id seen on an earlier line.
        case duplicateID
        /// A query id not in the index.
        case unknownID
        /// More near-duplicate pairs than the caller allowed.
        case tooManyPairs
    }

    public let kind: Kind
    public let location: String
    public let message: String

    public init(_ kind: Kind, _ location: String, _ message: String) {
        (self.kind, self.location, self.message) = (kind, location, message)
    }

    public var description: String { "\(location): \(message)" }
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

// MARK: - Parsing one line

private func isJSONSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

/// What is wrong with a line; `truncated` when the bytes ran out inside the record.
private struct LineProblem: Error {
    var kind: EmbeddingError.Kind = .malformed
    let message: String
    var truncated = false
}

/// Reads one JSON object `{"id": string, "embedding": [number, …], …}`, skipping other keys.
/// Numbers are parsed straight to float32 (`strtof`, correctly rounded); Python's `NaN`,
/// `Infinity` and `-Infinity` are recognised so that they are reported as non-finite values.
private struct LineParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parse(into values: inout [Float]) throws(LineProblem) -> String {
        skipSpace()
        guard try peek() == UInt8(ascii: "{") else {
            throw LineProblem(message: "not valid JSON: expected an object {\"id\", \"embedding\"}, found \(describeValue())")
        }
        at += 1
        var id: String? = nil
        var sawEmbedding = false
        skipSpace()
        if try peek() == UInt8(ascii: "}") {
            at += 1
        } else {
            while true {
                skipSpace()
                guard try peek() == UInt8(ascii: "\"") else { throw syntax("expected a key string") }
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                switch key {
                case "id":
                    guard try peek() == UInt8(ascii: "\"") else {
                        throw LineProblem(message: "'id' must be a string, found \(describeValue())")
                    }
                    id = try string()
                case "embedding":
                    guard try peek() == UInt8(ascii: "[") else {
                        throw LineProblem(message: "'embedding' must be a list of numbers, found \(describeValue())")
                    }
                    values.removeAll(keepingCapacity: true)
                    try numbers(into: &values)
                    sawEmbedding = true
                default:
                    try skipValue(depth: 0)
                }
                skipSpace()
                let next = try peek()
                at += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { at -= 1; throw syntax("expected ',' or '}'") }
            }
        }
        skipSpace()
        guard at == bytes.count else { throw syntax("expected the end of the line after the object") }
        guard let id else { throw LineProblem(message: "no 'id', expected {\"id\": string, \"embedding\": [numbers]}") }
        guard sawEmbedding else { throw LineProblem(message: "no 'embedding', expected {\"id\": string, \"embedding\": [numbers]}") }
        return id
    }

    // Tokens

    mutating func skipSpace() { while at < bytes.count && isJSONSpace(bytes[at]) { at += 1 } }

    func peek() throws(LineProblem) -> UInt8 {
        guard at < bytes.count else {
            throw LineProblem(message: "not valid JSON: the line ends inside the record (a torn line?)", truncated: true)
        }
        return bytes[at]
    }

    mutating func expect(_ byte: UInt8) throws(LineProblem) {
        guard try peek() == byte else { throw syntax("expected '\(Character(Unicode.Scalar(byte)))'") }
        at += 1
    }

    func syntax(_ expected: String) -> LineProblem {
        let found = at < bytes.count ? "'\(Character(Unicode.Scalar(bytes[at])))'" : "the end of the line"
        return LineProblem(message: "not valid JSON at column \(at + 1): \(expected), found \(found)",
                           truncated: at >= bytes.count)
    }

    /// What the value at the cursor is, for messages.
    func describeValue() -> String {
        guard at < bytes.count else { return "the end of the line" }
        switch bytes[at] {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "a list"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case let byte: return "'\(Character(Unicode.Scalar(byte)))'"
        }
    }

    /// A JSON string (at its opening quote), unescaped.
    mutating func string() throws(LineProblem) -> String {
        at += 1
        var utf8: [UInt8] = []
        while true {
            let byte = try peek()
            at += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw LineProblem(message: "not valid JSON: a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                let escape = try peek()
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard try peek() == UInt8(ascii: "\\") else { throw syntax("expected a low surrogate \\uDC00–\\uDFFF") }
                        at += 1
                        guard try peek() == UInt8(ascii: "u") else { throw syntax("expected a low surrogate \\uDC00–\\uDFFF") }
                        at += 1
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw syntax("expected a low surrogate \\uDC00–\\uDFFF") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let character = Unicode.Scalar(scalar) else { throw syntax("expected a Unicode scalar") }
                    utf8.append(contentsOf: Array(String(Character(character)).utf8))
                default:
                    at -= 1
                    throw syntax("expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                }
            case 0..<0x20:
                at -= 1
                throw syntax("expected a printable character in a string")
            default:
                utf8.append(byte)
            }
        }
    }

    mutating func hex4() throws(LineProblem) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try peek()
            guard let digit = hexValue(byte) else { throw syntax("expected a hex digit") }
            value = value << 4 | digit
            at += 1
        }
        return value
    }

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// The end of a JSON number token starting at the cursor (grammar-checked), or nil if the
    /// cursor is not at a number.
    func numberEnd() throws(LineProblem) -> Int? {
        var end = at
        func digit(_ index: Int) -> Bool {
            index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
        }
        if end < bytes.count && bytes[end] == UInt8(ascii: "-") { end += 1 }
        guard digit(end) else {
            if end >= bytes.count { throw LineProblem(message: "not valid JSON: the line ends inside a number (a torn line?)", truncated: true) }
            return nil
        }
        if bytes[end] == UInt8(ascii: "0") { end += 1 } else { while digit(end) { end += 1 } }
        if end < bytes.count && bytes[end] == UInt8(ascii: ".") {
            end += 1
            guard digit(end) else { return try badNumber(end) }
            while digit(end) { end += 1 }
        }
        if end < bytes.count && (bytes[end] == UInt8(ascii: "e") || bytes[end] == UInt8(ascii: "E")) {
            end += 1
            if end < bytes.count && (bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-")) { end += 1 }
            guard digit(end) else { return try badNumber(end) }
            while digit(end) { end += 1 }
        }
        // A number must be followed by a delimiter inside the line (also what keeps strtof in bounds).
        guard end < bytes.count else {
            throw LineProblem(message: "not valid JSON: the line ends inside the list (a torn line?)", truncated: true)
        }
        return end
    }

    func badNumber(_ index: Int) throws(LineProblem) -> Int? {
        if index >= bytes.count { throw LineProblem(message: "not valid JSON: the line ends inside a number (a torn line?)", truncated: true) }
        throw LineProblem(message: "not valid JSON at column \(index + 1): a malformed number")
    }

    /// The float32 nearest to the (grammar-checked) number token `range`: strtof on a
    /// NUL-terminated copy, so it never reads past the token.
    func parseFloat(_ range: Range<Int>) -> Float {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { text in
            for (offset, index) in range.enumerated() { text[offset] = CChar(bitPattern: bytes[index]) }
            text[range.count] = 0
            return strtof(text.baseAddress!, nil)
        }
    }

    func hasWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        return at + utf8.count <= bytes.count && Array(bytes[at..<(at + utf8.count)]) == utf8
    }

    /// Throws a truncation when the line ends within one of `words` (e.g. "tr" of "true").
    func checkTornWord(_ words: [String]) throws(LineProblem) {
        let rest = Array(bytes[at...])
        if words.contains(where: { rest.count < $0.utf8.count && Array($0.utf8.prefix(rest.count)) == rest }) {
            throw LineProblem(message: "not valid JSON: the line ends inside a literal (a torn line?)", truncated: true)
        }
    }

    /// `[number, …]` into `values`.
    mutating func numbers(into values: inout [Float]) throws(LineProblem) {
        at += 1
        skipSpace()
        if try peek() == UInt8(ascii: "]") { at += 1; return }
        while true {
            skipSpace()
            let index = values.count
            guard let end = try numberEnd() else {
                for word in ["NaN", "Infinity", "-Infinity"] where hasWord(word) {
                    throw LineProblem(kind: .nonFinite, message: "embedding[\(index)] is \(word), expected a finite number")
                }
                try checkTornWord(["NaN", "Infinity", "-Infinity", "true", "false", "null"])
                throw LineProblem(message: "embedding[\(index)] must be a number, found \(describeValue())")
            }
            let value = parseFloat(at..<end)
            if !value.isFinite {
                let text = String(decoding: bytes[at..<end], as: UTF8.self)
                throw LineProblem(kind: .nonFinite, message: "embedding[\(index)] is \(text), beyond float32's range, expected a finite float32")
            }
            values.append(value)
            at = end
            skipSpace()
            let next = try peek()
            at += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { at -= 1; throw syntax("expected ',' or ']' in 'embedding'") }
        }
    }

    /// Skips any JSON value.
    mutating func skipValue(depth: Int) throws(LineProblem) {
        guard depth < 256 else { throw LineProblem(message: "not valid JSON: nested deeper than 256 levels") }
        switch try peek() {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[at] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            at += 1
            skipSpace()
            if try peek() == close { at += 1; return }
            while true {
                skipSpace()
                if isObject {
                    guard try peek() == UInt8(ascii: "\"") else { throw syntax("expected a key string") }
                    _ = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                let next = try peek()
                at += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { at -= 1; throw syntax("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
            }
        default:
            for word in ["true", "false", "null"] where hasWord(word) {
                at += word.utf8.count
                return
            }
            try checkTornWord(["true", "false", "null"])
            guard let end = try numberEnd() else { throw syntax("expected a JSON value") }
            at = end
        }
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
