import Foundation
import Kernels
import Weights

/// A trained head on disk: `<dir>/head.safetensors` (the parameters, by their
/// ``ParameterLayout`` names) and `<dir>/head.json` (the config, the whole taxonomy, the
/// encoder hashes the features came from, the weights' SHA-256 and a training summary).
/// Both files are written deterministically: the same training gives the same bytes.
public struct HeadCheckpoint: Sendable {
    public static let weightsFile = "head.safetensors"
    public static let configFile = "head.json"

    public struct TrainingSummary: Codable, Sendable, Equatable {
        public var options: TrainingOptions
        public var trainCount: Int
        public var validationCount: Int
        public var bestEpoch: Int
        public var epochsRun: Int
        public var validationLevel1Accuracy: Double?
        public var validationLevel2Accuracy: Double?
        /// The learning curves: every epoch's training and validation loss and accuracies
        /// (absent in heads trained before they were kept).
        public var history: [EpochFigures]?
        /// With `--hidden auto` or `--linear-skip auto`: each candidate tried ("0", "256",
        /// "0 + linear skip") → its kept epoch's validation loss.
        public var hiddenValidationLoss: [String: Double]?
        /// The same candidates → the standard error of their per-item validation losses' mean
        /// difference from the lowest's, how clear the choice was (``ValidationChoice``; absent in
        /// heads trained before).
        public var hiddenValidationStandardError: [String: Double]?
        /// With `--sentence-embeddings auto` beside the text channel: "on" / "off" → the
        /// validation loss of the head trained with / without the sentence embeddings.
        public var sentenceEmbeddingsValidationLoss: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case options, history
            case hiddenValidationLoss = "hidden_validation_loss"
            case hiddenValidationStandardError = "hidden_validation_standard_error"
            case sentenceEmbeddingsValidationLoss = "sentence_embeddings_validation_loss"
            case trainCount = "train_count", validationCount = "validation_count", bestEpoch = "best_epoch"
            case epochsRun = "epochs_run", validationLevel1Accuracy = "validation_level1_accuracy"
            case validationLevel2Accuracy = "validation_level2_accuracy"
        }

        public init(options: TrainingOptions, trainCount: Int, validationCount: Int, bestEpoch: Int, epochsRun: Int,
                    validationLevel1Accuracy: Double?, validationLevel2Accuracy: Double?, history: [EpochFigures]? = nil,
                    hiddenValidationLoss: [String: Double]? = nil, hiddenValidationStandardError: [String: Double]? = nil,
                    sentenceEmbeddingsValidationLoss: [String: Double]? = nil) {
            (self.options, self.trainCount, self.validationCount, self.bestEpoch, self.epochsRun) =
                (options, trainCount, validationCount, bestEpoch, epochsRun)
            (self.validationLevel1Accuracy, self.validationLevel2Accuracy) = (validationLevel1Accuracy, validationLevel2Accuracy)
            (self.history, self.hiddenValidationLoss) = (history, hiddenValidationLoss)
            self.hiddenValidationStandardError = hiddenValidationStandardError
            self.sentenceEmbeddingsValidationLoss = sentenceEmbeddingsValidationLoss
        }
    }

    public var config: HeadConfig
    public var taxonomy: Taxonomy
    public var encoders: [String: String]
    public var training: TrainingSummary?

    public init(config: HeadConfig, taxonomy: Taxonomy, encoders: [String: String], training: TrainingSummary?) {
        (self.config, self.taxonomy, self.encoders, self.training) = (config, taxonomy, encoders, training)
    }

    /// The JSON document of head.json.
    struct Document: Codable {
        var format = "vidtag-head"
        var version = 1
        var config: HeadConfig
        var taxonomy: TaxonomyDocument
        var taxonomyName: String
        var taxonomySHA256: String
        var encoders: [String: String]
        var weights: String
        var weightsSHA256: String
        var training: TrainingSummary?

        enum CodingKeys: String, CodingKey {
            case format, version, config, taxonomy, encoders, weights, training
            case taxonomyName = "taxonomy_name", taxonomySHA256 = "taxonomy_sha256", weightsSHA256 = "weights_sha256"
        }
    }

    struct TaxonomyDocument: Codable {
        struct Node: Codable {
            var id: String
            var name: String
            var name_en: String?
            var children: [Node]?
        }
        var name: String
        var categories: [Node]
    }

    /// Writes both files atomically into `directory` (created if missing).
    public func write(model: HeadModel, to directory: String) throws {
        precondition(model.config == config, "HeadCheckpoint.write: the model's config differs")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let weightsPath = URL(fileURLWithPath: directory).appendingPathComponent(Self.weightsFile).path
        let tensors = model.namedParameters().map { (name: $0.name, tensor: Tensor(shape: $0.shape, data: $0.values)) }
        try SafetensorsWriter.write(tensors, metadata: ["format": "vidtag-head"], to: weightsPath)
        let ranges = taxonomy.childRanges
        let tree = TaxonomyDocument(name: taxonomy.name, categories: taxonomy.level1.indices.map { i in
            .init(id: taxonomy.level1[i].id, name: taxonomy.level1[i].name, name_en: taxonomy.level1[i].nameEN,
                  children: ranges[i].map { .init(id: taxonomy.level2[$0].id, name: taxonomy.level2[$0].name,
                                                  name_en: taxonomy.level2[$0].nameEN, children: nil) })
        })
        let document = Document(config: config, taxonomy: tree, taxonomyName: taxonomy.name,
                                taxonomySHA256: taxonomy.sha256, encoders: encoders, weights: Self.weightsFile,
                                weightsSHA256: try SHA256.hexDigest(ofFile: weightsPath), training: training)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        let configPath = URL(fileURLWithPath: directory).appendingPathComponent(Self.configFile)
        try data.write(to: configPath, options: .atomic)
    }

    /// Loads and checks a head: the config is valid, the taxonomy matches it, the weights'
    /// hash matches, and the weight file has exactly the layout's tensors with their shapes.
    public static func load(directory: String) throws(HeadCheckpointError) -> (HeadCheckpoint, HeadModel) {
        let configPath = URL(fileURLWithPath: directory).appendingPathComponent(configFile).path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: configPath))
        } catch {
            throw .unreadable(path: configPath, reason: error.localizedDescription)
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw .malformed(path: configPath, reason: String(describing: error))
        }
        guard document.format == "vidtag-head", document.version == 1 else {
            throw .malformed(path: configPath, reason: "not a vidtag-head version 1 file")
        }
        if let problem = document.config.problem() { throw .malformed(path: configPath, reason: problem) }
        let taxonomy: Taxonomy
        do {
            taxonomy = try Taxonomy.parse(try JSONEncoder().encode(document.taxonomy), source: configPath + " (taxonomy)")
        } catch {
            throw .malformed(path: configPath, reason: String(describing: error))
        }
        guard taxonomy.parents == document.config.parents, taxonomy.level1.count == document.config.level1Count else {
            throw .malformed(path: configPath, reason: "the taxonomy does not match the config's class layout")
        }
        let weightsPath = URL(fileURLWithPath: directory).appendingPathComponent(document.weights).path
        let hash: String
        do {
            hash = try SHA256.hexDigest(ofFile: weightsPath)
        } catch {
            throw .unreadable(path: weightsPath, reason: String(describing: error))
        }
        guard hash == document.weightsSHA256 else {
            throw .hashMismatch(path: weightsPath, expected: document.weightsSHA256, found: hash)
        }
        let values: [Float]
        do {
            values = try loadParameters(path: weightsPath, layout: ParameterLayout(config: document.config))
        } catch {
            throw .weights(error)
        }
        let checkpoint = HeadCheckpoint(config: document.config, taxonomy: taxonomy, encoders: document.encoders,
                                        training: document.training)
        return (checkpoint, HeadModel(config: document.config, parameters: values))
    }

    /// The parameters in the safetensors file at `path`, strictly: exactly `layout`'s tensors
    /// with their shapes.
    private static func loadParameters(path: String, layout: ParameterLayout) throws(WeightLoadError) -> [Float] {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: path) } catch { throw .file(.safetensors(error)) }
        let loader = StrictLoader(file)
        var values = [Float](repeating: 0, count: layout.count)
        for entry in layout.entries {
            values.replaceSubrange(entry.offset..<(entry.offset + entry.count),
                                   with: try loader.tensor(entry.name, shape: entry.shape))
        }
        try loader.finish()
        return values
    }
}
