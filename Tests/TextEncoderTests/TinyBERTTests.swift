import Foundation
import Kernels
import Testing
import Weights
@testable import TextEncoder

/// Randomly initialised BERTs saved by transformers (Fixtures/text/tiny-bert, tiny-bert-mlm)
/// against transformers' BertModel and sentence-transformers on the same weights
/// (Fixtures/text/tiny_bert_goldens.safetensors).
@Suite struct TinyBERTTests {
    let goldens: SafetensorsFile

    /// float32 through 2 layers of width 128, sums in another order than PyTorch's (measured: ~2e-6).
    static let tolerance: Float = 1e-5

    init() throws {
        goldens = try SafetensorsFile(path: TextFixtures.path("tiny_bert_goldens.safetensors"))
    }

    @Test func tokenizerGivesTransformersIDs() throws {
        let strings = try decodeMetadata([String].self, goldens, "tiny.strings")
        let ids = try decodeMetadata([[Int]].self, goldens, "tiny.ids")
        let tokenizer = try BertTokenizer(directory: TextFixtures.tinyBERT)
        #expect(tokenizer.maxLength == 64)
        #expect(strings.map { tokenizer.encode($0).ids } == ids)
    }

    @Test func hiddenStatesMatchTransformersBertModel() throws {
        let model = try BertModel(directory: TextFixtures.tinyBERT)
        #expect(model.config.hiddenSize == 128 && model.config.layerCount == 2 && model.config.activation == .geluTanh)
        let expected = try goldens.tensor("tiny.hidden")  // [N, 128], first texts' unmasked positions
        var ids = try decodeMetadata([[Int]].self, goldens, "tiny.ids")
        var covered = 0
        var count = 0
        while covered < expected.shape[0] {
            covered += ids[count].count
            count += 1
        }
        ids = Array(ids[..<count])
        let hidden = model.hiddenStates(TokenBatch(ids))
        let difference = maxAbsDifference(hidden, expected)
        print("tiny-bert hidden states, \(count) texts batched (\(expected.shape[0]) tokens) vs transformers' padded "
              + "batch with attention mask: max |Δ| = \(difference) (tolerance \(Self.tolerance))")
        #expect(difference <= Self.tolerance)
    }

    @Test(arguments: [("mean", SentencePooling.Mode.mean), ("cls", .cls), ("pooler", .pooler)])
    func pooledOutputsMatchTransformers(name: String, mode: SentencePooling.Mode) throws {
        let strings = try decodeMetadata([String].self, goldens, "tiny.strings")
        let encoder = try TextEncoder(directory: TextFixtures.tinyBERT, pooling: SentencePooling([mode]))
        let result = encoder.encode(strings, batchSize: 16)
        let expected = try goldens.tensor("tiny.\(name)")
        let difference = maxAbsDifference(result.vectors, expected)
        let cosine = (0..<strings.count).map { rowCosine(result.vectors, expected, $0) }.min()!
        print("tiny-bert \(name) pooling, \(strings.count) texts: max |Δ| = \(difference) (tolerance "
              + "\(Self.tolerance)), min cosine \(cosine) (≥ 0.99999)")
        #expect(difference <= Self.tolerance)
        #expect(cosine >= 0.99999)
    }

    @Test func batchingDoesNotChangeTheVectors() throws {
        let strings = try decodeMetadata([String].self, goldens, "tiny.strings")
        let encoder = try TextEncoder(directory: TextFixtures.tinyBERT)
        let alone = encoder.encode(strings, batchSize: 1).vectors
        let together = encoder.encode(strings, batchSize: strings.count).vectors
        let difference = maxAbsDifference(alone, together)
        print("tiny-bert: \(strings.count) texts one at a time vs in one batch: max |Δ| = \(difference) (tolerance 1e-5)")
        #expect(difference <= 1e-5)
    }

    @Test func sentenceTransformersModelMatches() throws {
        let strings = try decodeMetadata([String].self, goldens, "mlm.strings")
        let counts = try decodeMetadata([Int].self, goldens, "mlm.token_counts")
        let encoder = try TextEncoder(directory: TextFixtures.tinyBERTMLM)
        #expect(encoder.pooling == SentencePooling([.cls, .max], normalize: true))
        #expect(encoder.tokenizer.maxLength == 24)
        #expect(encoder.model.config.activation == .relu)
        let result = encoder.encode(strings, batchSize: 7)
        let expected = try goldens.tensor("mlm.embeddings")
        let difference = maxAbsDifference(result.vectors, expected)
        let cosine = (0..<strings.count).map { rowCosine(result.vectors, expected, $0) }.min()!
        print("tiny-bert-mlm (F16, bert. prefix, relu) cls+max+Normalize vs sentence-transformers, "
              + "\(strings.count) texts (\(result.truncated.filter { $0 }.count) truncated to 24): "
              + "max |Δ| = \(difference) (tolerance \(Self.tolerance)), min cosine \(cosine) (≥ 0.99999)")
        #expect(result.tokenCounts == counts)
        #expect(result.truncated.contains(true))
        #expect(difference <= Self.tolerance)
        #expect(cosine >= 0.99999)
    }
}
