/// Runs a trained head over examples (forward only, in batches) and decodes tree-consistent
/// predictions; optionally drops modalities at random first, to measure robustness to missing
/// modalities (each present modality of an item is removed with probability `dropRate`, never
/// all of them: ``ModalDropout``).
public struct HeadEvaluator {
    public var batchSize = 256
    public var dropRate: Double = 0
    public var seed: UInt64 = 0
    public var threshold: Float?
    /// Below this p1, an item's level 1 is withheld too ("unknown").
    public var level1Threshold: Float?
    public var top = 5

    public init(batchSize: Int = 256, dropRate: Double = 0, seed: UInt64 = 0, threshold: Float? = nil, top: Int = 5) {
        (self.batchSize, self.dropRate, self.seed, self.threshold, self.top) = (batchSize, dropRate, seed, threshold, top)
    }

    /// Everything the forward passes produced (for a mixture: of the mixed probabilities; the
    /// losses are the members' losses, weighted).
    public struct Output: Sendable {
        public var ids: [String]
        public var predictions: [HierarchicalPrediction]
        /// (N, M) attention weights, empty unless the fusion is attention.
        public var attention: [Float]
        /// (N, M) presence after dropping.
        public var mask: [Float]
        /// (N, F) fused vectors when asked for (a mixture's first member's).
        public var embeddings: [Float]
        /// Mean loss over the labelled items.
        public var loss: Double
        public var labelled: Int
        /// (N) each item's loss (L1 + λ·L2 + β·LH; 0 for an unlabelled item).
        public var itemLosses: [Float]
        /// (N) each item's probability of its true classes, p1(level 1)·p2(level 2) (0 for an
        /// unlabelled item): what ``MixtureWeights`` fits.
        public var itemLikelihoods: [Double]
    }

    public func run(_ model: HeadModel, _ examples: [HeadExample], embeddings wantEmbeddings: Bool = false) -> Output {
        run(HeadMixture(model), examples, embeddings: wantEmbeddings)
    }

    public func run(_ mixture: HeadMixture, _ examples: [HeadExample], embeddings wantEmbeddings: Bool = false) -> Output {
        let config = mixture.config
        // One batch per member: a member with the linear skip needs its inputs filled too.
        let batches = mixture.members.map { HeadBatch(config: $0.config) }
        var random = SeededRandom(seed: seed, stream: "evaluation-dropout")
        let ranges = config.childRanges
        let c1 = config.level1Count, c2 = config.level2Count, m = config.modalityCount
        var out = Output(ids: [], predictions: [], attention: [], mask: [], embeddings: [], loss: 0, labelled: 0,
                         itemLosses: [], itemLikelihoods: [])
        var lossSum: Double = 0
        var start = 0
        while start < examples.count {
            let end = min(start + batchSize, examples.count)
            let b = end - start
            // Every member sees the same drops: each fill starts from the same random state.
            let before = random
            for batch in batches {
                random = before
                batch.fill(examples, start..<end, dropout: dropRate, random: &random)
            }
            // (B, C1), (B, C2), (B, M), (B) mixed over the members
            var p1 = [Float](repeating: 0, count: b * c1), p2 = [Float](repeating: 0, count: b * c2)
            var attention = [Float](repeating: 0, count: b * m), losses = [Float](repeating: 0, count: b)
            var attentionWeight: Float = 0
            for (k, (model, batch)) in zip(mixture.members, batches).enumerated() {
                let w = Float(mixture.weights[k])
                let terms = model.forward(batch)
                lossSum += Double(w) * terms.total * Double(terms.count)
                let items = model.lossTerms  // (B, 4): L1, L2, LH, total
                for r in 0..<b { losses[r] += w * items[4 * r + 3] }
                for (i, p) in model.level1Probabilities.enumerated() { p1[i] += w * p }
                for (i, p) in model.level2Probabilities.enumerated() { p2[i] += w * p }
                if let a = model.attention {
                    for i in a.indices { attention[i] += w * a[i] }
                    attentionWeight += w
                }
                if k == 0 {
                    out.labelled += terms.count
                    if wantEmbeddings { out.embeddings += model.fused }
                }
            }
            p1.withUnsafeBufferPointer { q1 in
                p2.withUnsafeBufferPointer { q2 in
                    for r in 0..<b {
                        out.predictions.append(HierarchicalDecoder.decode(
                            p1: q1.baseAddress! + r * c1, p2: q2.baseAddress! + r * c2, parents: config.parents,
                            childRanges: ranges, flat: config.classifier == .flat, threshold: threshold,
                            level1Threshold: level1Threshold, top: top))
                    }
                }
            }
            for r in 0..<b {
                let e = examples[start + r]
                out.itemLikelihoods.append(e.level2 >= 0 ? Double(p1[r * c1 + e.level1]) * Double(p2[r * c2 + e.level2]) : 0)
            }
            out.itemLosses += losses
            out.ids += batches[0].ids
            out.mask += batches[0].mask
            if attentionWeight > 0 { out.attention += attention.map { $0 / attentionWeight } }
            start = end
        }
        out.loss = lossSum / Double(max(out.labelled, 1))
        return out
    }

    /// Metrics over the labelled examples (`examples` as given to `run`).
    public func metrics(_ output: Output, examples: [HeadExample], config: HeadConfig, taxonomy: Taxonomy) -> EvaluationMetrics {
        let m = config.modalityCount
        var truth1: [Int] = [], truth2: [Int] = [], predictions: [HierarchicalPrediction] = []
        var attention = [Double](repeating: 0, count: m), presence = [Double](repeating: 0, count: m)
        for (r, example) in examples.enumerated() {
            for j in 0..<m {
                presence[j] += Double(output.mask[r * m + j])
                if !output.attention.isEmpty { attention[j] += Double(output.attention[r * m + j]) }
            }
            guard example.level2 >= 0 else { continue }
            truth1.append(example.level1)
            truth2.append(example.level2)
            predictions.append(output.predictions[r])
        }
        let n = Double(max(examples.count, 1))
        let names = config.modalities.map(\.name)
        return EvaluationMetrics.compute(
            truth1: truth1, truth2: truth2, predictions: predictions, taxonomy: taxonomy,
            attention: output.attention.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: zip(names, attention.map { $0 / n })),
            presence: Dictionary(uniqueKeysWithValues: zip(names, presence.map { $0 / n })), loss: output.loss)
    }

    /// Level-1 and level-2 accuracy of the decoded predictions over the labelled examples.
    public static func accuracies(_ output: Output, _ examples: [HeadExample]) -> (level1: Double, level2: Double) {
        var n = 0, a1 = 0, a2 = 0
        for (r, e) in examples.enumerated() where e.level2 >= 0 {
            n += 1
            if output.predictions[r].level1 == e.level1 { a1 += 1 }
            if output.predictions[r].level2 == e.level2 { a2 += 1 }
        }
        return (Double(a1) / Double(max(n, 1)), Double(a2) / Double(max(n, 1)))
    }
}
