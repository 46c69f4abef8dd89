/// The hand-written backward pass of ``HeadModel``, stage by stage from the loss back to
/// NetVLAD (the forward pass's data flow reversed; see ``HeadModel``).
extension HeadModel {
    /// Sets ``gradients`` to ∂L/∂parameters for the last forward pass (which needs targets);
    /// `weighted` false: of the loss with every item weighing 1, whatever the batch's
    /// ``HeadBatch/lossWeights`` (the forward pass's stored values are only read, so both can
    /// follow one forward pass).
    public func backward(weighted: Bool = true) {
        guard let batch = lastBatch else { preconditionFailure("HeadModel.backward before forward") }
        let c = config, ws = workspace, bsz = batch.count
        gradients.zero()

        // 4. Loss → logits.
        let dlogits2 = ws.get("dlogits2", bsz * c.level2Count)
        let dlogits1: UnsafeMutablePointer<Float>? = c.classifier == .hmc ? ws.get("dlogits1", bsz * c.level1Count) : nil
        HierarchicalLoss.backward(dlogits1: dlogits1, dlogits2: dlogits2, p1: ws.get("p1", bsz * c.level1Count),
                                  p2: ws.get("p2", bsz * c.level2Count), targets1: batch.targets1,
                                  targets2: batch.targets2, weights: weighted ? batch.lossWeights : [], parents: c.parents, childRanges: childRanges,
                                  lambda: c.lambda, beta: c.beta, batch: bsz, level1: c.level1Count, level2: c.level2Count)
        if c.fusion == .linear {
            linearBackward(batch, dlogits2: dlogits2)
            return
        }
        // The linear skip reads fixed features: its weights' gradients are all it has.
        if c.linearSkip {
            batch.skipInputs.withUnsafeBufferPointer { x in
                if let dlogits1 {
                    LinearSkip.backward(dweight: grad(LinearSkip.level1), dlogits: dlogits1, input: x.baseAddress!,
                                        batch: bsz, width: c.skipWidth, classes: c.level1Count)
                }
                LinearSkip.backward(dweight: grad(LinearSkip.level2), dlogits: dlogits2, input: x.baseAddress!,
                                    batch: bsz, width: c.skipWidth, classes: c.level2Count)
            }
        }

        // 3. Classifier → fused (for concat the fused vector is the blocks themselves).
        let (m, p, f) = (c.modalityCount, c.blockWidth, c.fusedDimension)
        let blocks = ws.get("blocks", bsz * m * p)
        let dblocks = ws.get("dblocks", bsz * m * p)
        dblocks.update(repeating: 0, count: bsz * m * p)
        let dfused = c.fusion == .concat ? dblocks : ws.get("dfused", bsz * f)
        if c.fusion != .concat { dfused.update(repeating: 0, count: bsz * f) }
        classifierBackward(batch, dfused: dfused, fused: c.fusion == .concat ? blocks : ws.get("fused", bsz * f),
                           dlogits1: dlogits1, dlogits2: dlogits2)
        if c.learnsAbsentBlocks {
            batch.mask.withUnsafeBufferPointer { mask in
                AbsentBlocks.backward(dabsent: c.modalities.map { grad("fusion.absent.\($0.name)") }, dfused: dfused,
                                      fusedWidth: f, mask: mask.baseAddress!, batch: bsz, modalities: m, width: p)
            }
        }

        // 2. Fusion → blocks.
        fusionBackward(batch, dblocks: dblocks, dfused: dfused, blocks: blocks)

        // 1. Blocks → projections → NetVLAD.
        for (j, spec) in c.modalities.enumerated() {
            modalityBackward(batch, j, spec, dblocks: dblocks, blocks: blocks)
        }
    }

    /// dlogits → dfused and the classifier's gradients.
    private func classifierBackward(_ batch: HeadBatch, dfused: UnsafeMutablePointer<Float>, fused: UnsafeMutablePointer<Float>,
                                    dlogits1: UnsafeMutablePointer<Float>?, dlogits2: UnsafeMutablePointer<Float>) {
        let c = config, ws = workspace, bsz = batch.count, f = c.fusedDimension
        switch c.classifier {
        case .hmc:
            HMCClassifier.backward(dfused: dfused, grads: hmcWeights(grad), dh1: ws.get("dh1", bsz * c.hidden1),
                                   dg: ws.get("dg", bsz * (f + c.hidden1)), dh2: ws.get("dh2", bsz * c.hidden2),
                                   dlogits1: dlogits1!, dlogits2: dlogits2, h1: ws.get("h1", bsz * c.hidden1),
                                   g: ws.get("g", bsz * (f + c.hidden1)), h2: ws.get("h2", bsz * c.hidden2),
                                   fused: fused, weights: hmcWeights(param), batch: bsz, fusedWidth: f,
                                   level1Width: c.level1InputWidth,
                                   hidden1: c.hidden1, hidden2: c.hidden2, level1: c.level1Count, level2: c.level2Count)
        case .flat:
            FlatClassifier.backward(dfused: dfused, grads: flatWeights(grad), dh2: ws.get("dh2", bsz * c.hidden2),
                                    dlogits2: dlogits2, h2: ws.get("h2", bsz * c.hidden2), fused: fused,
                                    weights: flatWeights(param), batch: bsz, fusedWidth: f,
                                    hidden2: c.hidden2, level2: c.level2Count)
        }
    }

    /// dfused → dblocks and the fusion's gradients (concat: nothing to do, dfused is dblocks).
    private func fusionBackward(_ batch: HeadBatch, dblocks: UnsafeMutablePointer<Float>,
                                dfused: UnsafeMutablePointer<Float>, blocks: UnsafeMutablePointer<Float>) {
        let c = config, ws = workspace, bsz = batch.count
        let (m, p, f) = (c.modalityCount, c.blockWidth, c.fusedDimension)
        switch c.fusion {
        case .concat, .linear:
            break
        case .attention:
            batch.mask.withUnsafeBufferPointer { mask in
                AttentionFusion.backward(dblocks: dblocks, dweight: grad("fusion.attention.weight"),
                                         dbias: grad("fusion.attention.bias"), scratch: ws.get("dattention", bsz * m),
                                         dfused: dfused, probs: ws.get("attention", bsz * m), blocks: blocks,
                                         mask: mask.baseAddress!, weight: param("fusion.attention.weight"), batch: bsz,
                                         modalities: m, width: p, scores: c.attentionScores, form: c.attentionScale,
                                         mix: c.attentionMix)
            }
        case .tfn:
            let q = c.tfnTensorSize
            TensorFusion.backward(dblocks: dblocks, dweight: grad("fusion.tfn.weight"), dbias: grad("fusion.tfn.bias"),
                                  scratchTensor: ws.get("tfn.dtensor", bsz * q), scratchFactors: ws.get("tfn.factors", 2 * q),
                                  dfused: dfused, tensor: ws.get("tfn.tensor", bsz * q), blocks: blocks,
                                  weight: param("fusion.tfn.weight"), batch: bsz, modalities: m, width: p, outFeatures: f)
        case .lmf:
            let rf = c.lmfRank * f
            LowRankFusion.backward(dblocks: dblocks, dfactors: c.modalities.map { grad("fusion.lmf.factor.\($0.name)") },
                                   drankWeight: grad("fusion.lmf.rank_weight"), dbias: grad("fusion.lmf.bias"),
                                   scratchFactors: ws.get("lmf.dfactors", m * bsz * rf),
                                   scratchHat: ws.get("lmf.dhat", bsz * (p + 1)), dfused: dfused,
                                   hats: ws.get("lmf.hats", m * bsz * (p + 1)), factorsOut: ws.get("lmf.factors", m * bsz * rf),
                                   factors: c.modalities.map { param("fusion.lmf.factor.\($0.name)") },
                                   rankWeight: param("fusion.lmf.rank_weight"), batch: bsz, modalities: m, width: p,
                                   rank: c.lmfRank, outFeatures: f)
        }
    }

    /// Modality j's block → its projection's gradients → NetVLAD's (for a sequence pooled by it)
    /// or the text channel's table (for a bag).
    private func modalityBackward(_ batch: HeadBatch, _ j: Int, _ spec: ModalitySpec,
                                  dblocks: UnsafeMutablePointer<Float>, blocks: UnsafeMutablePointer<Float>) {
        let c = config, ws = workspace, bsz = batch.count, m = c.modalityCount, p = c.blockWidth
        // Through the mask and the ReLU: the stored block is 0 where masked or negative.
        for b in 0..<bsz {
            let g = dblocks + b * m * p + j * p, e = blocks + b * m * p + j * p
            for i in 0..<p where e[i] <= 0 { g[i] = 0 }
        }
        let d = spec.dim, name = spec.name, width = c.pooledWidth(spec)
        let isPooled = spec.kind == .sequence || spec.kind == .bag
        let x = isPooled ? ws.get("pooled.\(name)", bsz * width) : batch.inputs[j].pointer
        // Only NetVLAD and the text channel's table have parameters before the projection.
        let learnsPooling = spec.kind == .bag || (spec.kind == .sequence && c.sequencePooling.usesNetVLAD)
        let dpooled: UnsafeMutablePointer<Float>? = learnsPooling ? ws.get("dpooled.\(name)", bsz * width) : nil
        dpooled?.update(repeating: 0, count: bsz * width)
        Dense.backward(dinp: dpooled, ldDinp: width, dweight: grad("proj.\(name).weight"), dbias: grad("proj.\(name).bias"),
                       dout: dblocks + j * p, ldDout: m * p, inp: x, ldInp: width, weight: param("proj.\(name).weight"),
                       rows: bsz, inFeatures: width, outFeatures: p)
        guard var dpooled else { return }
        if spec.kind == .bag {
            EmbeddingBag.backward(dtable: grad(Self.textTable), dpooled: dpooled, ids: batch.inputs[j].pointer,
                                  offsets: batch.offsets[j], batch: bsz, dim: d)
            return
        }
        let k = c.clusters, n = batch.offsets[j][bsz]
        if c.sequencePooling == .both {
            // NetVLAD's part of each row (after the mean's d columns), made contiguous.
            let vladWidth = c.netvladWidth(spec), dvlad = ws.get("dvlad.\(name)", bsz * vladWidth)
            for b in 0..<bsz { (dvlad + b * vladWidth).update(from: dpooled + b * width + d, count: vladWidth) }
            dpooled = dvlad
        }
        NetVLAD.backward(dweight: grad("netvlad.\(name).assign.weight"), dbias: grad("netvlad.\(name).assign.bias"),
                         dcenters: grad("netvlad.\(name).centers"),
                         dshotLogits: c.netvlad == .flattened ? nil : grad("netvlad.\(name).shot_logits"),
                         scratchResidual: ws.get("dresidual.\(name)", k * d), scratchAssign: ws.get("dassign.\(name)", n * k),
                         dout: dpooled, assign: ws.get("assign.\(name)", n * k),
                         normalized: ws.get("normalized.\(name)", bsz * k * d), norms: ws.get("norms.\(name)", bsz * k),
                         shotWeights: ws.get("shots.\(name)", k), frames: batch.inputs[j].pointer,
                         offsets: batch.offsets[j], centers: param("netvlad.\(name).centers"),
                         batch: bsz, clusters: k, dim: d)
    }
}
