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

    /// Everything the forward passes produced.
    public struct Output: Sendable {
        public var ids: [String]
        public var predictions: [HierarchicalPrediction]
        /// (N, M) attention weights, empty unless the fusion is attention.
        public var attention: [Float]
        /// (N, M) presence after dropping.
        public var mask: [Float]
        /// (N, F) fused vectors when asked for.
        public var embeddings: [Float]
        /// Mean loss over the labelled items.
        public var loss: Double
        public var labelled: Int
        /// (N) each item's loss (L1 + λ·L2 + β·LH; 0 for an unlabelled item).
        public var itemLosses: [Float]
    }

    public func run(_ model: HeadModel, _ examples: [HeadExample], embeddings wantEmbeddings: Bool = false) -> Output {
        let config = model.config
        let batch = HeadBatch(config: config)
        var random = SeededRandom(seed: seed, stream: "evaluation-dropout")
        let ranges = config.childRanges
        var out = Output(ids: [], predictions: [], attention: [], mask: [], embeddings: [], loss: 0, labelled: 0, itemLosses: [])
        var lossSum: Double = 0
        var start = 0
        while start < examples.count {
            let end = min(start + batchSize, examples.count)
            batch.fill(examples, start..<end, dropout: dropRate, random: &random)
            let terms = model.forward(batch)
            lossSum += terms.total * Double(terms.count)
            out.labelled += terms.count
            let items = model.lossTerms
            out.itemLosses += stride(from: 3, to: items.count, by: 4).map { items[$0] }
            let p1 = model.level1Probabilities, p2 = model.level2Probabilities
            let c1 = config.level1Count, c2 = config.level2Count
            p1.withUnsafeBufferPointer { q1 in
                p2.withUnsafeBufferPointer { q2 in
                    for r in 0..<(end - start) {
                        out.predictions.append(HierarchicalDecoder.decode(
                            p1: q1.baseAddress! + r * c1, p2: q2.baseAddress! + r * c2, parents: config.parents,
                            childRanges: ranges, flat: config.classifier == .flat, threshold: threshold,
                            level1Threshold: level1Threshold, top: top))
                    }
                }
            }
            out.ids += batch.ids
            out.mask += batch.mask
            if let attention = model.attention { out.attention += attention }
            if wantEmbeddings { out.embeddings += model.fused }
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
