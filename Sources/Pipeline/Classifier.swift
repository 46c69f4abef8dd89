import Batch
import Bundles
import Foundation
import Head
import Kernels
import Weights

/// Classifies each input with a trained bundle: the feature extractor's decoding in `prepare`
/// and its encoders in `finish`, or cached feature files (`classify --features`), then the head,
/// giving one ``ClassifyRecord`` line per item (and its fused embedding when asked for).
public struct Classifier: BatchJob {
    /// Where the features come from.
    public enum Source: Sendable {
        /// Media through the bundle's encoders.
        case media(FeatureExtractor)
        /// Feature files from `vidtag extract` (each record's `features` path).
        case featureFiles
    }

    public let trained: TrainedBundle
    public let source: Source
    /// Pairs in each record's `top` list.
    public var top = 5
    /// Withhold level 2 (null) when its probability is below this.
    public var threshold: Float?
    public var level1Threshold: Float?
    /// Where the fused embeddings go, as JSON lines {"id", "embedding"}.
    public var embeddings: OutputJournal?

    public init(trained: TrainedBundle, source: Source) { (self.trained, self.source) = (trained, source) }

    public enum Prepared: @unchecked Sendable {
        case decoded(FeatureExtractor.Decoded)
        case features(FeatureSet, StageTimings)
    }

    public func prepare(_ record: InputRecord) throws -> Prepared {
        switch source {
        case .media(let extractor):
            return .decoded(try extractor.prepare(record))
        case .featureFiles:
            var timings = StageTimings()
            let set = try timings.measure("read") { try FeatureSet.read(path: record.features ?? record.input) }
            return .features(set, timings)
        }
    }

    public func finish(_ prepared: Prepared, record: InputRecord) throws -> String {
        var timings: StageTimings
        let features: FeatureSet
        switch (prepared, source) {
        case let (.decoded(decoded), .media(extractor)):
            timings = decoded.timings
            features = try extractor.encode(decoded, record: record, timings: &timings)
        case let (.features(set, read), _):
            timings = read
            features = set
            try trained.checkEncoders(set.encoders, source: record.input)
        default:
            preconditionFailure("Classifier: prepared item does not match the source")
        }
        let (prediction, embedding) = try timings.measure("head") { try classify(features, record: record) }
        if let embeddings, !embeddings.completed.contains(record.id) {
            try embeddings.write(record: JSONText.encode(EmbeddingLine(id: record.id, embedding: embedding)))
        }
        return JSONText.encode(ClassifyRecord(bundle: trained.identity, prediction: prediction, timings: timings))
    }

    /// The head on one item's features: its prediction record and fused embedding.
    func classify(_ features: FeatureSet, record: InputRecord) throws -> (PredictionRecord, [Float]) {
        let config = trained.model.config
        let example = try HeadExample(id: record.id, tensors: features.tensors, modalities: config.modalities,
                                      texts: features.texts, textChannel: config.textChannel)
        guard example.present.contains(true) else { throw ClassifyError.nothingToClassify(id: record.id) }
        var evaluator = HeadEvaluator(batchSize: 1, threshold: threshold, top: top)
        evaluator.level1Threshold = level1Threshold
        let output = evaluator.run(trained.model, [example], embeddings: true)
        let prediction = PredictionRecord(
            id: record.id, input: record.input, prediction: output.predictions[0], taxonomy: trained.checkpoint.taxonomy,
            modalities: config.modalities.map(\.name), attention: output.attention.isEmpty ? nil : output.attention[...],
            mask: output.mask[...], reasons: features.missing)
        return (prediction, output.embeddings)
    }
}

/// One line of `vidtag classify`: the prediction record with the schema
/// version, the bundle's identity and per-stage seconds:
/// `{"schema_version": 1, "id", "input", "bundle": {"name", "sha256", "pretrained"}, "level1",
///   "level2", "top", "modalities", "missing", "timings": {"decode", "audio", "visual", "text", "head"}}`.
public struct ClassifyRecord: Encodable {
    public static let schemaVersion = 1

    public let bundle: TrainedBundle.Identity
    public let prediction: PredictionRecord
    public let timings: StageTimings

    enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", bundle, timings }

    public func encode(to encoder: Encoder) throws {
        try prediction.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schemaVersion, forKey: .schemaVersion)
        try c.encode(bundle, forKey: .bundle)
        try c.encode(timings, forKey: .timings)
    }
}

/// A line of the embeddings file: the fused vector the head classified, keyed by id.
struct EmbeddingLine: Encodable {
    let id: String
    let embedding: [Float]
}
