/// Modal attention fusion (the article's "Modal Attention"): from the concatenation of the
/// projected modality blocks e_m (B, M·P), predict a distribution over the M modalities,
///   s = E·Wᵀ + b (B, M),   p = softmax over the modalities present (absent ones get 0),
/// with W (M, M·P) for `joint` scores, or block-diagonal for `own` ones, s_m = w_m·e_m + b_m with
/// W (M, P) (``HeadConfig/AttentionScores``),
/// and re-weight each block by its probability: fused_m = p_m · e_m. The fused vector is the
/// re-weighted concatenation (B, M·P). Absent modalities are excluded from the softmax (their
/// block in E is zero as well), so the weights of the present ones sum to 1.
///
/// `form` (``HeadConfig/AttentionScale``) may scale the weights: fused_m = n·p_m·e_m (mean), n
/// being the number of modalities present in the item, so uniform attention passes the blocks
/// on at their own scale (as concatenation does) instead of shrinking each by n; or
/// (1 − ρ + ρ·n·p_m)·e_m (residual, ρ = `mix`): a share 1 − ρ of each block always passes and
/// the rest is re-weighted. Or, `appended`, the blocks pass unweighted and their weighted sum
/// follows them: fused = [E, Σ_m p_m·e_m] (B, (M+1)·P). p still reads as shares.
enum AttentionFusion {
    /// The multiplier of a block: c + s·p, with (c, s) = (0, 1) convex, (0, n) mean, (1 − ρ, ρ·n)
    /// residual, n being the modalities present in item b of `mask` (B, M).
    static func affine(_ mask: UnsafePointer<Float>, item b: Int, modalities m: Int,
                       form: HeadConfig.AttentionScale, mix: Float) -> (constant: Float, slope: Float) {
        var n: Float = 0
        for j in 0..<m { n += mask[b * m + j] }
        switch form {
        case .convex: return (0, 1)
        case .mean: return (0, n)
        case .residual: return (1 - mix, mix * n)
        case .appended: preconditionFailure("AttentionFusion: the appended form re-weights no block")
        }
    }

    /// - fused: (B, M·P), or (B, (M+1)·P) for `appended`; probs: (B, M).
    /// - blocks: (B, M·P) masked projections; mask: (B, M) of 0/1.
    /// - weight: (M, M·P) joint, (M, P) own; bias: (M).
    static func forward(
        fused: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
        blocks: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        batch: Int, modalities m: Int, width p: Int, scores: HeadConfig.AttentionScores,
        form: HeadConfig.AttentionScale, mix: Float
    ) {
        let w = m * p
        switch scores {
        case .joint:
            Dense.forward(out: probs, ldOut: m, inp: blocks, ldInp: w, weight: weight, bias: bias,
                          rows: batch, inFeatures: w, outFeatures: m)
        case .own:
            // column j of s (B, 1) = block j of E (B, P) · w_jᵀ + b_j
            for j in 0..<m {
                Dense.forward(out: probs + j, ldOut: m, inp: blocks + j * p, ldInp: w, weight: weight + j * p,
                              bias: bias + j, rows: batch, inFeatures: p, outFeatures: 1)
            }
        }
        Softmax.forward(probs, probs, rows: batch, n: m, mask: mask)
        if form == .appended {
            appendSum(fused: fused, probs: probs, blocks: blocks, batch: batch, modalities: m, width: p)
        } else {
            reweight(fused: fused, probs: probs, blocks: blocks, mask: mask, batch: batch, modalities: m, width: p,
                     form: form, mix: mix)
        }
    }

    /// dblocks (B, M·P) += ∂L/∂E; dweight, dbias +=. `scratch`: (B, M).
    static func backward(
        dblocks: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>,
        dfused: UnsafePointer<Float>,
        probs: UnsafePointer<Float>, blocks: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, batch: Int, modalities m: Int, width p: Int, scores: HeadConfig.AttentionScores,
        form: HeadConfig.AttentionScale, mix: Float
    ) {
        let w = m * p
        let dprobs = scratch
        if form == .appended {
            appendSumBackward(dblocks: dblocks, dprobs: dprobs, dfused: dfused, probs: probs, blocks: blocks,
                              batch: batch, modalities: m, width: p)
        } else {
            reweightBackward(dblocks: dblocks, dprobs: dprobs, dfused: dfused, probs: probs, blocks: blocks, mask: mask,
                             batch: batch, modalities: m, width: p, form: form, mix: mix)
        }
        // through the (masked) softmax, in place: ds = p ⊙ (dp − Σ p dp)
        for b in 0..<batch {
            let pr = probs + b * m, g = dprobs + b * m
            var dot: Float = 0
            for j in 0..<m { dot += pr[j] * g[j] }
            for j in 0..<m { g[j] = pr[j] * (g[j] - dot) }
        }
        switch scores {
        case .joint:
            Dense.backward(dinp: dblocks, ldDinp: w, dweight: dweight, dbias: dbias, dout: dprobs, ldDout: m,
                           inp: blocks, ldInp: w, weight: weight, rows: batch, inFeatures: w, outFeatures: m)
        case .own:
            for j in 0..<m {
                Dense.backward(dinp: dblocks + j * p, ldDinp: w, dweight: dweight + j * p, dbias: dbias + j,
                               dout: dprobs + j, ldDout: m, inp: blocks + j * p, ldInp: w, weight: weight + j * p,
                               rows: batch, inFeatures: p, outFeatures: 1)
            }
        }
    }

    /// The scaled forms: fused_bm = (c + s·p_bm)·e_bm (``affine``), zero where absent.
    private static func reweight(fused: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                 blocks: UnsafePointer<Float>, mask: UnsafePointer<Float>, batch: Int, modalities m: Int,
                                 width p: Int, form: HeadConfig.AttentionScale, mix: Float) {
        let w = m * p
        for b in 0..<batch {
            let (constant, slope) = affine(mask, item: b, modalities: m, form: form, mix: mix)
            for j in 0..<m {
                let a = mask[b * m + j] == 0 ? 0 : constant + slope * probs[b * m + j]
                let src = blocks + b * w + j * p, dst = fused + b * w + j * p
                for i in 0..<p { dst[i] = a * src[i] }
            }
        }
    }

    /// With fused_bm = (c + s·p_bm)·e_bm: dp_bm = s·dfused_bm · e_bm;  dE_bm += (c + s·p_bm)·dfused_bm.
    private static func reweightBackward(dblocks: UnsafeMutablePointer<Float>, dprobs: UnsafeMutablePointer<Float>,
                                         dfused: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                                         blocks: UnsafePointer<Float>, mask: UnsafePointer<Float>, batch: Int,
                                         modalities m: Int, width p: Int, form: HeadConfig.AttentionScale, mix: Float) {
        let w = m * p
        for b in 0..<batch {
            let (constant, slope) = affine(mask, item: b, modalities: m, form: form, mix: mix)
            for j in 0..<m {
                let a = mask[b * m + j] == 0 ? 0 : constant + slope * probs[b * m + j]
                let g = dfused + b * w + j * p, e = blocks + b * w + j * p, de = dblocks + b * w + j * p
                var dot: Float = 0
                for i in 0..<p {
                    dot += g[i] * e[i]
                    de[i] += a * g[i]
                }
                dprobs[b * m + j] = slope * dot
            }
        }
    }

    /// The appended form: fused_b = [e_b1, …, e_bM, Σ_m p_bm·e_bm] (B, (M+1)·P); absent blocks
    /// are zero and p_bm = 0 for them.
    private static func appendSum(fused: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                  blocks: UnsafePointer<Float>, batch: Int, modalities m: Int, width p: Int) {
        let w = m * p, f = w + p
        for b in 0..<batch {
            (fused + b * f).update(from: blocks + b * w, count: w)
            let sum = fused + b * f + w
            sum.update(repeating: 0, count: p)
            for j in 0..<m {
                let pj = probs[b * m + j], e = blocks + b * w + j * p
                for i in 0..<p { sum[i] += pj * e[i] }
            }
        }
    }

    /// With g the gradient of the appended sum: dE_bm += dfused_bm + p_bm·g_b;  dp_bm = g_b · e_bm.
    private static func appendSumBackward(dblocks: UnsafeMutablePointer<Float>, dprobs: UnsafeMutablePointer<Float>,
                                          dfused: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                                          blocks: UnsafePointer<Float>, batch: Int, modalities m: Int, width p: Int) {
        let w = m * p, f = w + p
        for b in 0..<batch {
            let g = dfused + b * f + w
            for j in 0..<m {
                let pj = probs[b * m + j], e = blocks + b * w + j * p
                let direct = dfused + b * f + j * p, de = dblocks + b * w + j * p
                var dot: Float = 0
                for i in 0..<p {
                    de[i] += direct[i] + pj * g[i]
                    dot += g[i] * e[i]
                }
                dprobs[b * m + j] = dot
            }
        }
    }
}
