import Weights

/// The classifier head: parameters and gradients in flat buffers (see ``ParameterLayout``),
/// activations in a reusable workspace, a forward pass over a ``HeadBatch`` and a hand-written
/// backward pass — llm.c's `gpt2_forward`/`gpt2_backward` structure.
///
/// Data flow for a batch of B items, M modalities, block width P, fused width F:
///   sequence modality: frames (N, D) → NetVLAD → (B, D), or (B, K·D) in the flattened form;
///                      or the mean frame (B, D); or both side by side
///   every modality:    (B, D) → Linear + ReLU, masked → block m of E (B, M·P)
///   fusion:            E → fused (B, F)         attention | concat | TFN | LMF
///                      (attention, concat: an absent modality's block is zero or learned)
///   classifier:        fused → logits1 (B, C1), logits2 (B, C2)   HMC | flat
///                      (+ the linear skip's X·Wᵀ, X (B, S) the standardised mean features)
///   loss:              L1 + λ·L2 + β·LH
/// Not thread-safe: one model per thread (the GEMMs are multi-threaded inside).
public final class HeadModel: @unchecked Sendable {
    public let config: HeadConfig
    public let layout: ParameterLayout
    /// All parameters, in layout order.
    public let parameters: FloatBuffer
    /// ∂L/∂parameters after ``backward()``, same layout.
    public let gradients: FloatBuffer
    let childRanges: [Range<Int>]
    let workspace = Workspace()
    /// The batch of the last forward pass (backward needs it).
    private(set) var lastBatch: HeadBatch?

    /// A head with seeded initial parameters (``SeededWeights`` rules: He-uniform for matrices,
    /// small uniform biases, 0.8–1.2 for `rank_weight`), reproduced by
    /// `Scripts/reference/head_torch.py`.
    public convenience init(config: HeadConfig, seed: UInt64) {
        let layout = ParameterLayout(config: config)
        var values = [Float](repeating: 0, count: layout.count)
        for entry in layout.entries {
            var v = SeededWeights.generate(name: entry.name, shape: entry.shape, seed: seed)
            if entry.name == LinearSkip.level1 || entry.name == LinearSkip.level2 {
                // The skip starts as no skip: the network's logits alone.
                v = v.map { _ in 0 }
            } else if entry.name == Self.textTable {
                // fastText's U(−1/E, 1/E) rather than He-uniform U(−√(6/E), √(6/E)): the rows of
                // n-grams seen in training then soon outweigh their random start.
                let scale = 1 / Float(6 * entry.shape[1]).squareRoot()
                v = v.map { $0 * scale }
            }
            values.replaceSubrange(entry.offset..<(entry.offset + entry.count), with: v)
        }
        self.init(config: config, parameters: values)
    }

    /// A head with the given flat parameters (layout order).
    public init(config: HeadConfig, parameters values: [Float]) {
        if let problem = config.problem() { preconditionFailure("HeadModel: invalid config: \(problem)") }
        self.config = config
        layout = ParameterLayout(config: config)
        precondition(values.count == layout.count, "HeadModel: \(values.count) parameters, layout has \(layout.count)")
        parameters = FloatBuffer(values)
        gradients = FloatBuffer(count: layout.count)
        childRanges = config.childRanges
    }

    /// The text channel's table (``EmbeddingBag``).
    static let textTable = "chars.table"

    /// Number of parameters.
    public var parameterCount: Int { layout.count }

    func param(_ name: String) -> UnsafeMutablePointer<Float> { parameters.pointer + layout.offset(name) }
    func grad(_ name: String) -> UnsafeMutablePointer<Float> { gradients.pointer + layout.offset(name) }

    /// The parameters as named tensors, for checkpoints.
    public func namedParameters() -> [(name: String, shape: [Int], values: [Float])] {
        layout.entries.map { e in
            (e.name, e.shape, Array(UnsafeBufferPointer(start: parameters.pointer + e.offset, count: e.count)))
        }
    }

    /// The gradients as named arrays.
    public func namedGradients() -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: layout.entries.map { e in
            (e.name, Array(UnsafeBufferPointer(start: gradients.pointer + e.offset, count: e.count)))
        })
    }

    // MARK: - Forward

    /// Runs the head on `batch`; returns the mean loss terms over its labelled items, each
    /// times its ``HeadBatch/lossWeights`` entry (zeros when none is labelled). Probabilities,
    /// attention and the fused vectors are then readable.
    @discardableResult
    public func forward(_ batch: HeadBatch) -> LossTerms {
        precondition(batch.config == config, "HeadModel.forward: batch built for another config")
        lastBatch = batch
        let c = config, ws = workspace
        let bsz = batch.count, c1 = c.level1Count, c2 = c.level2Count
        let logits2 = ws.get("logits2", bsz * c2)
        let logits1 = c.fusion == .linear ? linearForward(batch, logits2: logits2) : networkForward(batch, logits2: logits2)

        // 4. Probabilities and loss.
        let terms = ws.get("terms", bsz * 4)
        HierarchicalLoss.forward(terms: terms, p1: ws.get("p1", bsz * c1), p2: ws.get("p2", bsz * c2),
                                 logits1: logits1, logits2: logits2, targets1: batch.targets1,
                                 targets2: batch.targets2, parents: c.parents, childRanges: childRanges,
                                 lambda: c.lambda, beta: c.beta, batch: bsz, level1: c1, level2: c2)
        var sums = [Double](repeating: 0, count: 4)
        var labelled = 0
        for b in 0..<bsz where batch.targets2[b] >= 0 {
            labelled += 1
            let w = batch.lossWeights.isEmpty ? 1 : Double(batch.lossWeights[b])
            for t in 0..<4 { sums[t] += w * Double(terms[b * 4 + t]) }
        }
        let n = Double(max(labelled, 1))
        return LossTerms(level1: sums[0] / n, level2: sums[1] / n, hierarchy: sums[2] / n, total: sums[3] / n,
                         count: labelled)
    }

    /// Steps 1–3 of `forward` for every head but the linear baseline: pooling and projection,
    /// fusion, classifier; writes logits2 (B, C2) and returns logits1 (B, C1), nil for `flat`.
    private func networkForward(_ batch: HeadBatch, logits2: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let c = config, ws = workspace
        let bsz = batch.count, m = c.modalityCount, p = c.blockWidth, f = c.fusedDimension
        let c1 = c.level1Count, c2 = c.level2Count

        // 1. Pool and project each modality into its block of E (B, M·P).
        let blocks = ws.get("blocks", bsz * m * p)
        for (j, spec) in c.modalities.enumerated() {
            let x = input(j, spec, batch)
            let width = c.pooledWidth(spec)
            Dense.forward(out: blocks + j * p, ldOut: m * p, inp: x, ldInp: width,
                          weight: param("proj.\(spec.name).weight"), bias: param("proj.\(spec.name).bias"),
                          rows: bsz, inFeatures: width, outFeatures: p)
            for b in 0..<bsz {
                let row = blocks + b * m * p + j * p
                if batch.mask[b * m + j] == 0 {
                    row.update(repeating: 0, count: p)
                } else {
                    for i in 0..<p { row[i] = max(row[i], 0) }
                }
            }
        }

        // 2. Fuse.
        let fused: UnsafeMutablePointer<Float>
        switch c.fusion {
        case .concat:
            fused = blocks
        case .linear:
            preconditionFailure("HeadModel: the linear baseline has no fusion")
        case .attention:
            fused = ws.get("fused", bsz * f)
            batch.mask.withUnsafeBufferPointer { mask in
                AttentionFusion.forward(fused: fused, probs: ws.get("attention", bsz * m), blocks: blocks,
                                        mask: mask.baseAddress!, weight: param("fusion.attention.weight"),
                                        bias: param("fusion.attention.bias"), batch: bsz, modalities: m, width: p,
                                        scores: c.attentionScores, form: c.attentionScale, mix: c.attentionMix)
            }
        case .tfn:
            fused = ws.get("fused", bsz * f)
            TensorFusion.forward(fused: fused, tensor: ws.get("tfn.tensor", bsz * c.tfnTensorSize), blocks: blocks,
                                 weight: param("fusion.tfn.weight"), bias: param("fusion.tfn.bias"),
                                 batch: bsz, modalities: m, width: p, outFeatures: f)
        case .lmf:
            fused = ws.get("fused", bsz * f)
            LowRankFusion.forward(fused: fused, hats: ws.get("lmf.hats", m * bsz * (p + 1)),
                                  factorsOut: ws.get("lmf.factors", m * bsz * c.lmfRank * f), blocks: blocks,
                                  factors: c.modalities.map { param("fusion.lmf.factor.\($0.name)") },
                                  rankWeight: param("fusion.lmf.rank_weight"), bias: param("fusion.lmf.bias"),
                                  batch: bsz, modalities: m, width: p, rank: c.lmfRank, outFeatures: f)
        }

        // Absent modalities' blocks (for concat, written over the zero blocks of E).
        if c.learnsAbsentBlocks {
            batch.mask.withUnsafeBufferPointer { mask in
                AbsentBlocks.forward(fused: fused, fusedWidth: f, absent: c.modalities.map { param("fusion.absent.\($0.name)") },
                                     mask: mask.baseAddress!, batch: bsz, modalities: m, width: p)
            }
        }

        // 3. Classify.
        var logits1: UnsafeMutablePointer<Float>?
        switch c.classifier {
        case .hmc:
            logits1 = ws.get("logits1", bsz * c1)
            HMCClassifier.forward(logits1: logits1!, logits2: logits2, h1: ws.get("h1", bsz * c.hidden1),
                                  g: ws.get("g", bsz * (f + c.hidden1)), h2: ws.get("h2", bsz * c.hidden2),
                                  fused: fused, weights: hmcWeights(param), batch: bsz, fusedWidth: f,
                                  level1Width: c.level1InputWidth,
                                  hidden1: c.hidden1, hidden2: c.hidden2, level1: c1, level2: c2)
        case .flat:
            FlatClassifier.forward(logits2: logits2, h2: ws.get("h2", bsz * c.hidden2), fused: fused,
                                   weights: flatWeights(param), batch: bsz, fusedWidth: f,
                                   hidden2: c.hidden2, level2: c2)
        }
        if c.linearSkip {
            let s = c.skipWidth
            batch.skipInputs.withUnsafeBufferPointer { x in
                if let logits1 {
                    LinearSkip.forward(logits: logits1, input: x.baseAddress!, weight: param(LinearSkip.level1),
                                       batch: bsz, width: s, classes: c1)
                }
                LinearSkip.forward(logits: logits2, input: x.baseAddress!, weight: param(LinearSkip.level2),
                                   batch: bsz, width: s, classes: c2)
            }
        }
        return logits1
    }

    /// The (B, D') input of modality j: for sequences the pooled frames (the mean frame,
    /// NetVLAD's vector, or both side by side: D' = `pooledWidth`), for bags the mean of their
    /// ids' table rows (D' = E), the batch's matrix otherwise.
    private func input(_ j: Int, _ spec: ModalitySpec, _ batch: HeadBatch) -> UnsafeMutablePointer<Float> {
        if spec.kind == .bag {
            let pooled = workspace.get("pooled.\(spec.name)", batch.count * spec.dim)
            EmbeddingBag.forward(pooled: pooled, table: param(Self.textTable), ids: batch.inputs[j].pointer,
                                 offsets: batch.offsets[j], batch: batch.count, dim: spec.dim)
            return pooled
        }
        guard spec.kind == .sequence else { return batch.inputs[j].pointer }
        let ws = workspace, k = config.clusters, d = spec.dim, bsz = batch.count
        let offsets = batch.offsets[j], frames = batch.inputs[j].pointer
        let name = spec.name
        let width = config.pooledWidth(spec)
        let pooled = ws.get("pooled.\(name)", bsz * width)
        if config.sequencePooling.usesMean {
            for b in 0..<bsz {
                let row = pooled + b * width, t = offsets[b + 1] - offsets[b]
                row.update(repeating: 0, count: d)
                for i in offsets[b]..<offsets[b + 1] {
                    let frame = frames + i * d
                    for c in 0..<d { row[c] += frame[c] }
                }
                if t > 0 { for c in 0..<d { row[c] /= Float(t) } }
            }
        }
        guard config.sequencePooling.usesNetVLAD else { return pooled }
        let flattened = config.netvlad == .flattened
        let vladWidth = config.netvladWidth(spec)
        let vlad = config.sequencePooling == .netvlad ? pooled : ws.get("vlad.\(name)", bsz * vladWidth)
        NetVLAD.forward(out: vlad, assign: ws.get("assign.\(name)", offsets[bsz] * k),
                        normalized: ws.get("normalized.\(name)", bsz * k * d), norms: ws.get("norms.\(name)", bsz * k),
                        shotWeights: ws.get("shots.\(name)", k),
                        frames: frames, offsets: offsets,
                        weight: param("netvlad.\(name).assign.weight"), bias: param("netvlad.\(name).assign.bias"),
                        centers: param("netvlad.\(name).centers"),
                        shotLogits: flattened ? nil : param("netvlad.\(name).shot_logits"),
                        batch: bsz, clusters: k, dim: d)
        if config.sequencePooling == .both {
            for b in 0..<bsz { (pooled + b * width + d).update(from: vlad + b * vladWidth, count: vladWidth) }
        }
        return pooled
    }

    /// The linear baseline: logits2 (B, C2) = [x_1, …, x_M, presence] · Wᵀ + b, x_m being modality
    /// m's pooled vector standardised (zero where absent); the input row (B, ΣD + M) is kept as
    /// the fused vector. No logits1 (level 1 comes from level 2).
    private func linearForward(_ batch: HeadBatch, logits2: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>? {
        let c = config, bsz = batch.count, m = c.modalityCount, f = c.fusedDimension
        let fused = workspace.get("fused", bsz * f)
        var column = 0
        for (j, spec) in c.modalities.enumerated() {
            let x = input(j, spec, batch), d = spec.dim
            for b in 0..<bsz {
                let row = fused + b * f + column
                if batch.mask[b * m + j] != 0 {
                    LinearSkip.standardise(row, x + b * d, spec.standardisation, dim: d)
                } else {
                    row.update(repeating: 0, count: d)
                }
                fused[b * f + f - m + j] = batch.mask[b * m + j]
            }
            column += d
        }
        Dense.forward(out: logits2, ldOut: c.level2Count, inp: fused, ldInp: f, weight: param("linear.weight"),
                      bias: param("linear.bias"), rows: bsz, inFeatures: f, outFeatures: c.level2Count)
        return nil
    }

    func linearBackward(_ batch: HeadBatch, dlogits2: UnsafePointer<Float>) {
        let c = config, f = c.fusedDimension
        Dense.backward(dinp: nil, ldDinp: f, dweight: grad("linear.weight"), dbias: grad("linear.bias"),
                       dout: dlogits2, ldDout: c.level2Count, inp: workspace.get("fused", batch.count * f), ldInp: f,
                       weight: param("linear.weight"), rows: batch.count, inFeatures: f, outFeatures: c.level2Count)
    }

    func hmcWeights(_ v: (String) -> UnsafeMutablePointer<Float>) -> HMCClassifier.Weights {
        HMCClassifier.Weights(level1: channelWeights("classifier.level1", v), level2: channelWeights("classifier.level2", v))
    }

    /// The flat classifier is HMC's level-2 channel alone, under the same names.
    func flatWeights(_ v: (String) -> UnsafeMutablePointer<Float>) -> FlatClassifier.Weights {
        channelWeights("classifier.level2", v)
    }

    /// `<prefix>.hidden.{weight,bias}` (absent from linear channels) and `<prefix>.out.{weight,bias}`.
    private func channelWeights(_ prefix: String, _ v: (String) -> UnsafeMutablePointer<Float>) -> MLPChannel.Weights {
        let hidden = layout.entry(prefix + ".hidden.weight") != nil
        return MLPChannel.Weights(w: hidden ? v(prefix + ".hidden.weight") : nil, b: hidden ? v(prefix + ".hidden.bias") : nil,
                                  u: v(prefix + ".out.weight"), c: v(prefix + ".out.bias"))
    }

    // MARK: - Outputs of the last forward pass

    /// (B, C1) level-1 probabilities (derived from level 2 for the flat classifier).
    public var level1Probabilities: [Float] { workspace.read("p1", (lastBatch?.count ?? 0) * config.level1Count) }
    /// (B, C2) level-2 probabilities.
    public var level2Probabilities: [Float] { workspace.read("p2", (lastBatch?.count ?? 0) * config.level2Count) }
    /// (B, M) attention weights (attention fusion), nil for other fusions.
    public var attention: [Float]? {
        config.fusion == .attention ? workspace.read("attention", (lastBatch?.count ?? 0) * config.modalityCount) : nil
    }
    /// (B, F) fused vectors: the embedding for retrieval.
    public var fused: [Float] {
        workspace.read(config.fusion == .concat ? "blocks" : "fused", (lastBatch?.count ?? 0) * config.fusedDimension)
    }
    /// Which side of each kink the last forward pass was on: the ReLUs of the projections and
    /// of the classifier, and LH's max(0, p2_j − p1_parent(j)). For gradient checks.
    var activationPattern: [Bool] {
        let c = config, b = lastBatch?.count ?? 0
        var pattern = workspace.read("blocks", b * c.modalityCount * c.blockWidth).map { $0 > 0 }
        if c.classifier == .hmc { pattern += workspace.read("h1", b * c.hidden1).map { $0 > 0 } }
        pattern += workspace.read("h2", b * c.hidden2).map { $0 > 0 }
        let p1 = level1Probabilities, p2 = level2Probabilities
        for r in 0..<b { for j in 0..<c.level2Count { pattern.append(p2[r * c.level2Count + j] > p1[r * c.level1Count + c.parents[j]]) } }
        return pattern
    }

    /// (B, 4) per-item loss terms L1, L2, LH, total.
    public var lossTerms: [Float] { workspace.read("terms", (lastBatch?.count ?? 0) * 4) }
}
