/// The head's parameters: names, shapes and offsets into one flat buffer (llm.c's
/// `ParameterTensors`), so that gradients and Adam's moments are flat buffers of the same
/// layout and the optimiser step is one loop.
///
/// Names follow the module tree of `Scripts/reference/head_torch.py`, which uses the same names:
///
/// | name | shape | when |
/// | --- | --- | --- |
/// | `chars.table` | [buckets, E] | the text channel's table (bag modalities), shared by its fields |
/// | `netvlad.<m>.assign.weight` | [K, D] | sequence modalities, pooling netvlad or both |
/// | `netvlad.<m>.assign.bias` | [K] | |
/// | `netvlad.<m>.centers` | [K, D] | |
/// | `netvlad.<m>.shot_logits` | [K] | α = softmax(shot_logits); the weighted form only |
/// | `proj.<m>.weight`, `.bias` | [P, D'], [P] | every modality; P = width (tfnWidth for TFN); D' = `pooledWidth` (D, K·D for flattened NetVLAD, + D with the mean) |
/// | `fusion.attention.weight`, `.bias` | [M, M·P] (joint scores) or [M, P] (own), [M] | attention |
/// | `fusion.absent.<m>` | [P] | attention and concat with learned absent blocks, one per modality |
/// | `fusion.tfn.weight`, `.bias` | [F, (P+1)^M], [F] | TFN |
/// | `fusion.lmf.factor.<m>` | [r·F, P+1] | LMF, one per modality |
/// | `fusion.lmf.rank_weight`, `.bias` | [r], [F] | LMF |
/// | `classifier.level1.hidden.weight`, `.bias` | [H1, F1], [H1] | HMC with H1 > 0 |
/// | `classifier.level1.out.weight`, `.bias` | [C1, H1] ([C1, F1] when H1 = 0), [C1] | HMC; F1 = ``HeadConfig/level1InputWidth`` |
/// | `classifier.level2.hidden.weight`, `.bias` | [H2, F+H1] (HMC) or [H2, F] (flat), [H2] | H2 > 0 |
/// | `classifier.level2.out.weight`, `.bias` | [C2, H2] ([C2, F+H1] or [C2, F] when H2 = 0), [C2] | |
/// | `skip.level1.weight` | [C1, S] | the linear skip (HMC), S = ΣD over the modalities but the text channel's |
/// | `skip.level2.weight` | [C2, S] | the linear skip |
/// | `linear.weight`, `.bias` | [C2, ΣD + M], [C2] | the linear baseline: its only parameters |
public struct ParameterLayout: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public let entries: [Entry]
    /// Total number of floats.
    public let count: Int
    private let index: [String: Int]

    public init(_ tensors: [(name: String, shape: [Int])]) {
        var entries: [Entry] = []
        var offset = 0
        for (name, shape) in tensors {
            entries.append(Entry(name: name, shape: shape, offset: offset))
            offset += shape.reduce(1, *)
        }
        self.entries = entries
        count = offset
        index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    public func offset(_ name: String) -> Int {
        guard let i = index[name] else { preconditionFailure("ParameterLayout: no parameter \(name)") }
        return entries[i].offset
    }

    /// The layout of a head with `config`, in the order above.
    public init(config c: HeadConfig) {
        var t: [(String, [Int])] = []
        let p = c.blockWidth
        let m = c.modalityCount
        if c.fusion == .linear {
            self.init([("linear.weight", [c.level2Count, c.fusedDimension]), ("linear.bias", [c.level2Count])])
            return
        }
        if let channel = c.textChannel, c.modalities.contains(where: { $0.kind == .bag }) {
            t.append((HeadModel.textTable, [channel.buckets, channel.dim]))
        }
        for mod in c.modalities where mod.kind == .sequence && c.sequencePooling.usesNetVLAD {
            t.append(("netvlad.\(mod.name).assign.weight", [c.clusters, mod.dim]))
            t.append(("netvlad.\(mod.name).assign.bias", [c.clusters]))
            t.append(("netvlad.\(mod.name).centers", [c.clusters, mod.dim]))
            if c.netvlad == .weighted { t.append(("netvlad.\(mod.name).shot_logits", [c.clusters])) }
        }
        for mod in c.modalities {
            t.append(("proj.\(mod.name).weight", [p, c.pooledWidth(mod)]))
            t.append(("proj.\(mod.name).bias", [p]))
        }
        let f = c.fusedDimension
        switch c.fusion {
        case .attention:
            t.append(("fusion.attention.weight", [m, c.attentionScores == .own ? p : m * p]))
            t.append(("fusion.attention.bias", [m]))
        case .concat, .linear:
            break
        case .tfn:
            t.append(("fusion.tfn.weight", [f, c.tfnTensorSize]))
            t.append(("fusion.tfn.bias", [f]))
        case .lmf:
            for mod in c.modalities { t.append(("fusion.lmf.factor.\(mod.name)", [c.lmfRank * f, p + 1])) }
            t.append(("fusion.lmf.rank_weight", [c.lmfRank]))
            t.append(("fusion.lmf.bias", [f]))
        }
        if c.learnsAbsentBlocks {
            for mod in c.modalities { t.append(("fusion.absent.\(mod.name)", [p])) }
        }
        switch c.classifier {
        case .hmc:
            Self.appendChannel("classifier.level1", input: c.level1InputWidth, hidden: c.hidden1, classes: c.level1Count, to: &t)
            Self.appendChannel("classifier.level2", input: f + c.hidden1, hidden: c.hidden2, classes: c.level2Count, to: &t)
        case .flat:
            Self.appendChannel("classifier.level2", input: f, hidden: c.hidden2, classes: c.level2Count, to: &t)
        }
        if c.linearSkip {
            if c.classifier == .hmc { t.append((LinearSkip.level1, [c.level1Count, c.skipWidth])) }
            t.append((LinearSkip.level2, [c.level2Count, c.skipWidth]))
        }
        self.init(t)
    }

    /// A classifier channel's tensors (``MLPChannel``): hidden layer and output, or the output
    /// alone, reading the input directly, when `hidden` is 0.
    private static func appendChannel(_ prefix: String, input: Int, hidden: Int, classes: Int, to t: inout [(String, [Int])]) {
        if hidden > 0 {
            t.append(("\(prefix).hidden.weight", [hidden, input]))
            t.append(("\(prefix).hidden.bias", [hidden]))
        }
        t.append(("\(prefix).out.weight", [classes, hidden > 0 ? hidden : input]))
        t.append(("\(prefix).out.bias", [classes]))
    }
}
