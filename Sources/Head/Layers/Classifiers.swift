/// The hierarchical classifier (HMC; HMCN's local channels, Wehrmann et al. 2018,
/// https://proceedings.mlr.press/v80/wehrmann18a.html), and the flat baseline.
///
/// HMC, from the fused vector x (B, F):
///   h1 = ReLU(x·W1ᵀ + b1) (B, H1),        logits1 = h1·U1ᵀ + c1 (B, C1)
///   g  = [x, h1] (B, F+H1)                 the level-2 channel also sees the level-1 state
///   h2 = ReLU(g·W2ᵀ + b2) (B, H2),        logits2 = h2·U2ᵀ + c2 (B, C2)
/// Flat: h2 = ReLU(x·W2ᵀ + b2), logits2 = h2·U2ᵀ + c2; level 1 is derived from the tree.
enum HMCClassifier {
    struct Weights {
        var w1, b1, u1, c1, w2, b2, u2, c2: UnsafeMutablePointer<Float>
    }

    /// - logits1: (B, C1); logits2: (B, C2); h1: (B, H1); g: (B, F+H1); h2: (B, H2).
    /// - fused: (B, F).
    static func forward(
        logits1: UnsafeMutablePointer<Float>, logits2: UnsafeMutablePointer<Float>,
        h1: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, h2: UnsafeMutablePointer<Float>,
        fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, hidden1: Int, hidden2: Int, level1: Int, level2: Int
    ) {
        Dense.forward(out: h1, ldOut: hidden1, inp: fused, ldInp: f, weight: w.w1, bias: w.b1,
                      rows: batch, inFeatures: f, outFeatures: hidden1)
        ReLU.forward(h1, ld: hidden1, rows: batch, columns: hidden1)
        Dense.forward(out: logits1, ldOut: level1, inp: h1, ldInp: hidden1, weight: w.u1, bias: w.c1,
                      rows: batch, inFeatures: hidden1, outFeatures: level1)
        let gw = f + hidden1
        for b in 0..<batch {
            (g + b * gw).update(from: fused + b * f, count: f)
            (g + b * gw + f).update(from: h1 + b * hidden1, count: hidden1)
        }
        Dense.forward(out: h2, ldOut: hidden2, inp: g, ldInp: gw, weight: w.w2, bias: w.b2,
                      rows: batch, inFeatures: gw, outFeatures: hidden2)
        ReLU.forward(h2, ld: hidden2, rows: batch, columns: hidden2)
        Dense.forward(out: logits2, ldOut: level2, inp: h2, ldInp: hidden2, weight: w.u2, bias: w.c2,
                      rows: batch, inFeatures: hidden2, outFeatures: level2)
    }

    /// dfused (B, F) +=; the weights' gradients +=. Scratch: dh1 (B, H1), dg (B, F+H1), dh2 (B, H2).
    static func backward(
        dfused: UnsafeMutablePointer<Float>, grads d: Weights,
        dh1: UnsafeMutablePointer<Float>, dg: UnsafeMutablePointer<Float>, dh2: UnsafeMutablePointer<Float>,
        dlogits1: UnsafePointer<Float>, dlogits2: UnsafePointer<Float>,
        h1: UnsafePointer<Float>, g: UnsafePointer<Float>, h2: UnsafePointer<Float>,
        fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, hidden1: Int, hidden2: Int, level1: Int, level2: Int
    ) {
        let gw = f + hidden1
        dh2.update(repeating: 0, count: batch * hidden2)
        Dense.backward(dinp: dh2, ldDinp: hidden2, dweight: d.u2, dbias: d.c2, dout: dlogits2, ldDout: level2,
                       inp: h2, ldInp: hidden2, weight: w.u2, rows: batch, inFeatures: hidden2, outFeatures: level2)
        ReLU.backward(dh2, ldD: hidden2, out: h2, ldOut: hidden2, rows: batch, columns: hidden2)
        dg.update(repeating: 0, count: batch * gw)
        Dense.backward(dinp: dg, ldDinp: gw, dweight: d.w2, dbias: d.b2, dout: dh2, ldDout: hidden2,
                       inp: g, ldInp: gw, weight: w.w2, rows: batch, inFeatures: gw, outFeatures: hidden2)
        for b in 0..<batch {
            let src = dg + b * gw, dst = dfused + b * f
            for i in 0..<f { dst[i] += src[i] }
            (dh1 + b * hidden1).update(from: src + f, count: hidden1)
        }
        Dense.backward(dinp: dh1, ldDinp: hidden1, dweight: d.u1, dbias: d.c1, dout: dlogits1, ldDout: level1,
                       inp: h1, ldInp: hidden1, weight: w.u1, rows: batch, inFeatures: hidden1, outFeatures: level1)
        ReLU.backward(dh1, ldD: hidden1, out: h1, ldOut: hidden1, rows: batch, columns: hidden1)
        Dense.backward(dinp: dfused, ldDinp: f, dweight: d.w1, dbias: d.b1, dout: dh1, ldDout: hidden1,
                       inp: fused, ldInp: f, weight: w.w1, rows: batch, inFeatures: f, outFeatures: hidden1)
    }
}

enum FlatClassifier {
    struct Weights {
        var w2, b2, u2, c2: UnsafeMutablePointer<Float>
    }

    /// - logits2: (B, C2); h2: (B, H2); fused: (B, F).
    static func forward(
        logits2: UnsafeMutablePointer<Float>, h2: UnsafeMutablePointer<Float>,
        fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, hidden2: Int, level2: Int
    ) {
        Dense.forward(out: h2, ldOut: hidden2, inp: fused, ldInp: f, weight: w.w2, bias: w.b2,
                      rows: batch, inFeatures: f, outFeatures: hidden2)
        ReLU.forward(h2, ld: hidden2, rows: batch, columns: hidden2)
        Dense.forward(out: logits2, ldOut: level2, inp: h2, ldInp: hidden2, weight: w.u2, bias: w.c2,
                      rows: batch, inFeatures: hidden2, outFeatures: level2)
    }

    /// dfused (B, F) +=; gradients +=. Scratch dh2 (B, H2).
    static func backward(
        dfused: UnsafeMutablePointer<Float>, grads d: Weights, dh2: UnsafeMutablePointer<Float>,
        dlogits2: UnsafePointer<Float>, h2: UnsafePointer<Float>, fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, hidden2: Int, level2: Int
    ) {
        dh2.update(repeating: 0, count: batch * hidden2)
        Dense.backward(dinp: dh2, ldDinp: hidden2, dweight: d.u2, dbias: d.c2, dout: dlogits2, ldDout: level2,
                       inp: h2, ldInp: hidden2, weight: w.u2, rows: batch, inFeatures: hidden2, outFeatures: level2)
        ReLU.backward(dh2, ldD: hidden2, out: h2, ldOut: hidden2, rows: batch, columns: hidden2)
        Dense.backward(dinp: dfused, ldDinp: f, dweight: d.w2, dbias: d.b2, dout: dh2, ldDout: hidden2,
                       inp: fused, ldInp: f, weight: w.w2, rows: batch, inFeatures: f, outFeatures: hidden2)
    }
}
