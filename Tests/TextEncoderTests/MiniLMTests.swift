import Foundation
import Kernels
import Testing
import Weights
@testable import TextEncoder

/// The real all-MiniLM-L6-v2 against sentence-transformers (Fixtures/text/minilm_goldens.safetensors).
/// Needs the weights: Scripts/fetch-text-model.sh puts them at Models/demo/text/all-MiniLM-L6-v2
/// (or set VIDTAG_TEXT_MODEL); without them the suite is skipped, saying so.
@Suite(.enabled(if: TextFixtures.miniLMAvailable,
                "all-MiniLM-L6-v2 not found at \(TextFixtures.miniLM): run Scripts/fetch-text-model.sh"))
struct MiniLMTests {
    @Test func embeddingsEqualSentenceTransformers() throws {
        let goldens = try SafetensorsFile(path: TextFixtures.path("minilm_goldens.safetensors"))
        let strings = try decodeMetadata([String].self, goldens, "strings")
        let encoder = try TextEncoder(directory: TextFixtures.miniLM)
        #expect(encoder.pooling == SentencePooling([.mean], normalize: true))
        #expect(encoder.tokenizer.maxLength == 256)
        #expect(encoder.dimension == 384)
        let result = encoder.encode(strings)
        let expected = try goldens.tensor("embeddings")
        let cosines = (0..<strings.count).map { rowCosine(result.vectors, expected, $0) }
        let difference = maxAbsDifference(result.vectors, expected)
        print("all-MiniLM-L6-v2 vs sentence-transformers, \(strings.count) texts "
              + "(\(result.truncated.filter { $0 }.count) truncated to 256): min cosine \(cosines.min()!) "
              + "(≥ 0.99999), max |Δ| = \(difference) (tolerance 1e-5)")
        #expect(result.tokenCounts == (try decodeMetadata([Int].self, goldens, "token_counts")))
        #expect(result.truncated == (try decodeMetadata([Bool].self, goldens, "truncated")))
        #expect(cosines.allSatisfy { $0 >= 0.99999 })
        #expect(difference <= 1e-5)
    }
}
