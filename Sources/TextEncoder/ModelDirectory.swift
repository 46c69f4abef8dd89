import Foundation

/// A text model directory: a Hugging Face BERT (`config.json`, `vocab.txt`,
/// `model.safetensors`, tokenizer configuration), possibly wrapped as a sentence-transformers
/// model (`modules.json` naming a Transformer, a Pooling and optionally a Normalize module,
/// as all-MiniLM-L6-v2 ships).
public struct ModelDirectory: Sendable, Equatable {
    /// The directory as given.
    public let path: String
    /// Where the BERT files are: `path`, or the sentence-transformers Transformer module's
    /// subdirectory.
    public let bertPath: String
    /// The sentence-transformers pipeline's pooling; nil without `modules.json`.
    public let pooling: SentencePooling?

    /// Reads `modules.json` when present.
    ///
    /// - Throws: ``TextEncoderError/unsupported(path:setting:value:)`` for a module other than
    ///   Transformer, Pooling and Normalize, or one out of that order.
    public init(path: String) throws(TextEncoderError) {
        self.path = path
        let modulesPath = path + "/modules.json"
        guard FileManager.default.fileExists(atPath: modulesPath) else {
            (bertPath, pooling) = (path, nil)
            return
        }
        let modules = try ConfigFile.readArray(modulesPath, what: "the sentence-transformers modules")
        var kinds: [String] = []
        var bertPath = path
        var modes: [SentencePooling.Mode] = []
        for module in modules {
            guard let type = try module.string("type") else {
                throw .malformedFile(path: modulesPath, reason: "a module has no 'type'")
            }
            let kind = String(type.split(separator: ".").last ?? "")
            let directory = Self.join(path, try module.string("path") ?? "")
            switch kind {
            case "Transformer": bertPath = directory
            case "Pooling": modes = try SentencePooling.modes(fromPoolingConfig: directory + "/config.json")
            case "Normalize": break
            default: throw .unsupported(path: modulesPath, setting: "module", value: type)
            }
            kinds.append(kind)
        }
        guard kinds == ["Transformer", "Pooling"] || kinds == ["Transformer", "Pooling", "Normalize"] else {
            throw .unsupported(path: modulesPath, setting: "module sequence", value: kinds.joined(separator: " → "))
        }
        self.bertPath = bertPath
        self.pooling = SentencePooling(modes, normalize: kinds.last == "Normalize")
    }

    /// The most ids per text, [CLS] and [SEP] included, as sentence-transformers decides it:
    /// `max_seq_length` of `sentence_bert_config.json` when present, else the tokenizer's
    /// `model_max_length`; either capped by `max_position_embeddings` of `config.json` when
    /// there is one. 512 when nothing says (transformers' "very large" default is no length).
    public static func maxSequenceLength(directory: String) throws(TextEncoderError) -> Int {
        var length = Int.max
        if let sentenceConfig = try ConfigFile.read(optional: directory + "/sentence_bert_config.json"),
           let maxLength = try sentenceConfig.int("max_seq_length") {
            length = maxLength
        } else if let tokenizerConfig = try ConfigFile.read(optional: directory + "/tokenizer_config.json"),
                  let maxLength = try tokenizerConfig.int("model_max_length") {
            length = maxLength
        }
        if let config = try ConfigFile.read(optional: directory + "/config.json") {
            length = min(length, try config.int("max_position_embeddings") ?? 512)
        }
        return length == .max ? 512 : length
    }

    private static func join(_ base: String, _ relative: String) -> String {
        relative.isEmpty ? base : base + "/" + relative
    }
}
