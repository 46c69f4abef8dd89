/// Tensor fusion (Zadeh et al. 2017, https://arxiv.org/abs/1707.07250): append 1 to each
/// modality's small projection, ẑ_m = (1, e_m) of width q = P+1, take the M-way outer product
/// Z = ẑ_1 ⊗ … ⊗ ẑ_M (q^M entries, the first modality outermost, as
/// `torch.einsum` + `flatten` builds it), and map it linearly: fused = Z·Wᵀ + b (B, F).
/// An absent modality has e_m = 0, so only its constant 1 survives: interactions through it vanish.
enum TensorFusion {
    /// - fused: (B, F); tensor: (B, Q) with Q = q^M.
    /// - blocks: (B, M·P); weight: (F, Q); bias: (F).
    static func forward(
        fused: UnsafeMutablePointer<Float>, tensor: UnsafeMutablePointer<Float>,
        blocks: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        batch: Int, modalities m: Int, width p: Int, outFeatures f: Int
    ) {
        let q = p + 1
        let size = (0..<m).reduce(1) { s, _ in s * q }
        for b in 0..<batch {
            let z = tensor + b * size
            z[0] = 1
            var current = 1
            for j in 0..<m {
                let e = blocks + b * m * p + j * p
                // expand in place from `current` to `current·q` entries, last index first
                for index in stride(from: current - 1, through: 0, by: -1) {
                    let v = z[index]
                    for i in stride(from: p, through: 1, by: -1) { z[index * q + i] = v * e[i - 1] }
                    z[index * q] = v
                }
                current *= q
            }
        }
        Dense.forward(out: fused, ldOut: f, inp: tensor, ldInp: size, weight: weight, bias: bias,
                      rows: batch, inFeatures: size, outFeatures: f)
    }

    /// dblocks (B, M·P) +=; dweight, dbias +=. `scratchTensor`: (B, Q); `scratchFactors`: 2·Q floats.
    static func backward(
        dblocks: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>,
        scratchTensor: UnsafeMutablePointer<Float>, scratchFactors: UnsafeMutablePointer<Float>,
        dfused: UnsafePointer<Float>,
        tensor: UnsafePointer<Float>, blocks: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        batch: Int, modalities m: Int, width p: Int, outFeatures f: Int
    ) {
        let q = p + 1
        let size = (0..<m).reduce(1) { s, _ in s * q }
        let dz = scratchTensor
        dz.update(repeating: 0, count: batch * size)
        Dense.backward(dinp: dz, ldDinp: size, dweight: dweight, dbias: dbias, dout: dfused, ldDout: f,
                       inp: tensor, ldInp: size, weight: weight, rows: batch, inFeatures: size, outFeatures: f)
        // dẑ_m[i] = Σ_{a, c} prefix_m[a] · dZ[a, i, c] · suffix_m[c], with prefix_m = ẑ_1⊗…⊗ẑ_{m−1}
        // (q^m entries) and suffix_m = ẑ_{m+1}⊗…⊗ẑ_M (q^(M−m−1) entries).
        let prefix = scratchFactors, suffix = scratchFactors + size
        for b in 0..<batch {
            let g = dz + b * size
            let e = blocks + b * m * p
            func hat(_ j: Int, _ i: Int) -> Float { i == 0 ? 1 : e[j * p + i - 1] }
            for j in 0..<m {
                var a = 1
                prefix[0] = 1
                for l in 0..<j {
                    for index in stride(from: a - 1, through: 0, by: -1) {
                        let v = prefix[index]
                        for i in stride(from: q - 1, through: 0, by: -1) { prefix[index * q + i] = v * hat(l, i) }
                    }
                    a *= q
                }
                var c = 1
                suffix[0] = 1
                for l in stride(from: m - 1, to: j, by: -1) {
                    // suffix ← ẑ_l ⊗ suffix (ẑ_l outermost)
                    for i in stride(from: q - 1, through: 0, by: -1) {
                        let v = hat(l, i)
                        for index in 0..<c { suffix[i * c + index] = v * suffix[index] }
                    }
                    c *= q
                }
                let de = dblocks + b * m * p + j * p
                for i in 1..<q {
                    var total: Float = 0
                    for x in 0..<a {
                        let row = g + (x * q + i) * c
                        var inner: Float = 0
                        for y in 0..<c { inner += row[y] * suffix[y] }
                        total += prefix[x] * inner
                    }
                    de[i - 1] += total
                }
            }
        }
    }
}
