import ArgumentParser
import Foundation
import Pipeline
import Similarity

/// `vidtag similar`: nearest neighbours by cosine, and near-duplicate pairs, over the
/// embeddings `vidtag classify --embeddings FILE` writes.
struct Similar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the videos nearest to a video, or near-duplicate pairs, by cosine of their embeddings.",
        discussion: """
            Reads the embeddings file written by `vidtag classify --embeddings FILE`: JSON lines \
            {"id", "embedding": [numbers]}, every row the same width. Rows are L2-normalised; \
            cosines are computed in float32 (OpenBLAS) and rescored in double precision, then \
            printed as float32. Equal cosines keep the file's order.

            --query ID prints one JSON line per query, in the order given: {"id", "neighbours": \
            [{"id", "cosine"}, ...]}, the --top K (default 10) nearest, best first, the query \
            itself left out.

            --duplicates THRESHOLD prints one JSON line per pair with cosine ≥ THRESHOLD: \
            {"a", "b", "cosine"}, a before b in the file, best first (then by a's and b's \
            position in the file). With --top K only the K best pairs are kept (memory for K \
            pairs only); without it, all pairs, refused with status 1 beyond --max-pairs \
            (default 10000000), as a low threshold over a large file approaches N²/2 pairs. The \
            N×N cosine matrix is never held: it is computed in tiles.

            A malformed line stops the command with an error naming the line. A last line without \
            a newline that ends mid-record (an interrupted writer) is skipped with a warning.

            Exit status: 0 on success, 1 on bad usage, an unreadable or malformed file, an \
            unknown query id, or too many pairs.
            """
    )

    @Option(help: "The embeddings file: JSON lines {\"id\", \"embedding\": [numbers]}.")
    var embeddings: String

    @Option(help: "A video id whose nearest neighbours to print (repeatable).")
    var query: [String] = []

    @Option(help: "Print all pairs with cosine at least this (in [-1, 1]), e.g. 0.98 (a negative one as --duplicates=-0.5).")
    var duplicates: Float?

    @Option(help: "Neighbours per query (default 10), or the number of best pairs to print with --duplicates (default all).")
    var top: Int?

    @Option(help: "With --duplicates and no --top: fail rather than collect more pairs than this.")
    var maxPairs: Int = 10_000_000

    func validate() throws {
        if query.isEmpty == (duplicates == nil) {
            throw ValidationError("give either --query ID or --duplicates THRESHOLD")
        }
        if let duplicates, !(duplicates >= -1 && duplicates <= 1) {
            throw ValidationError("--duplicates takes a cosine in [-1, 1], got \(duplicates)")
        }
        if let top, top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
        if maxPairs < 1 { throw ValidationError("--max-pairs must be at least 1, got \(maxPairs)") }
    }

    func run() throws {
        do {
            let index = try EmbeddingIndex.load(path: embeddings)
            if let line = index.skippedTornLine {
                FileHandle.standardError.write(Data(
                    "warning: \(embeddings):\(line): skipped an incomplete last line (no newline; an interrupted run?)\n".utf8))
            }
            if let duplicates {
                let pairs = try index.duplicates(threshold: duplicates, limit: top, maxPairs: maxPairs)
                for pair in pairs {
                    JSONLine.write(try JSONLine.encode(PairRecord(a: index.ids[pair.a], b: index.ids[pair.b],
                                                                   cosine: pair.cosine)))
                }
            } else {
                // Every query is checked before anything is printed.
                let results = try query.map { (id) throws(EmbeddingError) in
                    (id, try index.neighbours(of: id, top: top ?? 10))
                }
                for (id, neighbours) in results {
                    JSONLine.write(try JSONLine.encode(QueryRecord(id: id, neighbours: neighbours)))
                }
            }
        } catch let error as EmbeddingError where error.kind == .tooManyPairs {
            throw CommandFailure("\(error) (--top K keeps the K best; --max-pairs raises the bound)")
        } catch let error as EmbeddingError {
            throw CommandFailure(error)
        }
    }

    /// {"id", "neighbours": [{"id", "cosine"}]}
    struct QueryRecord: Encodable {
        let id: String
        let neighbours: [EmbeddingIndex.Neighbour]
    }

    /// {"a", "b", "cosine"}
    struct PairRecord: Encodable {
        let a: String
        let b: String
        let cosine: Float
    }
}
