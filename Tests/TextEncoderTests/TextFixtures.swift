import Foundation
import Kernels
import TextEncoder
import Weights

/// Paths of the committed fixtures (Fixtures/text, made by
/// Scripts/reference/make_text_goldens.py) and of the real all-MiniLM-L6-v2.
enum TextFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let directory = root.appendingPathComponent("Fixtures/text").path

    static func path(_ name: String) -> String { directory + "/" + name }

    /// A random BertModel (2 layers, hidden 128, gelu_new, pooler), cased CJK vocabulary, F32.
    static let tinyBERT = path("tiny-bert")
    /// A random BertForMaskedLM (`bert.` prefix, `cls.*` head; relu, hidden 64, F16) wrapped as a
    /// sentence-transformers model (cls + max pooling, Normalize, max_seq_length 24), uncased.
    static let tinyBERTMLM = path("tiny-bert-mlm")
    /// all-MiniLM-L6-v2's tokenizer files (bert-base-uncased vocabulary).
    static let miniLMTokenizer = path("minilm-tokenizer")

    /// The real all-MiniLM-L6-v2: $VIDTAG_TEXT_MODEL, else Models/demo/text/all-MiniLM-L6-v2
    /// (fetched by Scripts/fetch-text-model.sh).
    static let miniLM: String = ProcessInfo.processInfo.environment["VIDTAG_TEXT_MODEL"]
        ?? root.appendingPathComponent("Models/demo/text/all-MiniLM-L6-v2").path

    static var miniLMAvailable: Bool {
        ["config.json", "vocab.txt", "model.safetensors"].allSatisfy {
            FileManager.default.fileExists(atPath: miniLM + "/" + $0)
        }
    }

    /// A fresh copy of the fixture directory `source` in a temporary directory, for tests that
    /// break a file. Removed by `cleanUp`.
    static func scratchCopy(of source: String) throws -> String {
        let target = FileManager.default.temporaryDirectory
            .appendingPathComponent("vidtag-text-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: source, toPath: target)
        return target
    }

    static func cleanUp(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Edits the JSON object in `file`.
    static func editJSON(_ file: String, _ edit: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: file))
    }
}

/// The largest absolute elementwise difference; infinite when the shapes differ.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    return zip(a.data, b.data).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The cosine similarity of rows `i` of `a` and `b` (both `[N, W]`).
func rowCosine(_ a: Tensor, _ b: Tensor, _ i: Int) -> Double {
    let w = a.shape[1]
    var (dot, na, nb) = (0.0, 0.0, 0.0)
    for j in 0..<w {
        let (x, y) = (Double(a.data[i * w + j]), Double(b.data[i * w + j]))
        dot += x * y
        na += x * x
        nb += y * y
    }
    return dot / max((na * nb).squareRoot(), 1e-30)
}

/// Rows `range` of `[N, W]`.
func rows(_ x: Tensor, _ range: Range<Int>) -> Tensor {
    let w = x.shape[1]
    return Tensor(shape: [range.count, w], data: Array(x.data[range.lowerBound * w..<range.upperBound * w]))
}

/// Decodes a JSON string of the goldens' metadata.
func decodeMetadata<T: Decodable>(_ type: T.Type, _ file: SafetensorsFile, _ key: String) throws -> T {
    guard let text = file.metadata[key] else { throw CocoaError(.fileReadCorruptFile) }
    return try JSONDecoder().decode(T.self, from: Data(text.utf8))
}
