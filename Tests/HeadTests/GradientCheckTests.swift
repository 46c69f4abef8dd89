import Foundation
import Testing
@testable import Head

/// Every hand-written backward against central finite differences (see ``GradientCheck``):
/// NetVLAD, each fusion (attention, concat through the whole model, TFN, LMF), the HMC and flat
/// classifiers, each loss term, and the whole head for every variant.
@Suite struct GradientCheckTests {
    /// Max relative error allowed (float32 central differences with h = 10⁻², see GradientCheck).
    static let tolerance: Float = 1e-2
    /// For the whole head: most of its gradients sit near the float32 resolution of the loss,
    /// which is why each layer is also checked alone, with a probe that makes its gradients O(1).
    static let wholeHeadTolerance: Float = 5e-2

    func report(_ results: [GradientCheck.Result], _ what: String) {
        for r in results {
            let skipped = r.skipped > 0 ? ", \(r.skipped) skipped at kinks" : ""
            print("\(what) \(r.name): max relative error \(r.maxError) over \(r.checked) entries\(skipped) (tolerance \(Self.tolerance))")
            #expect(r.maxError <= Self.tolerance, "\(what) \(r.name)")
            #expect(r.skipped * 4 <= r.checked + r.skipped, "\(what) \(r.name): too many kinks")
        }
    }

    @Test(arguments: [false, true]) func netVLAD(flattened: Bool) {
        let data = TestData(seed: 1)
        defer { withExtendedLifetime(data) {} }
        let (k, d) = (3, 7)
        let offsets = [0, 4, 4, 7, 9]  // the second item has no frames
        let b = offsets.count - 1, n = offsets[b]
        let frames = data.normal(n * d)
        let weight = data.normal(k * d, scale: 0.5), bias = data.normal(k, scale: 0.3)
        let centers = data.normal(k * d, scale: 0.5), shots = data.normal(k, scale: 0.5)
        let width = flattened ? k * d : d
        let r = data.normals(b * width)
        let out = data.zeros(b * width), assign = data.zeros(n * k)
        let normalized = data.zeros(b * k * d), norms = data.zeros(b * k), alpha = data.zeros(k)
        func forward() -> Double {
            NetVLAD.forward(out: out.pointer, assign: assign.pointer, normalized: normalized.pointer, norms: norms.pointer,
                            shotWeights: alpha.pointer, frames: frames.pointer, offsets: offsets, weight: weight.pointer,
                            bias: bias.pointer, centers: centers.pointer, shotLogits: flattened ? nil : shots.pointer,
                            batch: b, clusters: k, dim: d)
            return probe(out.pointer, r)
        }
        _ = forward()
        let dw = data.zeros(k * d), db = data.zeros(k), dc = data.zeros(k * d)
        let ds = data.zeros(k)
        let dout = data.copy(r)
        NetVLAD.backward(dweight: dw.pointer, dbias: db.pointer, dcenters: dc.pointer, dshotLogits: flattened ? nil : ds.pointer,
                         scratchResidual: data.zeros(k * d).pointer, scratchAssign: data.zeros(n * k).pointer,
                         dout: dout.pointer, assign: assign.pointer, normalized: normalized.pointer, norms: norms.pointer,
                         shotWeights: alpha.pointer, frames: frames.pointer, offsets: offsets, centers: centers.pointer,
                         batch: b, clusters: k, dim: d)
        var results = [
            GradientCheck.check("assign.weight", values: weight.pointer, count: k * d, analytic: dw.array(), loss: forward),
            GradientCheck.check("assign.bias", values: bias.pointer, count: k, analytic: db.array(), loss: forward),
            GradientCheck.check("centers", values: centers.pointer, count: k * d, analytic: dc.array(), loss: forward),
        ]
        if !flattened {
            results.append(GradientCheck.check("shot_logits", values: shots.pointer, count: k, analytic: ds.array(), loss: forward))
        }
        report(results, flattened ? "NetVLAD (flattened)" : "NetVLAD")
    }

    @Test(arguments: HeadConfig.AttentionScale.allCases, HeadConfig.AttentionScores.allCases)
    func attentionFusion(scale: HeadConfig.AttentionScale, scores: HeadConfig.AttentionScores) {
        let data = TestData(seed: 2)
        defer { withExtendedLifetime(data) {} }
        let (b, m, p) = (4, 3, 5)
        let mask: [Float] = [1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0]
        let blocks = data.normal(b * m * p)
        for r in 0..<b { for j in 0..<m where mask[r * m + j] == 0 { (blocks.pointer + r * m * p + j * p).update(repeating: 0, count: p) } }
        let scoreWidth = scores == .joint ? m * p : p
        let weight = data.normal(m * scoreWidth, scale: 0.4), bias = data.normal(m, scale: 0.2)
        let f = scale == .appended ? (m + 1) * p : m * p  // the fused row
        let r = data.normals(b * f)
        let fused = data.zeros(b * f), probs = data.zeros(b * m)
        func forward() -> Double {
            mask.withUnsafeBufferPointer {
                AttentionFusion.forward(fused: fused.pointer, probs: probs.pointer, blocks: blocks.pointer,
                                        mask: $0.baseAddress!, weight: weight.pointer, bias: bias.pointer,
                                        batch: b, modalities: m, width: p, scores: scores, form: scale, mix: 0.3)
            }
            return probe(fused.pointer, r)
        }
        _ = forward()
        // absent modalities get exactly zero weight
        for row in 0..<b { for j in 0..<m where mask[row * m + j] == 0 { #expect(probs[row * m + j] == 0) } }
        let dblocks = data.zeros(b * m * p), dw = data.zeros(m * scoreWidth), db = data.zeros(m)
        let dout = data.copy(r)
        mask.withUnsafeBufferPointer {
            AttentionFusion.backward(dblocks: dblocks.pointer, dweight: dw.pointer, dbias: db.pointer,
                                     scratch: data.zeros(b * m).pointer, dfused: dout.pointer, probs: probs.pointer,
                                     blocks: blocks.pointer, mask: $0.baseAddress!, weight: weight.pointer, batch: b,
                                     modalities: m, width: p, scores: scores, form: scale, mix: 0.3)
        }
        report([
            GradientCheck.check("weight", values: weight.pointer, count: m * scoreWidth, analytic: dw.array(), loss: forward),
            GradientCheck.check("bias", values: bias.pointer, count: m, analytic: db.array(), loss: forward),
            GradientCheck.check("blocks", values: blocks.pointer, count: b * m * p, analytic: dblocks.array(), loss: forward),
        ], "attention fusion (\(scale.rawValue), \(scores.rawValue) scores, ρ 0.3 where it applies)")
    }

    @Test func absentBlocks() {
        let data = TestData(seed: 12)
        defer { withExtendedLifetime(data) {} }
        let (b, m, p) = (4, 3, 5)
        let f = m * p + 2  // a wider row than the blocks, as a fusion's could be
        let mask: [Float] = [1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0]
        let input = data.normal(b * f), fused = data.zeros(b * f)
        let absent = (0..<m).map { _ in data.normal(p, scale: 0.5) }
        let r = data.normals(b * f)
        func forward() -> Double {
            fused.pointer.update(from: input.pointer, count: b * f)
            mask.withUnsafeBufferPointer {
                AbsentBlocks.forward(fused: fused.pointer, fusedWidth: f, absent: absent.map(\.pointer), mask: $0.baseAddress!,
                                     batch: b, modalities: m, width: p)
            }
            return probe(fused.pointer, r)
        }
        _ = forward()
        // present blocks pass unchanged, absent ones are exactly their stand-in
        for row in 0..<b {
            for j in 0..<m {
                let block = Array(UnsafeBufferPointer(start: fused.pointer + row * f + j * p, count: p))
                let expected = mask[row * m + j] == 0 ? absent[j].array() : Array(UnsafeBufferPointer(start: input.pointer + row * f + j * p, count: p))
                #expect(block == expected)
            }
        }
        let dabsent = (0..<m).map { _ in data.zeros(p) }
        let dfused = data.copy(r)
        mask.withUnsafeBufferPointer {
            AbsentBlocks.backward(dabsent: dabsent.map(\.pointer), dfused: dfused.pointer, fusedWidth: f, mask: $0.baseAddress!,
                                  batch: b, modalities: m, width: p)
        }
        // what reaches the fusion: nothing from absent blocks, the rest unchanged
        for row in 0..<b {
            for i in 0..<f {
                let j = i / p, absentHere = j < m && mask[row * m + j] == 0
                #expect(dfused[row * f + i] == (absentHere ? 0 : r[row * f + i]))
            }
        }
        report((0..<m).map { j in
            GradientCheck.check("absent.\(j)", values: absent[j].pointer, count: p, analytic: dabsent[j].array(), loss: forward)
        }, "absent blocks")
    }

    @Test func tensorFusion() {
        let data = TestData(seed: 3)
        defer { withExtendedLifetime(data) {} }
        let (b, m, p, f) = (3, 3, 2, 4)
        let q = (0..<m).reduce(1) { s, _ in s * (p + 1) }
        let blocks = data.normal(b * m * p)
        (blocks.pointer + 1 * m * p + 2 * p).update(repeating: 0, count: p)  // an absent modality
        let weight = data.normal(f * q, scale: 0.3), bias = data.normal(f, scale: 0.2)
        let r = data.normals(b * f)
        let fused = data.zeros(b * f), tensor = data.zeros(b * q)
        func forward() -> Double {
            TensorFusion.forward(fused: fused.pointer, tensor: tensor.pointer, blocks: blocks.pointer, weight: weight.pointer,
                                 bias: bias.pointer, batch: b, modalities: m, width: p, outFeatures: f)
            return probe(fused.pointer, r)
        }
        _ = forward()
        // Z[0] = 1 and Z[index of e_1[0] alone] = e_1[0] (first modality outermost)
        #expect(tensor[0] == 1 && tensor[1 * (p + 1) * (p + 1)] == blocks[0])
        let dblocks = data.zeros(b * m * p), dw = data.zeros(f * q), db = data.zeros(f)
        let dout = data.copy(r)
        TensorFusion.backward(dblocks: dblocks.pointer, dweight: dw.pointer, dbias: db.pointer,
                              scratchTensor: data.zeros(b * q).pointer, scratchFactors: data.zeros(2 * q).pointer,
                              dfused: dout.pointer, tensor: tensor.pointer, blocks: blocks.pointer, weight: weight.pointer,
                              batch: b, modalities: m, width: p, outFeatures: f)
        report([
            GradientCheck.check("weight", values: weight.pointer, count: f * q, analytic: dw.array(), loss: forward),
            GradientCheck.check("bias", values: bias.pointer, count: f, analytic: db.array(), loss: forward),
            GradientCheck.check("blocks", values: blocks.pointer, count: b * m * p, analytic: dblocks.array(), loss: forward),
        ], "TFN")
    }

    @Test func lowRankFusion() {
        let data = TestData(seed: 4)
        defer { withExtendedLifetime(data) {} }
        let (b, m, p, r, f) = (3, 3, 3, 2, 4)
        let q = p + 1
        let blocks = data.normal(b * m * p)
        let factors = (0..<m).map { _ in data.normal(r * f * q, scale: 0.6) }
        let rankWeight = data.normal(r), bias = data.normal(f, scale: 0.2)
        let probeWeights = data.normals(b * f)
        let fused = data.zeros(b * f), hats = data.zeros(m * b * q), ys = data.zeros(m * b * r * f)
        func forward() -> Double {
            LowRankFusion.forward(fused: fused.pointer, hats: hats.pointer, factorsOut: ys.pointer, blocks: blocks.pointer,
                                  factors: factors.map(\.pointer), rankWeight: rankWeight.pointer, bias: bias.pointer,
                                  batch: b, modalities: m, width: p, rank: r, outFeatures: f)
            return probe(fused.pointer, probeWeights)
        }
        _ = forward()
        let dblocks = data.zeros(b * m * p), dfactors = (0..<m).map { _ in data.zeros(r * f * q) }
        let drank = data.zeros(r), db = data.zeros(f)
        let dout = data.copy(probeWeights)
        LowRankFusion.backward(dblocks: dblocks.pointer, dfactors: dfactors.map(\.pointer), drankWeight: drank.pointer,
                               dbias: db.pointer, scratchFactors: data.zeros(m * b * r * f).pointer,
                               scratchHat: data.zeros(b * q).pointer, dfused: dout.pointer, hats: hats.pointer,
                               factorsOut: ys.pointer, factors: factors.map(\.pointer), rankWeight: rankWeight.pointer,
                               batch: b, modalities: m, width: p, rank: r, outFeatures: f)
        var results = (0..<m).map {
            GradientCheck.check("factor.\($0)", values: factors[$0].pointer, count: r * f * q, analytic: dfactors[$0].array(), loss: forward)
        }
        results.append(GradientCheck.check("rank_weight", values: rankWeight.pointer, count: r, analytic: drank.array(), loss: forward))
        results.append(GradientCheck.check("bias", values: bias.pointer, count: f, analytic: db.array(), loss: forward))
        results.append(GradientCheck.check("blocks", values: blocks.pointer, count: b * m * p, analytic: dblocks.array(), loss: forward))
        report(results, "LMF")
    }

    /// A classifier channel's tensors (``MLPChannel``): W, b and U, c, or U, c alone (reading
    /// the input) when the hidden width is 0.
    static func channelShapes(_ prefix: String, input: Int, hidden: Int, classes: Int) -> [(String, Int)] {
        (hidden > 0 ? [("w\(prefix)", hidden * input), ("b\(prefix)", hidden)] : [])
            + [("u\(prefix)", classes * (hidden > 0 ? hidden : input)), ("c\(prefix)", classes)]
    }

    static func channel(_ prefix: String, _ named: [String: FloatBuffer]) -> MLPChannel.Weights {
        MLPChannel.Weights(w: named["w\(prefix)"]?.pointer, b: named["b\(prefix)"]?.pointer,
                           u: named["u\(prefix)"]!.pointer, c: named["c\(prefix)"]!.pointer)
    }

    /// With hidden channels, and with linear ones (hidden widths 0); level 1 reading the whole
    /// fused row (6 wide) or its first 4 columns (the appended attention reaching level 2 alone).
    @Test(arguments: [(5, 7, 6), (0, 0, 6), (5, 7, 4), (0, 0, 4)]) func hmcClassifier(h1: Int, h2: Int, f1: Int) {
        let data = TestData(seed: 5)
        defer { withExtendedLifetime(data) {} }
        let (b, f, c1, c2) = (4, 6, 3, 7)
        let fused = data.normal(b * f)
        let shapes = Self.channelShapes("1", input: f1, hidden: h1, classes: c1)
            + Self.channelShapes("2", input: f + h1, hidden: h2, classes: c2)
        let params = shapes.map { data.normal($0.1, scale: 0.5) }
        let grads = shapes.map { data.zeros($0.1) }
        func weights(_ v: [FloatBuffer]) -> HMCClassifier.Weights {
            let named = Dictionary(uniqueKeysWithValues: zip(shapes.map(\.0), v))
            return HMCClassifier.Weights(level1: Self.channel("1", named), level2: Self.channel("2", named))
        }
        let r1 = data.normals(b * c1), r2 = data.normals(b * c2)
        let l1 = data.zeros(b * c1), l2 = data.zeros(b * c2)
        let hid1 = data.zeros(b * h1), g = data.zeros(b * (f + h1)), hid2 = data.zeros(b * h2)
        func forward() -> Double {
            HMCClassifier.forward(logits1: l1.pointer, logits2: l2.pointer, h1: hid1.pointer, g: g.pointer, h2: hid2.pointer,
                                  fused: fused.pointer, weights: weights(params), batch: b, fusedWidth: f,
                                  level1Width: f1, hidden1: h1, hidden2: h2, level1: c1, level2: c2)
            return probe(l1.pointer, r1) + probe(l2.pointer, r2)
        }
        let pattern = { (hid1.array(b * h1) + hid2.array(b * h2)).map { $0 > 0 } }
        _ = forward()
        let dfused = data.zeros(b * f)
        HMCClassifier.backward(dfused: dfused.pointer, grads: weights(grads), dh1: data.zeros(b * h1).pointer,
                               dg: data.zeros(b * (f + h1)).pointer, dh2: data.zeros(b * h2).pointer,
                               dlogits1: data.copy(r1).pointer, dlogits2: data.copy(r2).pointer, h1: hid1.pointer,
                               g: g.pointer, h2: hid2.pointer, fused: fused.pointer, weights: weights(params),
                               batch: b, fusedWidth: f, level1Width: f1, hidden1: h1, hidden2: h2, level1: c1,
                               level2: c2)
        var results = shapes.indices.map {
            GradientCheck.check(shapes[$0].0, values: params[$0].pointer, count: shapes[$0].1, analytic: grads[$0].array(),
                                h: 1e-2, pattern: pattern, loss: forward)
        }
        results.append(GradientCheck.check("fused", values: fused.pointer, count: b * f, analytic: dfused.array(), h: 1e-3,
                                           pattern: pattern, loss: forward))
        report(results, "HMC, hidden \(h1)/\(h2), level 1 reads \(f1) of \(f)")
    }

    @Test(arguments: [7, 0]) func flatClassifier(h2: Int) {
        let data = TestData(seed: 6)
        defer { withExtendedLifetime(data) {} }
        let (b, f, c2) = (4, 6, 7)
        let fused = data.normal(b * f)
        let shapes = Self.channelShapes("2", input: f, hidden: h2, classes: c2)
        let params = shapes.map { data.normal($0.1, scale: 0.5) }
        let grads = shapes.map { data.zeros($0.1) }
        func weights(_ v: [FloatBuffer]) -> FlatClassifier.Weights {
            Self.channel("2", Dictionary(uniqueKeysWithValues: zip(shapes.map(\.0), v)))
        }
        let r2 = data.normals(b * c2)
        let l2 = data.zeros(b * c2), hid2 = data.zeros(b * h2)
        func forward() -> Double {
            FlatClassifier.forward(logits2: l2.pointer, h2: hid2.pointer, fused: fused.pointer, weights: weights(params),
                                   batch: b, fusedWidth: f, hidden2: h2, level2: c2)
            return probe(l2.pointer, r2)
        }
        let pattern = { hid2.array(b * h2).map { $0 > 0 } }
        _ = forward()
        let dfused = data.zeros(b * f)
        FlatClassifier.backward(dfused: dfused.pointer, grads: weights(grads), dh2: data.zeros(b * h2).pointer,
                                dlogits2: data.copy(r2).pointer, h2: hid2.pointer, fused: fused.pointer,
                                weights: weights(params), batch: b, fusedWidth: f, hidden2: h2, level2: c2)
        var results = shapes.indices.map {
            GradientCheck.check(shapes[$0].0, values: params[$0].pointer, count: shapes[$0].1, analytic: grads[$0].array(),
                                h: 1e-2, pattern: pattern, loss: forward)
        }
        results.append(GradientCheck.check("fused", values: fused.pointer, count: b * f, analytic: dfused.array(), h: 1e-3,
                                           pattern: pattern, loss: forward))
        report(results, "flat, hidden \(h2)")
    }

    /// Each loss term through its logits: (λ, β) = (0, 0) isolates L1; (1, 0) adds L2; (0, 1)
    /// adds LH; then the full loss and the flat classifier's L2 with derived level 1.
    @Test(arguments: [(Float(0), Float(0), "L1"), (1, 0, "L1+L2"), (0, 1, "L1+LH"), (2, 1.5, "L1+2·L2+1.5·LH")])
    func lossTerms(lambda: Float, beta: Float, name: String) {
        lossCheck(lambda: lambda, beta: beta, flat: false, name: name)
    }

    @Test func flatLoss() { lossCheck(lambda: 1, beta: 0, flat: true, name: "flat L2") }

    /// Per-example weights (``TrainingOptions/modalDropoutWeight``): the weighted mean loss
    /// through both classifiers' logits.
    @Test(arguments: [false, true]) func weightedLoss(flat: Bool) {
        lossCheck(lambda: 2, beta: 1.5, flat: flat, name: "weighted", weights: [1, 0.05, 1, 0.5, 0.05])
    }

    func lossCheck(lambda: Float, beta: Float, flat: Bool, name: String, weights: [Float] = []) {
        let data = TestData(seed: 7)
        defer { withExtendedLifetime(data) {} }
        let parents = [0, 0, 1, 1, 1, 2, 2]
        let ranges = [0..<2, 2..<5, 5..<7]
        let (b, c1, c2) = (5, 3, 7)
        let logits1 = data.normal(b * c1, scale: 2), logits2 = data.normal(b * c2, scale: 2)
        let t1 = [0, 1, 2, 1, 0], t2 = [1, 3, 6, 2, 0]
        let p1 = data.zeros(b * c1), p2 = data.zeros(b * c2), terms = data.zeros(b * 4)
        func forward() -> Double {
            HierarchicalLoss.forward(terms: terms.pointer, p1: p1.pointer, p2: p2.pointer,
                                     logits1: flat ? nil : logits1.pointer, logits2: logits2.pointer,
                                     targets1: t1, targets2: t2, parents: parents, childRanges: ranges,
                                     lambda: lambda, beta: beta, batch: b, level1: c1, level2: c2)
            return (0..<b).reduce(0) { $0 + Double(weights.isEmpty ? 1 : weights[$1]) * Double(terms[$1 * 4 + 3]) } / Double(b)
        }
        _ = forward()
        if !flat && beta > 0 {
            let lh = (0..<b).reduce(Float(0)) { $0 + terms[$1 * 4 + 2] }
            #expect(lh > 0.01, "the check needs hierarchy violations")
        }
        let d1 = data.zeros(b * c1), d2 = data.zeros(b * c2)
        HierarchicalLoss.backward(dlogits1: flat ? nil : d1.pointer, dlogits2: d2.pointer, p1: p1.pointer, p2: p2.pointer,
                                  targets1: t1, targets2: t2, weights: weights, parents: parents, childRanges: ranges,
                                  lambda: lambda, beta: beta, batch: b, level1: c1, level2: c2)
        // which level-2 classes violate the hierarchy (the kink of max(0, ·))
        let pattern = {
            (0..<(b * c2)).map { p2[$0] > p1[($0 / c2) * c1 + parents[$0 % c2]] }
        }
        var results = [GradientCheck.check("logits2", values: logits2.pointer, count: b * c2, analytic: d2.array(),
                                           h: 1e-2, pattern: pattern, loss: forward)]
        if !flat {
            results.append(GradientCheck.check("logits1", values: logits1.pointer, count: b * c1, analytic: d1.array(),
                                               h: 1e-2, pattern: pattern, loss: forward))
        }
        report(results, "loss \(name)")
    }

    /// The whole head, every fusion × classifier, with absent modalities and modal dropout in the
    /// batch: every parameter tensor (sampled) against finite differences of the mean loss. (The
    /// mean-scaled attention is checked alone above and against PyTorch: in the whole head its
    /// larger activations cross too many ReLU kinks within the step h.)
    @Test(arguments: ["attention_hmc", "concat_hmc", "tfn_hmc", "lmf_hmc", "attention_flat", "concat_flat",
                      "attention_hmc_flattened", "attention_hmc_both_residual", "concat_hmc_both", "linear_flat",
                      "attention_hmc_residual_learned", "concat_hmc_learned", "attention_hmc_residual_hidden0",
                      "concat_hmc_hidden0", "attention_flat_residual_hidden0", "attention_hmc_residual_own",
                      "attention_hmc_residual_own_hidden0", "attention_hmc_appended_own",
                      "attention_hmc_appended_own_learned_hidden0", "attention_hmc_appended_own_hidden0_skip",
                      "concat_flat_skip", "attention_hmc_appended_level2_own", "attention_hmc_appended_level2_own_hidden0"])
    func wholeHead(variant: String) throws { try checkWholeHead(HeadGoldens(), variant) }

    /// The whole head with the items that modal dropout changed weighing 0.05 in the loss.
    @Test(arguments: ["attention_hmc_appended_level2_own_hidden0", "attention_flat"])
    func wholeHeadWithDroppedItemsWeighted(variant: String) throws {
        try checkWholeHead(HeadGoldens(), variant, droppedWeight: 0.05)
    }

    /// The whole head with the text channel's three bags (their table shared).
    @Test(arguments: ["attention_hmc_residual", "concat_hmc"])
    func wholeHeadWithTextChannel(variant: String) throws {
        try checkWholeHead(HeadGoldens(url: HeadGoldens.textChannelURL), variant)
    }

    /// EmbeddingBag alone: the mean of table rows, an empty bag, and an id that repeats.
    @Test func embeddingBag() {
        let data = TestData(seed: 13)
        defer { withExtendedLifetime(data) {} }
        let (buckets, e) = (6, 4)
        let bags: [[Float]] = [[1, 4, 4], [], [0, 5, 2, 1], [3]]
        let ids = bags.flatMap { $0 }, offsets = bags.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let table = data.normal(buckets * e), pooled = data.zeros(bags.count * e)
        let r = data.normals(bags.count * e)
        func forward() -> Double {
            ids.withUnsafeBufferPointer {
                EmbeddingBag.forward(pooled: pooled.pointer, table: table.pointer, ids: $0.baseAddress!, offsets: offsets,
                                     batch: bags.count, dim: e)
            }
            return probe(pooled.pointer, r)
        }
        _ = forward()
        // the empty bag pools to zeros; the others to the float64 mean of their rows
        let t = table.array()
        for (b, bag) in bags.enumerated() {
            for j in 0..<e {
                let mean = bag.isEmpty ? 0 : bag.map { Double(t[Int($0) * e + j]) }.reduce(0, +) / Double(bag.count)
                #expect(abs(Double(pooled[b * e + j]) - mean) <= 1e-6)
            }
        }
        let dtable = data.zeros(buckets * e)
        ids.withUnsafeBufferPointer {
            EmbeddingBag.backward(dtable: dtable.pointer, dpooled: r, ids: $0.baseAddress!, offsets: offsets,
                                  batch: bags.count, dim: e)
        }
        report([GradientCheck.check("table", values: table.pointer, count: buckets * e, analytic: dtable.array(), loss: forward)],
               "EmbeddingBag")
    }

    /// The parameters' seed: 11, except where an item sits on a kink there (concat with linear
    /// channels at seed 11: one item's p2_j equals its p1_parent(j), LH's kink, so a step of any
    /// output bias crosses it and a third of the entries would be skipped).
    static let wholeHeadSeeds = ["concat_hmc_hidden0": UInt64(12)]

    func checkWholeHead(_ goldens: HeadGoldens, _ variant: String, droppedWeight: Float = 1) throws {
        let config = goldens.headConfig(variant)
        let model = HeadModel(config: config, seed: Self.wholeHeadSeeds[variant] ?? 11)
        let examples = try goldens.examples()
        let batch = HeadBatch(config: config)
        var random = SeededRandom(seed: 3)
        // As in training: modal dropout hides modalities from the network, not from the linear skip.
        batch.fill(examples + examples, Array(0..<(2 * examples.count)), dropout: 0.3, random: &random, dropoutReachesSkip: false)
        batch.weigh(ModalDropoutWeight.fixed(Double(droppedWeight)).weights(changed: batch.changed))
        if droppedWeight != 1 {
            #expect(batch.lossWeights.contains(droppedWeight) && batch.lossWeights.contains(1), "the check needs both kinds of items")
        }
        model.forward(batch)
        model.backward()
        let gradients = model.namedGradients()
        let loss = { model.forward(batch).total }
        let value = Float(loss())
        let h: Float = 1e-2
        var results: [GradientCheck.Result] = []
        for entry in model.layout.entries {
            results.append(GradientCheck.check(entry.name, values: model.parameters.pointer + entry.offset, count: entry.count,
                                               analytic: gradients[entry.name]!, h: h, samples: 24,
                                               pattern: { model.activationPattern }, loss: loss))
        }
        let worst = results.max { $0.maxError < $1.maxError }!
        let skipped = results.map(\.skipped).reduce(0, +), checked = results.map(\.checked).reduce(0, +)
        print("whole head \(variant): loss \(value), \(results.count) tensors, \(checked) entries (\(skipped) skipped at kinks), resolution \(32 * value.ulp / (2 * h)), worst \(worst.name) \(worst.maxError) (tolerance \(Self.wholeHeadTolerance))")
        for r in results { #expect(r.maxError <= Self.wholeHeadTolerance, "\(variant) \(r.name): \(r.maxError)") }
        #expect(skipped * 4 <= checked + skipped)
    }
}
