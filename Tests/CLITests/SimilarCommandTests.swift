import Foundation
import Testing

/// `vidtag similar` on a small embeddings file whose cosines are known by hand:
/// a = (1,0,0), b = (2,0,0) (= a), c = (1,1,0) (1/√2 with a, b and d), d = (0,1,0),
/// e = (-1,0,0) (−1 with a, b), f = (0,0,1) (0 with a, b, d, e).
@Suite struct SimilarCommandTests {
    static let rows = [
        #"{"id": "a", "embedding": [1, 0, 0]}"#,
        #"{"id": "b", "embedding": [2, 0, 0]}"#,
        #"{"id": "c", "embedding": [1, 1, 0]}"#,
        #"{"id": "d", "embedding": [0, 1, 0]}"#,
        #"{"id": "e", "embedding": [-1, 0, 0]}"#,
        #"{"id": "f", "embedding": [0, 0, 1]}"#,
    ]

    static func file(_ text: String) throws -> String {
        let path = TestFolder.root.appendingPathComponent("similar-\(UUID().uuidString).jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let embeddings = try! file(rows.joined(separator: "\n") + "\n")

    /// [(id, cosine)] of a query line's neighbours.
    static func neighbours(_ line: String) -> [(String, Double)] {
        ((CLI.object(line)["neighbours"] as? [[String: Any]]) ?? []).map {
            ($0["id"] as? String ?? "?", ($0["cosine"] as? NSNumber)?.doubleValue ?? .nan)
        }
    }

    @Test func queryPrintsNearestBestFirstWithTiesInFileOrder() throws {
        let result = try CLI.run(["similar", "--embeddings", Self.embeddings, "--query", "a", "--top", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        try #require(result.lines.count == 1)
        #expect(CLI.object(result.lines[0])["id"] as? String == "a")
        let found = Self.neighbours(result.lines[0])
        // d and f both score 0 with a: file order decides.
        #expect(found.map(\.0) == ["b", "c", "d", "f"])
        let expected = [1, 0.5.squareRoot(), 0, 0]
        #expect(zip(found.map(\.1), expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(found)")
    }

    @Test func severalQueriesDefaultTopTen() throws {
        let result = try CLI.run(["similar", "--embeddings", Self.embeddings, "--query", "e", "--query", "f"])
        #expect(result.status == 0, "\(result.stderr)")
        try #require(result.lines.map { CLI.object($0)["id"] as? String } == ["e", "f"])
        // Fewer than ten others: all five, the opposite vectors last.
        #expect(Self.neighbours(result.lines[0]).map(\.0) == ["d", "f", "c", "a", "b"])
        #expect(Self.neighbours(result.lines[1]).map(\.0) == ["a", "b", "c", "d", "e"])
    }

    @Test func duplicatesPrintPairsBestFirstThenByPosition() throws {
        let result = try CLI.run(["similar", "--embeddings", Self.embeddings, "--duplicates", "0.7"])
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = result.lines.map { CLI.object($0) }
        #expect(pairs.map { "\($0["a"] as? String ?? "?")-\($0["b"] as? String ?? "?")" } == ["a-b", "a-c", "b-c", "c-d"])
        let cosines = pairs.map { ($0["cosine"] as? NSNumber)?.doubleValue ?? .nan }
        try #require(cosines.count == 4)
        #expect(abs(cosines[0] - 1) < 1e-7 && cosines[1...].allSatisfy { abs($0 - 0.5.squareRoot()) < 1e-6 })

        let top = try CLI.run(["similar", "--embeddings", Self.embeddings, "--duplicates", "0.7", "--top", "2"])
        #expect(top.lines == Array(result.lines.prefix(2)))
        let none = try CLI.run(["similar", "--embeddings", Self.embeddings, "--duplicates", "0.99", "--max-pairs", "1"])
        #expect(none.status == 0 && none.lines.count == 1)
        let tooMany = try CLI.run(["similar", "--embeddings", Self.embeddings, "--duplicates=-1", "--max-pairs", "10"])
        #expect(tooMany.status == 1 && tooMany.stdout.isEmpty)
        #expect(tooMany.stderr.contains("more than 10 pairs"), "\(tooMany.stderr)")
    }

    @Test func unknownQueryIdExitsOneAndPrintsNothing() throws {
        let result = try CLI.run(["similar", "--embeddings", Self.embeddings, "--query", "a", "--query", "zz"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("zz: no embedding with this id"), "\(result.stderr)")
    }

    @Test func malformedFileExitsOneNamingTheLine() throws {
        var rows = Self.rows
        rows[3] = #"{"id": "d", "embedding": [0, 1]}"#
        let path = try Self.file(rows.joined(separator: "\n") + "\n")
        let result = try CLI.run(["similar", "--embeddings", path, "--duplicates", "0.9"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(path):4: 'embedding' has 2 values, expected 3"), "\(result.stderr)")

        let missing = try CLI.run(["similar", "--embeddings", "/nonexistent/e.jsonl", "--query", "a"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/e.jsonl: cannot open"), "\(missing.stderr)")
    }

    @Test func tornLastLineIsSkippedWithAWarning() throws {
        let path = try Self.file(Self.rows.joined(separator: "\n") + "\n" + #"{"id": "g", "embedding": [1, 0"#)
        let result = try CLI.run(["similar", "--embeddings", path, "--query", "a", "--top", "10"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: \(path):7: skipped an incomplete last line"), "\(result.stderr)")
        try #require(result.lines.count == 1)
        #expect(Self.neighbours(result.lines[0]).count == 5)
    }

    @Test func badUsageExitsOneAndHelpDocumentsExitStatus() throws {
        for arguments in [["similar", "--embeddings", Self.embeddings],
                          ["similar", "--embeddings", Self.embeddings, "--query", "a", "--duplicates", "0.9"],
                          ["similar", "--embeddings", Self.embeddings, "--duplicates", "1.5"],
                          ["similar", "--embeddings", Self.embeddings, "--query", "a", "--top", "0"],
                          ["similar", "--query", "a"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 1, "\(arguments)")
        }
        let help = try CLI.run(["similar", "--help"])
        #expect(help.stdout.contains("Exit status: 0 on success, 1 on bad usage"), "\(help.stdout)")
    }
}
