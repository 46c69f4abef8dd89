import Foundation
import Head
import Testing
@testable import Similarity

/// `EmbeddingIndex` against an independent reference: a naive double-precision cosine over
/// the raw (unnormalised) vectors, all pairs, sorted by (cosine descending, input order).
/// Ranking compares float32 cosines (as the index documents), so exact and scaled copies tie.
/// Tolerance: 1e-6 on cosines (the index rescoring in double and rounding to float32 is
/// within ~6e-8; normalising in float32 first adds ~1e-7).
@Suite struct EmbeddingIndexTests {
    /// N random vectors of width D with planted near-duplicates: row 2's exact copies at 5, 17
    /// and 40, a scaled copy (×3) at 41, and noisy copies of row 9 at 60 (±1e-3) and 61 (±1e-2).
    static func corpus(n: Int = 300, d: Int = 24, seed: UInt64 = 7) -> (ids: [String], vectors: [[Float]]) {
        var generator = SeededRandom(seed: seed)
        var vectors = (0..<n).map { _ in (0..<d).map { _ in generator.uniform() } }
        for copy in [5, 17, 40] { vectors[copy] = vectors[2] }
        vectors[41] = vectors[2].map { $0 * 3 }
        vectors[60] = vectors[9].map { $0 + 1e-3 * generator.uniform() }
        vectors[61] = vectors[9].map { $0 + 1e-2 * generator.uniform() }
        return ((0..<n).map { "video-\($0)" }, vectors)
    }

    static func naiveCosine(_ a: [Float], _ b: [Float]) -> Double {
        var (dot, na, nb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    // MARK: - Search against the reference

    @Test func neighboursMatchNaiveCosine() throws {
        let (ids, vectors) = Self.corpus()
        let index = try EmbeddingIndex(ids: ids, vectors: vectors)
        var maxDifference = 0.0
        for query in [0, 2, 9, 150, 299] {
            var reference: [(row: Int, cosine: Double)] = []
            for row in 0..<ids.count where row != query {
                reference.append((row, Self.naiveCosine(vectors[query], vectors[row])))
            }
            // Ranked as documented: by the float32 cosine, equal ones in input order.
            reference.sort { x, y in Float(x.cosine) != Float(y.cosine) ? x.cosine > y.cosine : x.row < y.row }
            let found = try index.neighbours(of: ids[query], top: 12)
            #expect(found.map(\.id) == reference.prefix(12).map { ids[$0.row] }, "query \(query)")
            for (neighbour, expected) in zip(found, reference) {
                maxDifference = max(maxDifference, abs(Double(neighbour.cosine) - expected.cosine))
            }
        }
        print("neighbours: max |cosine − naive double cosine| = \(maxDifference)")
        #expect(maxDifference < 1e-6)
    }

    @Test func duplicatesMatchNaiveAllPairsAcrossTiles() throws {
        let (ids, vectors) = Self.corpus()
        let index = try EmbeddingIndex(ids: ids, vectors: vectors)
        let threshold: Float = 0.55
        var reference: [(a: Int, b: Int, cosine: Double)] = []
        for a in 0..<ids.count {
            for b in (a + 1)..<ids.count {
                let cosine = Self.naiveCosine(vectors[a], vectors[b])
                if Float(cosine) >= threshold { reference.append((a, b, cosine)) }
            }
        }
        // Ranked as documented: by the float32 cosine, equal ones by position.
        reference.sort { x, y in Float(x.cosine) != Float(y.cosine) ? x.cosine > y.cosine : (x.a, x.b) < (y.a, y.b) }
        #expect(reference.count > 20, "the corpus should have pairs above the threshold")
        // Tiles far smaller than N, of sizes that do not divide it, so that pairs straddle
        // every kind of tile boundary; and one tile holding everything.
        for tile in [EmbeddingIndex.Tile(rows: 7, columns: 11), EmbeddingIndex.Tile(rows: 64, columns: 5),
                     EmbeddingIndex.Tile()] {
            let pairs = try index.duplicates(threshold: threshold, tile: tile)
            #expect(pairs.map { [$0.a, $0.b] } == reference.map { [$0.a, $0.b] }, "tile \(tile)")
            let maxDifference = zip(pairs, reference).map { abs(Double($0.cosine) - $1.cosine) }.max() ?? 0
            print("duplicates, tile \(tile.rows)×\(tile.columns): \(pairs.count) pairs, max |cosine − naive| = \(maxDifference)")
            #expect(maxDifference < 1e-6)
        }
    }

    @Test func exactCopiesScoreOneAndTiesKeepInputOrder() throws {
        let (ids, vectors) = Self.corpus()
        let index = try EmbeddingIndex(ids: ids, vectors: vectors)
        let neighbours = try index.neighbours(of: "video-2", top: 4)
        #expect(neighbours.map(\.id) == ["video-5", "video-17", "video-40", "video-41"])
        #expect(neighbours.map(\.cosine) == [1, 1, 1, 1])
        // A copy's neighbours: the original (earlier) first, never itself.
        #expect(try index.neighbours(of: "video-17", top: 4).map(\.id) == ["video-2", "video-5", "video-40", "video-41"])
        let pairs = try index.duplicates(threshold: 1, tile: .init(rows: 3, columns: 4))
        #expect(pairs.map { [$0.a, $0.b] } == [[2, 5], [2, 17], [2, 40], [2, 41], [5, 17], [5, 40], [5, 41],
                                               [17, 40], [17, 41], [40, 41]])
        // The noisy copies of row 9 follow just below 1.
        let near = try index.duplicates(threshold: 0.999)
        #expect(near.count == 13)
        #expect(Set(near.suffix(3).map { [$0.a, $0.b] }) == [[9, 60], [9, 61], [60, 61]])
        #expect(near.suffix(3).allSatisfy { $0.cosine < 1 })
    }

    @Test func topLimitsPairsToTheBestOnes() throws {
        let (ids, vectors) = Self.corpus()
        let index = try EmbeddingIndex(ids: ids, vectors: vectors)
        let all = try index.duplicates(threshold: 0.5)
        for limit in [1, 3, 10, 11, 12, all.count, all.count + 5] {
            let best = try index.duplicates(threshold: 0.5, limit: limit, tile: .init(rows: 13, columns: 17))
            #expect(best == Array(all.prefix(limit)), "limit \(limit)")
        }
        #expect(try index.duplicates(threshold: 0.5, limit: 4, maxPairs: 1).count == 4, "a limit makes maxPairs moot")
        #expect(throws: EmbeddingError.self) { try index.duplicates(threshold: 0.5, maxPairs: all.count - 1) }
        #expect(try index.duplicates(threshold: 0.5, maxPairs: all.count).count == all.count)
    }

    @Test func neighboursAtTheEdges() throws {
        let index = try EmbeddingIndex(ids: ["a", "b", "c"], vectors: [[1, 0], [0, 2], [-3, 0]])
        #expect(try index.neighbours(of: "a", top: 10) == [.init(id: "b", cosine: 0), .init(id: "c", cosine: -1)])
        #expect(try index.neighbours(of: "a", top: 1) == [.init(id: "b", cosine: 0)])
        #expect(try index.duplicates(threshold: -1).count == 3)
        #expect(try index.duplicates(threshold: 0.5).isEmpty)
        let error = #expect(throws: EmbeddingError.self) { try index.neighbours(of: "z", top: 3) }
        #expect(error?.kind == .unknownID)
        #expect(try EmbeddingIndex(ids: ["only"], vectors: [[1]]).neighbours(of: "only", top: 3).isEmpty)
    }

    // MARK: - Loading

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("embeddings-\(UUID().uuidString).jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Loads `text`, expecting an error of `kind` on `line` whose message contains `snippet`.
    static func expectError(_ text: String, _ kind: EmbeddingError.Kind, line: Int, _ snippet: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: EmbeddingError.self, sourceLocation: sourceLocation) {
            try EmbeddingIndex.load(path: path)
        }
        #expect(error?.kind == kind, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.location == "\(path):\(line)", sourceLocation: sourceLocation)
        #expect(error?.message.contains(snippet) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
    }

    static let good = #"{"id": "a", "embedding": [1, 0, 0]}"# + "\n"

    @Test func malformedLinesAreNamed() throws {
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [1, 2,, 3]}"# + "\n", .malformed, line: 2,
                             "embedding[2] must be a number, found ','")
        try Self.expectError(Self.good + "[1, 2, 3]\n", .malformed, line: 2, "expected an object")
        try Self.expectError(Self.good + #"{"embedding": [1, 2, 3]}"# + "\n", .malformed, line: 2, "no 'id'")
        try Self.expectError(Self.good + #"{"id": 5, "embedding": [1, 2, 3]}"# + "\n", .malformed, line: 2,
                             "'id' must be a string, found a number")
        try Self.expectError(Self.good + #"{"id": "b"}"# + "\n", .malformed, line: 2, "no 'embedding'")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": "1,2,3"}"# + "\n", .malformed, line: 2,
                             "'embedding' must be a list of numbers, found a string")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": null}"# + "\n", .malformed, line: 2,
                             "'embedding' must be a list of numbers, found null")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [1, "2", 3]}"# + "\n", .malformed, line: 2,
                             "embedding[1] must be a number, found a string")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [1, [2], 3]}"# + "\n", .malformed, line: 2,
                             "embedding[1] must be a number, found a list")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [1, 2, 3]} x"# + "\n", .malformed, line: 2,
                             "expected the end of the line")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [01, 2, 3]}"# + "\n", .malformed, line: 2,
                             "expected ',' or ']'")
        try Self.expectError(#"{"id": "", "embedding": [1]}"# + "\n", .malformed, line: 1, "'id' is empty")
        try Self.expectError(#"{"id": "a", "embedding": []}"# + "\n", .malformed, line: 1, "'embedding' is empty")
    }

    @Test func semanticErrorsAreNamed() throws {
        try Self.expectError(Self.good + "\n" + #"{"id": "b", "embedding": [1, 2]}"# + "\n", .width, line: 3,
                             "'embedding' has 2 values, expected 3 (the width of line 1)")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [1, NaN, 3]}"# + "\n", .nonFinite, line: 2,
                             "embedding[1] is NaN")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [1, 2, -Infinity]}"# + "\n", .nonFinite, line: 2,
                             "embedding[2] is -Infinity")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [1e39, 2, 3]}"# + "\n", .nonFinite, line: 2,
                             "embedding[0] is 1e39, beyond float32's range")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [0, -0.0, 0e5]}"# + "\n", .zeroVector, line: 2,
                             "all zeros")
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [0, 1, 0]}"# + "\n" + Self.good, .duplicateID,
                             line: 3, "id 'a' already appeared on line 1")
    }

    @Test func unreadableFiles() throws {
        let missing = #expect(throws: EmbeddingError.self) { try EmbeddingIndex.load(path: "/nonexistent/embeddings.jsonl") }
        #expect(missing?.kind == .unreadable)
        #expect(missing?.location == "/nonexistent/embeddings.jsonl")
        let directory = #expect(throws: EmbeddingError.self) { try EmbeddingIndex.load(path: NSTemporaryDirectory()) }
        #expect(directory?.kind == .unreadable)
    }

    @Test func tornLastLineIsSkippedButATornMiddleLineIsAnError() throws {
        let torn = Self.good + #"{"id": "b", "embedding": [0, 1, 0]}"# + "\n" + #"{"id": "c", "embedding": [0.5, 0."#
        let path = try Self.file(torn)
        let index = try EmbeddingIndex.load(path: path)
        #expect(index.ids == ["a", "b"])
        #expect(index.skippedTornLine == 3)
        // Torn inside a literal of another key, or inside a string: skipped the same way.
        for tail in [#"{"id": "c", "ok": tr"#, #"{"id": "c", "embedding": [1, Infin"#, #"{"id": "c\u00"#] {
            let index = try EmbeddingIndex.load(path: try Self.file(Self.good + tail))
            #expect(index.ids == ["a"] && index.skippedTornLine == 2, "\(tail)")
        }
        // The same bytes followed by more lines: a malformed line 3.
        try Self.expectError(torn + "\n" + #"{"id": "d", "embedding": [0, 0, 1]}"# + "\n", .malformed, line: 3,
                             "the line ends inside")
        // A whole last record without its newline is used; a complete but wrong one is an error.
        let whole = try EmbeddingIndex.load(path: try Self.file(Self.good + #"{"id": "b", "embedding": [0, 1, 0]}"#))
        #expect(whole.ids == ["a", "b"] && whole.skippedTornLine == nil)
        try Self.expectError(Self.good + #"{"id": "b", "embedding": [0, 1]}"#, .width, line: 2, "expected 3")
    }

    @Test func parsesJSONFaithfully() throws {
        let text = """
            {"meta": {"model": "x", "list": [1, {"deep": [true, false, null]}], "s": "a\\"}"}, "id": "a\\"b\\u00e9\\ud83d\\ude00", "embedding": [3, -4e0, 0.0]}

               \t
            {"embedding":[2.5E+2,1e-3,-0],"id":"b/c","extra":-1.5}
            """ + "\n\n"
        let index = try EmbeddingIndex.load(path: try Self.file(text))
        #expect(index.ids == ["a\"bé😀", "b/c"])
        #expect(index.width == 3)
        #expect(zip(index.rows[0..<3], [0.6, -0.8, 0] as [Float]).allSatisfy { abs($0 - $1) < 1e-7 })
        let norm = (250.0 * 250 + 0.001 * 0.001).squareRoot()
        #expect(abs(Double(index.rows[3]) - 250 / norm) < 1e-7 && abs(Double(index.rows[4]) - 0.001 / norm) < 1e-9)
    }

    /// A file of several MiB, so that lines straddle the reader's 1 MiB chunks; every value is
    /// written with Swift's shortest round-trip text, so parsing must give the same floats.
    @Test func largeFileRoundTripsAcrossChunks() throws {
        let (ids, vectors) = Self.corpus(n: 3000, d: 96, seed: 11)
        var text = ""
        for (id, vector) in zip(ids, vectors) {
            text += #"{"id": "\#(id)", "embedding": ["# + vector.map { "\($0)" }.joined(separator: ", ") + "]}\n"
        }
        #expect(text.utf8.count > 3 << 20)
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try EmbeddingIndex.load(path: path)
        let direct = try EmbeddingIndex(ids: ids, vectors: vectors)
        #expect(loaded.ids == ids)
        #expect(loaded.rows == direct.rows)
        #expect(try loaded.neighbours(of: "video-9", top: 2).map(\.id) == ["video-60", "video-61"])
    }
}

extension SeededRandom {
    /// Uniform in [-1, 1), from the top 24 bits.
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
