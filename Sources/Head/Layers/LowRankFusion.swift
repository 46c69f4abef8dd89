/// Low-rank multimodal fusion (Liu et al. 2018, https://arxiv.org/abs/1806.00064): TFN's
/// weight tensor factorised into r rank-one terms, so each modality is mapped on its own and
/// the maps are multiplied elementwise:
///   ẑ_m = (1, e_m) (q = P+1),   y_m = ẑ_m·G_mᵀ  (B, r·F)  viewed as (B, r, F),
///   fused[b, f] = Σ_i w_i ∏_m y_m[b, i, f] + bias[f]     (B, F)
/// as in the authors' code (`fusion_weights`, `fusion_bias`,
/// https://github.com/Justin1904/Low-rank-Multimodal-Fusion/blob/master/model.py).
enum LowRankFusion {
    /// - fused: (B, F); hats: (M, B, q) the ẑ_m; factorsOut: (M, B, r·F) the y_m.
    /// - blocks: (B, M·P); factors: M pointers to (r·F, q); rankWeight: (r); bias: (F).
    static func forward(
        fused: UnsafeMutablePointer<Float>, hats: UnsafeMutablePointer<Float>, factorsOut: UnsafeMutablePointer<Float>,
        blocks: UnsafePointer<Float>,
        factors: [UnsafeMutablePointer<Float>], rankWeight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        batch: Int, modalities m: Int, width p: Int, rank r: Int, outFeatures f: Int
    ) {
        let q = p + 1, rf = r * f
        for j in 0..<m {
            let hat = hats + j * batch * q
            for b in 0..<batch {
                hat[b * q] = 1
                (hat + b * q + 1).update(from: blocks + b * m * p + j * p, count: p)
            }
            Dense.forward(out: factorsOut + j * batch * rf, ldOut: rf, inp: hat, ldInp: q, weight: factors[j],
                          bias: nil, rows: batch, inFeatures: q, outFeatures: rf)
        }
        for b in 0..<batch {
            let out = fused + b * f
            for o in 0..<f { out[o] = bias[o] }
            for i in 0..<r {
                let w = rankWeight[i]
                for o in 0..<f {
                    var product: Float = 1
                    for j in 0..<m { product *= factorsOut[j * batch * rf + b * rf + i * f + o] }
                    out[o] += w * product
                }
            }
        }
    }

    /// dblocks (B, M·P) +=; dfactors[m], drankWeight, dbias +=.
    /// `scratchFactors`: (M, B, r·F); `scratchHat`: (B, q).
    static func backward(
        dblocks: UnsafeMutablePointer<Float>, dfactors: [UnsafeMutablePointer<Float>],
        drankWeight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>,
        scratchFactors: UnsafeMutablePointer<Float>, scratchHat: UnsafeMutablePointer<Float>,
        dfused: UnsafePointer<Float>,
        hats: UnsafePointer<Float>, factorsOut: UnsafePointer<Float>,
        factors: [UnsafeMutablePointer<Float>], rankWeight: UnsafePointer<Float>,
        batch: Int, modalities m: Int, width p: Int, rank r: Int, outFeatures f: Int
    ) {
        let q = p + 1, rf = r * f
        Dense.columnSums(into: dbias, dfused, f, rows: batch, columns: f)
        var prefix = [Float](repeating: 1, count: m + 1)
        let dy = scratchFactors
        for b in 0..<batch {
            for i in 0..<r {
                let w = rankWeight[i]
                var dw: Float = 0
                for o in 0..<f {
                    let g = dfused[b * f + o]
                    let at = b * rf + i * f + o
                    // prefix[j] = ∏_{l<j} y_l; suffix accumulated from the end
                    for j in 0..<m { prefix[j + 1] = prefix[j] * factorsOut[j * batch * rf + at] }
                    dw += g * prefix[m]
                    var suffix: Float = 1
                    for j in stride(from: m - 1, through: 0, by: -1) {
                        dy[j * batch * rf + at] = w * g * prefix[j] * suffix
                        suffix *= factorsOut[j * batch * rf + at]
                    }
                }
                drankWeight[i] += dw
            }
        }
        for j in 0..<m {
            scratchHat.update(repeating: 0, count: batch * q)
            Dense.backward(dinp: scratchHat, ldDinp: q, dweight: dfactors[j], dbias: nil,
                           dout: dy + j * batch * rf, ldDout: rf, inp: hats + j * batch * q, ldInp: q,
                           weight: factors[j], rows: batch, inFeatures: q, outFeatures: rf)
            for b in 0..<batch {
                let de = dblocks + b * m * p + j * p, dh = scratchHat + b * q + 1
                for i in 0..<p { de[i] += dh[i] }
            }
        }
    }
}
