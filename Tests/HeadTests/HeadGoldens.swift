import Foundation
import Kernels
import Weights
@testable import Head

/// The PyTorch (float64) reference outputs written by `Scripts/reference/make_head_goldens.py`
/// with `Scripts/reference/head_torch.py`.
struct HeadGoldens {
    struct Config: Decodable {
        struct Modality: Decodable {
            let name: String
            let tensor: String
            let kind: String
            let dim: Int
        }
        struct Optimizer: Decodable {
            let lr: Float
            let warmup: Int
            let total: Int
            let min_fraction: Float
            let weight_decay: Float
            let beta1: Float
            let beta2: Float
            let eps: Float
            let clip: Float
            let steps: Int
            /// The text channel's table learns at this multiple of lr (its own parameter group).
            let text_learning_rate_scale: Float?
            /// NetVLAD's parameters decay at this rate (their own parameter group); absent: weight_decay.
            let netvlad_weight_decay: Float?

            /// The same settings as `vidtag train`'s options, for their parameter groups.
            var trainingOptions: TrainingOptions {
                var options = TrainingOptions()
                options.textLearningRateScale = text_learning_rate_scale ?? 1
                options.netvladWeightDecay = netvlad_weight_decay
                return options
            }
        }
        let modalities: [Modality]
        let parents: [Int]
        let level1_count: Int
        let clusters: Int
        let width: Int
        let tfn_width: Int
        let lmf_rank: Int
        let fused_width: Int
        let hidden1: Int
        let hidden2: Int
        let lambda: Float
        let beta: Float
        let attention_mix: Float
        let seed: UInt64
        let variants: [String]
        let optimizer: Optimizer
        /// The linear baseline's (and the skip's) standardisation per modality name.
        let standardisation: [String: ModalitySpec.Standardisation]?
        /// The text channel (bag modalities' table and hashing), when the head has one.
        let text_channel: CharNgrams?
        let batch: Int
    }

    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/head/head_goldens.safetensors")

    let file: SafetensorsFile
    let config: Config

    /// The text channel's goldens (`Scripts/reference/make_text_channel_goldens.py`).
    static let textChannelURL = url.deletingLastPathComponent().appendingPathComponent("text_channel_goldens.safetensors")

    init(url: URL = Self.url) throws {
        file = try SafetensorsFile(path: url.path)
        config = try JSONDecoder().decode(Config.self, from: Data((file.metadata["config"] ?? "{}").utf8))
    }

    var modalities: [ModalitySpec] {
        config.modalities.map { ModalitySpec(name: $0.name, tensor: $0.tensor, kind: .init(rawValue: $0.kind)!, dim: $0.dim) }
    }

    /// The head config of a variant such as "tfn_hmc", "attention_hmc_flattened" or
    /// "attention_hmc_both_residual": fusion, classifier, then in this order whichever differ from
    /// the reference's defaults: NetVLAD form, sequence pooling, attention scale, the appended sum
    /// reaching level 2 alone (`level2`), attention scores (`own`), absent blocks, linear channels
    /// (`hidden0`).
    func headConfig(_ variant: String) -> HeadConfig {
        let parts = variant.split(separator: "_").map(String.init)
        var c = HeadConfig(modalities: modalities, parents: config.parents, level1Count: config.level1_count)
        c.fusion = HeadConfig.Fusion(rawValue: parts[0])!
        c.classifier = HeadConfig.Classifier(rawValue: parts[1])!
        c.attentionScale = .convex  // the reference's default: a suffix names any other
        var rest = parts.dropFirst(2)
        if let form = rest.first.flatMap(HeadConfig.NetVLADForm.init(rawValue:)) { c.netvlad = form; rest = rest.dropFirst() }
        if let pooling = rest.first.flatMap(HeadConfig.SequencePooling.init(rawValue:)) { c.pooling = pooling; rest = rest.dropFirst() }
        if let scale = rest.first.flatMap(HeadConfig.AttentionScale.init(rawValue:)) { c.attentionScale = scale; rest = rest.dropFirst() }
        c.attentionReaches = .both  // likewise
        if rest.first == "level2" { c.attentionReaches = .level2; rest = rest.dropFirst() }
        c.attentionScores = .joint  // likewise
        if rest.first == "own" { c.attentionScores = .own; rest = rest.dropFirst() }
        c.absent = .zero  // likewise
        if let absent = rest.first.flatMap(HeadConfig.AbsentModality.init(rawValue:)) { c.absent = absent; rest = rest.dropFirst() }
        let linearChannels = rest.first == "hidden0"
        if linearChannels { rest = rest.dropFirst() }
        if rest.first == "skip" { c.linearSkip = true; rest = rest.dropFirst() }
        precondition(rest.isEmpty, "HeadGoldens: unknown variant \(variant)")
        if c.fusion == .linear || c.linearSkip {
            for j in c.modalities.indices { c.modalities[j].standardisation = config.standardisation?[c.modalities[j].name] }
        }
        c.textChannel = config.text_channel
        c.clusters = config.clusters
        c.width = config.width
        c.tfnWidth = config.tfn_width
        c.lmfRank = config.lmf_rank
        c.fusedWidth = config.fused_width
        (c.hidden1, c.hidden2) = linearChannels ? (0, 0) : (config.hidden1, config.hidden2)
        c.lambda = config.lambda
        c.beta = config.beta
        c.attentionMix = config.attention_mix
        return c
    }

    /// The batch's items as examples, labelled with the golden targets; bags take the stored ids.
    func examples() throws -> [HeadExample] {
        let targets = try file.floats("targets")
        return try (0..<config.batch).map { b in
            var tensors: [String: Tensor] = [:]
            for spec in modalities where spec.kind != .bag && file.names.contains("input.\(b).\(spec.tensor)") {
                tensors[spec.tensor] = try file.tensor("input.\(b).\(spec.tensor)")
            }
            var example = try HeadExample(id: "item\(b)", tensors: tensors, modalities: modalities,
                                          level1: Int(targets[b * 2]), level2: Int(targets[b * 2 + 1]))
            for (j, spec) in modalities.enumerated() where spec.kind == .bag && file.names.contains("input.\(b).\(spec.tensor)") {
                example.features[j] = try file.floats("input.\(b).\(spec.tensor)")
                example.rows[j] = example.features[j].count
            }
            return example
        }
    }

    func floats(_ name: String) throws -> [Float] { try file.floats(name) }
}

/// max |a − b|, infinite when the lengths differ.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// max |a − b| / max(max |b|, floor): the error relative to the tensor's scale.
func scaledDifference(_ a: [Float], _ b: [Float], floor: Float = 1e-6) -> Float {
    let scale = max(b.map(abs).max() ?? 0, floor)
    return maxAbsDifference(a, b) / scale
}
