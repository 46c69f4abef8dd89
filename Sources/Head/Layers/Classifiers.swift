/// The hierarchical classifier (HMC; HMCN's local channels, Wehrmann et al. 2018,
/// https://proceedings.mlr.press/v80/wehrmann18a.html), and the flat baseline, both made of
/// ``MLPChannel``s.
///
/// HMC, from the fused vector x (B, F), of which level 1 reads the leading F1 ≤ F columns x₁:
///   h1 = ReLU(x₁·W1ᵀ + b1) (B, H1),       logits1 = h1·U1ᵀ + c1 (B, C1)
///   g  = [x, h1] (B, F+H1)                 the level-2 channel also sees the level-1 state
///   h2 = ReLU(g·W2ᵀ + b2) (B, H2),        logits2 = h2·U2ᵀ + c2 (B, C2)
/// Flat: h2 = ReLU(x·W2ᵀ + b2), logits2 = h2·U2ᵀ + c2; level 1 is derived from the tree.
enum HMCClassifier {
    struct Weights {
        var level1, level2: MLPChannel.Weights
    }

    /// - logits1: (B, C1); logits2: (B, C2); h1: (B, H1); g: (B, F+H1); h2: (B, H2).
    /// - fused: (B, F); level1Width: F1.
    static func forward(
        logits1: UnsafeMutablePointer<Float>, logits2: UnsafeMutablePointer<Float>,
        h1: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, h2: UnsafeMutablePointer<Float>,
        fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, level1Width: Int, hidden1: Int, hidden2: Int, level1: Int, level2: Int
    ) {
        MLPChannel.forward(logits: logits1, hidden: h1, input: fused, weights: w.level1, batch: batch,
                           inputWidth: level1Width, inputStride: f, hiddenWidth: hidden1, classes: level1)
        let gw = f + hidden1
        for b in 0..<batch {
            (g + b * gw).update(from: fused + b * f, count: f)
            (g + b * gw + f).update(from: h1 + b * hidden1, count: hidden1)
        }
        MLPChannel.forward(logits: logits2, hidden: h2, input: g, weights: w.level2, batch: batch,
                           inputWidth: gw, hiddenWidth: hidden2, classes: level2)
    }

    /// dfused (B, F) +=; the weights' gradients +=. Scratch: dh1 (B, H1), dg (B, F+H1), dh2 (B, H2).
    static func backward(
        dfused: UnsafeMutablePointer<Float>, grads d: Weights,
        dh1: UnsafeMutablePointer<Float>, dg: UnsafeMutablePointer<Float>, dh2: UnsafeMutablePointer<Float>,
        dlogits1: UnsafePointer<Float>, dlogits2: UnsafePointer<Float>,
        h1: UnsafePointer<Float>, g: UnsafePointer<Float>, h2: UnsafePointer<Float>,
        fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, level1Width: Int, hidden1: Int, hidden2: Int, level1: Int, level2: Int
    ) {
        let gw = f + hidden1
        dh2.update(repeating: 0, count: batch * hidden2)
        dg.update(repeating: 0, count: batch * gw)
        MLPChannel.backward(dinput: dg, grads: d.level2, dhidden: dh2, dlogits: dlogits2, hidden: h2, input: g,
                            weights: w.level2, batch: batch, inputWidth: gw, hiddenWidth: hidden2, classes: level2)
        // g = [x, h1]: its first F columns flow to x, the rest to h1 (which logits1 reaches too).
        for b in 0..<batch {
            let src = dg + b * gw, dst = dfused + b * f
            for i in 0..<f { dst[i] += src[i] }
            (dh1 + b * hidden1).update(from: src + f, count: hidden1)
        }
        MLPChannel.backward(dinput: dfused, grads: d.level1, dhidden: dh1, dlogits: dlogits1, hidden: h1, input: fused,
                            weights: w.level1, batch: batch, inputWidth: level1Width, inputStride: f,
                            hiddenWidth: hidden1, classes: level1)
    }
}

enum FlatClassifier {
    typealias Weights = MLPChannel.Weights

    /// - logits2: (B, C2); h2: (B, H2); fused: (B, F).
    static func forward(
        logits2: UnsafeMutablePointer<Float>, h2: UnsafeMutablePointer<Float>,
        fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, hidden2: Int, level2: Int
    ) {
        MLPChannel.forward(logits: logits2, hidden: h2, input: fused, weights: w, batch: batch,
                           inputWidth: f, hiddenWidth: hidden2, classes: level2)
    }

    /// dfused (B, F) +=; gradients +=. Scratch dh2 (B, H2).
    static func backward(
        dfused: UnsafeMutablePointer<Float>, grads d: Weights, dh2: UnsafeMutablePointer<Float>,
        dlogits2: UnsafePointer<Float>, h2: UnsafePointer<Float>, fused: UnsafePointer<Float>, weights w: Weights,
        batch: Int, fusedWidth f: Int, hidden2: Int, level2: Int
    ) {
        dh2.update(repeating: 0, count: batch * hidden2)
        MLPChannel.backward(dinput: dfused, grads: d, dhidden: dh2, dlogits: dlogits2, hidden: h2, input: fused,
                            weights: w, batch: batch, inputWidth: f, hiddenWidth: hidden2, classes: level2)
    }
}
