import Foundation
import Kernels
import Testing
import Weights
@testable import TextEncoder

/// Strict loading: every broken model directory fails with an error naming the file, the
/// tensor, and what was expected and found. Each test breaks a scratch copy of a fixture.
@Suite struct LoadingErrorTests {
    /// Runs `body` on a scratch copy of `fixture` after `breaking` it; returns the error thrown.
    func loadingError(_ fixture: String, breaking: (String) throws -> Void,
                      load: (String) throws(TextEncoderError) -> Void = { path throws(TextEncoderError) in
                          _ = try TextEncoder(directory: path)
                      }) throws -> (TextEncoderError?, String) {
        let directory = try TextFixtures.scratchCopy(of: fixture)
        defer { TextFixtures.cleanUp(directory) }
        try breaking(directory)
        do {
            try load(directory)
            return (nil, directory)
        } catch {
            print("expected error: \(error)")
            return (error, directory)
        }
    }

    @Test func missingVocabulary() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try FileManager.default.removeItem(atPath: $0 + "/vocab.txt")
        }
        #expect(error == .missingFile(path: directory + "/vocab.txt", what: "the WordPiece vocabulary (vocab.txt)"))
    }

    /// Configuration files go through the strict parser of untrusted files: a syntax error names
    /// the byte, text that is not UTF-8 is refused, and a repeated key counts with its last value.
    @Test func malformedConfigurationIsNamedAtItsByte() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try #"{"hidden_size": 128,,}"#.write(toFile: $0 + "/config.json", atomically: true, encoding: .utf8)
        }
        #expect(error == .malformedFile(path: directory + "/config.json",
                                        reason: "not valid JSON: expected a string key at byte 20"))
        let (notUTF8, otherDirectory) = try loadingError(TextFixtures.tinyBERT) {
            try Data([0x7B, 0xFF, 0x7D]).write(to: URL(fileURLWithPath: $0 + "/config.json"))
        }
        #expect(notUTF8 == .malformedFile(path: otherDirectory + "/config.json", reason: "not valid UTF-8"))
        let (repeated, repeatedDirectory) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/config.json") { $0["hidden_size"] = 64 }
            let path = $0 + "/config.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            // The same key again, with the right value, after the wrong one.
            try (String(text.dropLast(text.hasSuffix("\n") ? 2 : 1)) + #", "hidden_size": 128}"#)
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(repeated == nil, "the last hidden_size (128) counts: \(String(describing: repeated)) in \(repeatedDirectory)")
    }

    @Test func missingWeights() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try FileManager.default.removeItem(atPath: $0 + "/model.safetensors")
        }
        #expect(error == .missingFile(path: directory + "/model.safetensors", what: "the weights (model.safetensors)"))
    }

    @Test func hiddenSizeThatDoesNotMatchTheWeights() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/config.json") { $0["hidden_size"] = 64 }
        }
        #expect(error == .weights(.wrongShape(source: directory + "/model.safetensors",
                                              tensor: "embeddings.word_embeddings.weight",
                                              expected: [1203, 64], found: [1203, 128])))
    }

    @Test func intermediateSizeThatDoesNotMatchTheWeights() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/config.json") { $0["intermediate_size"] = 512 }
        }
        #expect(error == .weights(.wrongShape(source: directory + "/model.safetensors",
                                              tensor: "encoder.layer.0.intermediate.dense.weight",
                                              expected: [512, 128], found: [256, 128])))
    }

    @Test func moreLayersThanTheWeightsHave() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/config.json") { $0["num_hidden_layers"] = 3 }
        }
        #expect(error == .weights(.missing(source: directory + "/model.safetensors",
                                           tensor: "encoder.layer.2.attention.self.query.weight", shape: [128, 128])))
    }

    @Test func fewerLayersLeaveTensorsUnused() throws {
        let (error, _) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/config.json") { $0["num_hidden_layers"] = 1 }
        }
        guard case let .weights(.unused(_, tensors)) = error else {
            Issue.record("expected unused tensors, got \(String(describing: error))")
            return
        }
        #expect(tensors.count == 16)
        #expect(tensors.allSatisfy { $0.hasPrefix("encoder.layer.1.") })
    }

    @Test func unknownTensorIsAnErrorButKnownExtrasAreNot() throws {
        // Rewrite tiny-bert-mlm (bert. prefix, cls.* head) with position_ids and one stray tensor added.
        let (error, directory) = try loadingError(TextFixtures.tinyBERTMLM) { directory in
            let path = directory + "/model.safetensors"
            let file = try SafetensorsFile(path: path)
            var tensors = try file.names.map { ($0, try file.tensor($0)) }
            tensors.append(("bert.embeddings.position_ids", Tensor(shape: [1, 40], data: (0..<40).map(Float.init))))
            tensors.append(("bert.encoder.layer.0.attention.self.rotary.weight", Tensor(zeros: [4])))
            try SafetensorsWriter.write(tensors, to: path)
        }
        #expect(error == .weights(.unused(source: directory + "/model.safetensors",
                                          tensors: ["bert.encoder.layer.0.attention.self.rotary.weight"])))
    }

    @Test func vocabularyLargerThanTheEmbeddingTable() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: $0 + "/vocab.txt"))
            handle.seekToEndOfFile()
            handle.write(Data((0..<10).map { "extra\($0)\n" }.joined().utf8))
            try handle.close()
        }
        #expect(error == .vocabularyTooLarge(vocabulary: directory + "/vocab.txt", ids: 1210,
                                             config: directory + "/config.json", rows: 1203))
    }

    @Test func unsupportedActivation() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/config.json") { $0["hidden_act"] = "silu" }
        }
        #expect(error == .unsupported(path: directory + "/config.json", setting: "hidden_act", value: "silu"))
    }

    @Test func headsThatDoNotDivideTheHiddenSize() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/config.json") { $0["num_attention_heads"] = 3 }
        }
        #expect(error == .invalidConfig(path: directory + "/config.json",
                                        reason: "hidden_size 128 is not a multiple of num_attention_heads 3"))
    }

    @Test func poolerPoolingWithoutAPooler() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERTMLM, breaking: { _ in }) { path throws(TextEncoderError) in
            _ = try TextEncoder(directory: path, pooling: SentencePooling([.pooler]))
        }
        #expect(error == .weights(.missing(source: directory + "/model.safetensors", tensor: "pooler.dense.weight",
                                           shape: [64, 64])))
    }

    @Test func unsupportedSentenceTransformersModule() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERTMLM) {
            let modules = """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]
                """
            try Data(modules.utf8).write(to: URL(fileURLWithPath: $0 + "/modules.json"))
        }
        #expect(error == .unsupported(path: directory + "/modules.json", setting: "module",
                                      value: "sentence_transformers.models.Dense"))
    }

    @Test func missingSpecialToken() throws {
        let (error, directory) = try loadingError(TextFixtures.tinyBERT) {
            try TextFixtures.editJSON($0 + "/tokenizer_config.json") {
                $0["cls_token"] = "<s>"
                $0["added_tokens_decoder"] = nil
            }
        }
        #expect(error == .missingSpecialToken(path: directory + "/vocab.txt", role: "class", token: "<s>"))
    }

    @Test func overLongInputIsTruncatedAndRecorded() throws {
        let encoder = try TextEncoder(directory: TextFixtures.tinyBERTMLM)  // 24 ids at most
        let long = String(repeating: "summer dress ", count: 40)
        let result = encoder.encode(["short title", long, "", long + "中文"])
        print("truncation: token counts \(result.tokenCounts), truncated \(result.truncated)")
        #expect(result.truncated == [false, true, false, true])
        let shortCount = encoder.tokenizer.pieceIDs("short title").count + 2  // [CLS] … [SEP]
        #expect(shortCount < 24)
        #expect(result.tokenCounts == [shortCount, 24, 2, 24])
        #expect(result.vectors.shape == [4, 128])
        // The truncated text encodes exactly as its first 22 pieces do.
        let pieces = encoder.tokenizer.pieceIDs(long)
        #expect(pieces.count > 22)
        let direct = encoder.embed(TokenBatch([[encoder.tokenizer.classID] + pieces[..<22] + [encoder.tokenizer.separatorID]]))
        #expect(maxAbsDifference(direct, rows(result.vectors, 1..<2)) == 0)
    }
}
