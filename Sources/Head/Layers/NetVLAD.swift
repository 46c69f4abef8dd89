import Kernels

/// NetVLAD (Arandjelović et al. 2016, https://arxiv.org/abs/1511.07247) in the article's form:
/// the K intra-normalised residual descriptors ("shots") are combined by a learned weighted
/// sum into one vector of the input width, instead of being flattened to K×D.
///
/// For the frames x_i (i ∈ item b) of one item:
///   a_ik = softmax_k(w_k·x_i + b_k)                 soft assignment
///   V_k  = Σ_i a_ik (x_i − c_k)                      residual sum
///   V̂_k  = V_k / max(‖V_k‖, ε)                       intra-normalisation (F.normalize, ε = 1e-12)
///   α    = softmax(shot_logits)                      shot weights, a convex combination
///   out  = √D · Σ_k α_k V̂_k                          ‖out‖ ≤ √D: unit RMS per element at most
///
/// α is softmax-normalised (not free) so the output scale is bounded whatever is learned and α
/// reads as the share of each shot. Items with no frames give a zero row (the modality is
/// absent and masked downstream). Frames of a batch are packed: rows `offsets[b]..<offsets[b+1]`.
///
/// Without `shotLogits` the classic form is computed instead: out = √D·[V̂_1, …, V̂_K] (K·D wide;
/// the paper's intra- then L2-normalised vector scaled by √(K·D), unit RMS per element).
enum NetVLAD {
    static let epsilon: Float = 1e-12

    /// - out: (B, D), or (B, K·D) without shotLogits; assign: (N, K) soft assignments;
    ///   normalized: (B, K, D) V̂; norms: (B, K) ‖V_k‖; shotWeights: (K) α.
    /// - frames: (N, D); offsets: B+1 row offsets into frames.
    /// - weight: (K, D); bias: (K); centers: (K, D); shotLogits: (K) or nil (flattened form).
    static func forward(
        out: UnsafeMutablePointer<Float>, assign: UnsafeMutablePointer<Float>,
        normalized: UnsafeMutablePointer<Float>, norms: UnsafeMutablePointer<Float>,
        shotWeights: UnsafeMutablePointer<Float>,
        frames: UnsafePointer<Float>, offsets: [Int],
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, centers: UnsafePointer<Float>,
        shotLogits: UnsafePointer<Float>?,
        batch: Int, clusters k: Int, dim d: Int
    ) {
        let n = offsets[batch]
        Dense.forward(out: assign, ldOut: k, inp: frames, ldInp: d, weight: weight, bias: bias,
                      rows: n, inFeatures: d, outFeatures: k)
        Softmax.forward(assign, assign, rows: n, n: k)
        let flattened = shotLogits == nil
        if let shotLogits { Softmax.forward(shotWeights, shotLogits, rows: 1, n: k) }
        let scale = Float(d).squareRoot()
        let outWidth = flattened ? k * d : d
        for b in 0..<batch {
            let start = offsets[b], t = offsets[b + 1] - start
            let vb = normalized + b * k * d, ob = out + b * outWidth, nb = norms + b * k
            if t == 0 {
                vb.update(repeating: 0, count: k * d)
                nb.update(repeating: 0, count: k)
                ob.update(repeating: 0, count: outWidth)
                continue
            }
            let ab = assign + start * k
            // V (K, D) = Aᵀ (K, T) · X (T, D)
            GEMM.multiply(m: k, n: d, k: t, a: ab, lda: k, transA: true, b: frames + start * d, ldb: d,
                          c: vb, ldc: d)
            if !flattened { ob.update(repeating: 0, count: d) }
            for c in 0..<k {
                let s = assignedMass(ab, frames: t, clusters: k, c)
                let v = vb + c * d, center = centers + c * d
                var squares: Float = 0
                for j in 0..<d {
                    v[j] -= s * center[j]
                    squares += v[j] * v[j]
                }
                let norm = squares.squareRoot()
                nb[c] = norm
                let inverse = 1 / max(norm, epsilon)
                if flattened {
                    let o = ob + c * d
                    for j in 0..<d {
                        v[j] *= inverse
                        o[j] = scale * v[j]
                    }
                } else {
                    let weight = scale * shotWeights[c]
                    for j in 0..<d {
                        v[j] *= inverse
                        ob[j] += weight * v[j]
                    }
                }
            }
        }
    }

    /// Accumulates the parameter gradients for dout (B, D), or (B, K·D) in the flattened form
    /// (dshotLogits nil). `scratchResidual`: (K, D) and `scratchAssign`: (N, K) are workspace.
    /// Frame gradients are not computed (inputs are fixed).
    static func backward(
        dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>,
        dcenters: UnsafeMutablePointer<Float>, dshotLogits: UnsafeMutablePointer<Float>?,
        scratchResidual: UnsafeMutablePointer<Float>, scratchAssign: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>,
        assign: UnsafePointer<Float>, normalized: UnsafePointer<Float>, norms: UnsafePointer<Float>,
        shotWeights: UnsafePointer<Float>,
        frames: UnsafePointer<Float>, offsets: [Int],
        centers: UnsafePointer<Float>,
        batch: Int, clusters k: Int, dim d: Int
    ) {
        let n = offsets[batch]
        let scale = Float(d).squareRoot()
        let flattened = dshotLogits == nil
        let outWidth = flattened ? k * d : d
        // dα_k = √D Σ_b dout_b · V̂_bk, then through α = softmax(shot_logits).
        var dAlpha = [Float](repeating: 0, count: k)
        for b in 0..<batch where !flattened && offsets[b + 1] > offsets[b] {
            let g = dout + b * outWidth
            for c in 0..<k {
                let v = normalized + (b * k + c) * d
                var dot: Float = 0
                for j in 0..<d { dot += g[j] * v[j] }
                dAlpha[c] += scale * dot
            }
        }
        if let dshotLogits {
            dAlpha.withUnsafeBufferPointer { Softmax.backward(dshotLogits, dp: $0.baseAddress!, p: shotWeights, rows: 1, n: k) }
        }

        let dAssign = scratchAssign
        for b in 0..<batch {
            let start = offsets[b], t = offsets[b + 1] - start
            if t == 0 { continue }
            let ab = assign + start * k
            for c in 0..<k {
                // dV̂ = √D α_k dout (flattened: √D dout_k);  dV = (dV̂ − V̂ (V̂·dV̂)) / ‖V‖  (or dV̂/ε below ε)
                let g = flattened ? dout + b * outWidth + c * d : dout + b * outWidth
                let v = normalized + (b * k + c) * d, dv = scratchResidual + c * d
                let w = flattened ? scale : scale * shotWeights[c]
                let norm = norms[b * k + c]
                if norm > epsilon {
                    var dot: Float = 0
                    for j in 0..<d { dot += v[j] * g[j] }
                    dot *= w
                    let inverse = 1 / norm
                    for j in 0..<d { dv[j] = (w * g[j] - v[j] * dot) * inverse }
                } else {
                    for j in 0..<d { dv[j] = w * g[j] / epsilon }
                }
                // V_k = Σ_i a_ik x_i − s_k c_k:  dc_k −= s_k dV_k;  ds_k = −c_k·dV_k
                let s = assignedMass(ab, frames: t, clusters: k, c)
                let center = centers + c * d, dc = dcenters + c * d
                var ds: Float = 0
                for j in 0..<d {
                    dc[j] -= s * dv[j]
                    ds -= center[j] * dv[j]
                }
                for i in 0..<t { dAssign[(start + i) * k + c] = ds }
            }
            // dA (T, K) += X (T, D) · dVᵀ (D, K)
            GEMM.multiply(m: t, n: k, k: d, a: frames + start * d, lda: d, b: scratchResidual, ldb: d, transB: true,
                          c: dAssign + start * k, ldc: k, beta: 1)
        }
        // Through the softmax in place: dZ = a ⊙ (dA − Σ a dA).
        for r in 0..<n {
            let a = assign + r * k, g = dAssign + r * k
            var dot: Float = 0
            for c in 0..<k { dot += a[c] * g[c] }
            for c in 0..<k { g[c] = a[c] * (g[c] - dot) }
        }
        guard n > 0 else { return }
        GEMM.multiply(m: k, n: d, k: n, a: dAssign, lda: k, transA: true, b: frames, ldb: d,
                      c: dweight, ldc: d, beta: 1)
        Dense.columnSums(into: dbias, dAssign, k, rows: n, columns: k)
    }

    /// s_c = Σ_i a_ic: how much of the item's `frames` (T) cluster c was assigned, from the
    /// assignments `(T, K)`.
    private static func assignedMass(_ assign: UnsafePointer<Float>, frames t: Int, clusters k: Int, _ c: Int) -> Float {
        var s: Float = 0
        for i in 0..<t { s += assign[i * k + c] }
        return s
    }
}
