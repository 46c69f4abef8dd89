import Foundation
import Kernels
import Weights

/// A trained head on disk: `<dir>/head.safetensors` (the parameters, by their
/// ``ParameterLayout`` names) and `<dir>/head.json` (the config, the whole taxonomy, the
/// encoder hashes the features came from, the weights' SHA-256 and a training summary).
/// A ``HeadMixture`` of several heads (version 2) adds `head.2.safetensors`, … and a `mixture`
/// list in head.json: each member's config, weight, file and SHA-256; `config` and `weights` are
/// then the first (heaviest) member's. The files are written
/// deterministically: the same training gives the same bytes.
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
        /// With `--auto-keeps mixture`: each candidate → its weight in the kept mixture (0: left
        /// out; absent when one head was kept).
        public var mixtureWeights: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case options, history
            case mixtureWeights = "mixture_weights"
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
                    mixtureWeights: [String: Double]? = nil, sentenceEmbeddingsValidationLoss: [String: Double]? = nil) {
            (self.options, self.trainCount, self.validationCount, self.bestEpoch, self.epochsRun) =
                (options, trainCount, validationCount, bestEpoch, epochsRun)
            (self.validationLevel1Accuracy, self.validationLevel2Accuracy) = (validationLevel1Accuracy, validationLevel2Accuracy)
            (self.history, self.hiddenValidationLoss) = (history, hiddenValidationLoss)
            self.hiddenValidationStandardError = hiddenValidationStandardError
            self.sentenceEmbeddingsValidationLoss = sentenceEmbeddingsValidationLoss
            self.mixtureWeights = mixtureWeights
        }
    }

    public var config: HeadConfig
    public var taxonomy: Taxonomy
    public var encoders: [String: String]
    public var training: TrainingSummary?
    /// The weight files head.json names, the first member's first (set by ``load(directory:)``).
    public private(set) var weightFiles = [Self.weightsFile]

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
        /// Version 2: every member of the mixture, the first being `config` and `weights`.
        var mixture: [Member]?

        enum CodingKeys: String, CodingKey {
            case format, version, config, taxonomy, encoders, weights, training, mixture
            case taxonomyName = "taxonomy_name", taxonomySHA256 = "taxonomy_sha256", weightsSHA256 = "weights_sha256"
        }
    }

    /// One head of a mixture: its config, its weight and its file.
    struct Member: Codable {
        var config: HeadConfig
        var weight: Double
        var weights: String
        var weightsSHA256: String

        enum CodingKeys: String, CodingKey {
            case config, weight, weights
            case weightsSHA256 = "weights_sha256"
        }
    }

    /// The weight file of member k (0-based): head.safetensors, head.2.safetensors, ….
    static func weightsFile(member k: Int) -> String { k == 0 ? weightsFile : "head.\(k + 1).safetensors" }

    /// The head weight files in `directory`: head.safetensors and members' head.N.safetensors
    /// (N ≥ 2; other files are not the head's), none if the folder is missing.
    public static func weightsFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            guard name != weightsFile else { return true }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 3 && parts[0] == "head" && parts[2] == "safetensors" && (Int(parts[1]) ?? 0) >= 2
        }.sorted()
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
        try write(mixture: HeadMixture(model), to: directory)
    }

    /// Writes the mixture's weight files and head.json atomically into `directory` (created if
    /// missing); `config` must be the mixture's first member's.
    public func write(mixture: HeadMixture, to directory: String) throws {
        precondition(mixture.config == config, "HeadCheckpoint.write: the model's config differs")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var members: [Member] = []
        for (k, model) in mixture.members.enumerated() {
            let file = Self.weightsFile(member: k)
            let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
            let tensors = model.namedParameters().map { (name: $0.name, tensor: Tensor(shape: $0.shape, data: $0.values)) }
            try SafetensorsWriter.write(tensors, metadata: ["format": "vidtag-head"], to: path)
            members.append(Member(config: model.config, weight: mixture.weights[k],
                                  weights: file, weightsSHA256: try SHA256.hexDigest(ofFile: path)))
        }
        // A larger mixture written here before would leave member files head.json no longer names.
        for stale in Self.weightsFiles(in: directory) where !members.contains(where: { $0.weights == stale }) {
            try FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).appendingPathComponent(stale).path)
        }
        let ranges = taxonomy.childRanges
        let tree = TaxonomyDocument(name: taxonomy.name, categories: taxonomy.level1.indices.map { i in
            .init(id: taxonomy.level1[i].id, name: taxonomy.level1[i].name, name_en: taxonomy.level1[i].nameEN,
                  children: ranges[i].map { .init(id: taxonomy.level2[$0].id, name: taxonomy.level2[$0].name,
                                                  name_en: taxonomy.level2[$0].nameEN, children: nil) })
        })
        let document = Document(version: members.count > 1 ? 2 : 1, config: config, taxonomy: tree, taxonomyName: taxonomy.name,
                                taxonomySHA256: taxonomy.sha256, encoders: encoders, weights: members[0].weights,
                                weightsSHA256: members[0].weightsSHA256, training: training,
                                mixture: members.count > 1 ? members : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        let configPath = URL(fileURLWithPath: directory).appendingPathComponent(Self.configFile)
        try data.write(to: configPath, options: .atomic)
    }

    /// Loads and checks a head: the config is valid, the taxonomy matches it, and for every
    /// member the weights' hash matches and the weight file has exactly the layout's tensors with
    /// their shapes.
    public static func load(directory: String) throws(HeadCheckpointError) -> (HeadCheckpoint, HeadMixture) {
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
        guard document.format == "vidtag-head", [1, 2].contains(document.version) else {
            throw .malformed(path: configPath, reason: "not a vidtag-head file of version 1 or 2 (format \"\(document.format)\", version \(document.version))")
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
        let members = try Self.members(document, path: configPath)
        var models: [HeadModel] = []
        for member in members {
            let config = member.config
            if let problem = config.problem() { throw .malformed(path: configPath, reason: "mixture member \(member.weights): \(problem)") }
            guard config.sameClassesAndInputs(as: document.config) else {
                throw .malformed(path: configPath, reason: "mixture member \(member.weights) differs from \"config\" in more than "
                    + "the hidden width and the linear skip")
            }
            let weightsPath = URL(fileURLWithPath: directory).appendingPathComponent(member.weights).path
            let hash: String
            do {
                hash = try SHA256.hexDigest(ofFile: weightsPath)
            } catch {
                throw .unreadable(path: weightsPath, reason: String(describing: error))
            }
            guard hash == member.weightsSHA256 else {
                throw .hashMismatch(path: weightsPath, expected: member.weightsSHA256, found: hash)
            }
            let values: [Float]
            do {
                values = try loadParameters(path: weightsPath, layout: ParameterLayout(config: config))
            } catch {
                throw .weights(error)
            }
            models.append(HeadModel(config: config, parameters: values))
        }
        var checkpoint = HeadCheckpoint(config: document.config, taxonomy: taxonomy, encoders: document.encoders,
                                        training: document.training)
        checkpoint.weightFiles = members.map(\.weights)
        return (checkpoint, HeadMixture(members: models, weights: members.map(\.weight)))
    }

    /// The members head.json describes: version 1, the one head of `config` and `weights`;
    /// version 2, its `mixture`, whose first member must be that head, with weights ≥ 0 summing to 1.
    private static func members(_ document: Document, path: String) throws(HeadCheckpointError) -> [Member] {
        let main = Member(config: document.config, weight: 1, weights: document.weights, weightsSHA256: document.weightsSHA256)
        guard document.version == 2 else { return [main] }
        guard let mixture = document.mixture, mixture.count > 1 else {
            throw .malformed(path: path, reason: "version 2 needs a \"mixture\" of at least two members")
        }
        guard mixture[0].weights == main.weights, mixture[0].weightsSHA256 == main.weightsSHA256,
              mixture[0].config == main.config else {
            throw .malformed(path: path, reason: "the mixture's first member is not the head of \"config\" and \"weights\"")
        }
        let total = mixture.reduce(0) { $0 + $1.weight }
        guard mixture.allSatisfy({ $0.weight >= 0 && $0.weight.isFinite }), abs(total - 1) < 1e-6 else {
            throw .malformed(path: path, reason: "the mixture's weights must be ≥ 0 and sum to 1, found "
                + mixture.map { String($0.weight) }.joined(separator: ", "))
        }
        guard Set(mixture.map(\.weights)).count == mixture.count else {
            throw .malformed(path: path, reason: "two mixture members share a weight file")
        }
        return mixture
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
