/// A minibatch laid out for the head: per modality, the packed frames (sequences) or a
/// (B, D) matrix (vectors and sets, zero rows where absent), the presence mask and the targets.
/// Storage is reused from batch to batch.
public final class HeadBatch: @unchecked Sendable {
    public let config: HeadConfig
    /// B.
    public private(set) var count = 0
    /// (B, M): 1 where the modality is present (and not dropped), else 0.
    public private(set) var mask: [Float] = []
    /// Per modality: frames (N, D) for sequences, n-gram ids (N) for bags, (B, D) for vectors and sets.
    let inputs: [FloatBuffer]
    /// Per modality: B+1 row offsets into the packed frames or ids (sequences and bags).
    public private(set) var offsets: [[Int]]
    public private(set) var targets1: [Int] = []
    public private(set) var targets2: [Int] = []
    public private(set) var ids: [String] = []
    /// (B) whether modal dropout changed the item (hid a modality it has).
    public private(set) var changed: [Bool] = []
    /// (B) each item's weight in the loss, as ``weigh(_:)`` set it after the last fill (the
    /// trainer's ``ModalDropoutWeight``); empty (every weight 1, nothing to multiply) until then.
    public private(set) var lossWeights: [Float] = []
    /// (B, S) the linear skip's input (``LinearSkip``), when the config has one; else empty.
    public private(set) var skipInputs: [Float] = []

    public init(config: HeadConfig) {
        self.config = config
        inputs = config.modalities.map { _ in FloatBuffer(count: 0) }
        offsets = config.modalities.map { _ in [0] }
    }

    /// Fills the batch with `examples[indices]`. With `dropout`, each example's modalities pass
    /// through ``ModalDropout/keep(present:rate:random:)`` first. `dropoutReachesSkip` false (modal
    /// dropout in training) hides the dropped modalities from the network alone: the linear
    /// skip still reads them; true (missing modalities at evaluation) hides them from both.
    public func fill(_ examples: [HeadExample], _ indices: some Collection<Int>,
                     dropout rate: Double = 0, random: inout SeededRandom, dropoutReachesSkip: Bool = true) {
        let b = indices.count
        let m = config.modalityCount
        count = b
        mask = [Float](repeating: 0, count: b * m)
        targets1 = indices.map { examples[$0].level1 }
        targets2 = indices.map { examples[$0].level2 }
        ids = indices.map { examples[$0].id }
        var kept: [[Bool]] = []
        for index in indices {
            let present = examples[index].present
            kept.append(rate > 0 ? ModalDropout.keep(present: present, rate: rate, random: &random) : present)
        }
        changed = zip(indices, kept).map { examples[$0].present != $1 }
        lossWeights = []
        for (j, spec) in config.modalities.enumerated() {
            let isPacked = spec.kind == .sequence || spec.kind == .bag
            let d = spec.kind == .bag ? 1 : spec.dim
            if isPacked {
                var offs = [0]
                for (r, index) in indices.enumerated() {
                    offs.append(offs.last! + (kept[r][j] ? examples[index].rows[j] : 0))
                }
                inputs[j].ensure(offs.last! * d)
                let base = inputs[j].pointer
                for (r, index) in indices.enumerated() where kept[r][j] {
                    examples[index].features[j].withUnsafeBufferPointer {
                        (base + offs[r] * d).update(from: $0.baseAddress!, count: $0.count)
                    }
                }
                offsets[j] = offs
            } else {
                inputs[j].ensure(b * d)
                let base = inputs[j].pointer
                for (r, index) in indices.enumerated() {
                    if kept[r][j] {
                        examples[index].features[j].withUnsafeBufferPointer {
                            (base + r * d).update(from: $0.baseAddress!, count: d)
                        }
                    } else {
                        (base + r * d).update(repeating: 0, count: d)
                    }
                }
            }
            for r in 0..<b where kept[r][j] { mask[r * m + j] = 1 }
        }
        if config.linearSkip {
            let seen = dropoutReachesSkip ? kept : indices.map { examples[$0].present }
            fillSkip(examples, indices, seen: seen)
        }
    }

    /// Sets the items' loss weights: (B), or empty for every item weighing 1.
    public func weigh(_ weights: [Float]) {
        precondition(weights.isEmpty || weights.count == count, "HeadBatch.weigh: \(weights.count) weights for \(count) items")
        lossWeights = weights
    }

    /// skipInputs (B, S): per item and skip modality, the standardised mean of its rows where
    /// `seen`, zeros elsewhere.
    private func fillSkip(_ examples: [HeadExample], _ indices: some Collection<Int>, seen: [[Bool]]) {
        let s = config.skipWidth, skipped = config.skipModalities
        skipInputs = [Float](repeating: 0, count: indices.count * s)
        var mean = [Float](repeating: 0, count: skipped.map { config.modalities[$0].dim }.max() ?? 0)
        skipInputs.withUnsafeMutableBufferPointer { out in
            for (r, index) in indices.enumerated() {
                var column = 0
                for j in skipped {
                    let spec = config.modalities[j], d = spec.dim, rows = examples[index].rows[j]
                    defer { column += d }
                    guard seen[r][j], rows > 0 else { continue }
                    for i in 0..<d { mean[i] = 0 }
                    examples[index].features[j].withUnsafeBufferPointer { x in
                        for t in 0..<rows { for i in 0..<d { mean[i] += x[t * d + i] } }
                    }
                    for i in 0..<d { mean[i] /= Float(rows) }
                    LinearSkip.standardise(out.baseAddress! + r * s + column, mean, spec.standardisation, dim: d)
                }
            }
        }
    }

    /// Fills without dropout.
    public func fill(_ examples: [HeadExample], _ indices: some Collection<Int>) {
        var unused = SeededRandom(seed: 0)
        fill(examples, indices, dropout: 0, random: &unused)
    }
}
