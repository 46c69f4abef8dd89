/// One classifier channel: h = ReLU(x·Wᵀ + b) `(B, H)`, logits = h·Uᵀ + c `(B, C)`, from an
/// input x `(B, I)`. The hierarchical classifier has one per level, the flat classifier one.
///
/// With H = 0 the channel is linear: logits = x·Uᵀ + c, U `(C, I)` (no W, b, h). x may be the
/// leading I columns of a wider matrix whose rows are `inputStride` apart.
enum MLPChannel {
    struct Weights {
        /// W `(H, I)`, b `(H)` (nil when H = 0), U `(C, H)` (`(C, I)` when H = 0), c `(C)`.
        var w, b: UnsafeMutablePointer<Float>?
        var u, c: UnsafeMutablePointer<Float>
    }

    /// - logits: `(B, C)`; hidden: `(B, H)`; input: `(B, I)`, rows `inputStride` (default I) apart.
    static func forward(
        logits: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
        weights w: Weights, batch: Int, inputWidth: Int, inputStride: Int? = nil, hiddenWidth: Int, classes: Int
    ) {
        let ld = inputStride ?? inputWidth
        guard hiddenWidth > 0 else {
            Dense.forward(out: logits, ldOut: classes, inp: input, ldInp: ld, weight: w.u, bias: w.c,
                          rows: batch, inFeatures: inputWidth, outFeatures: classes)
            return
        }
        Dense.forward(out: hidden, ldOut: hiddenWidth, inp: input, ldInp: ld, weight: w.w!, bias: w.b!,
                      rows: batch, inFeatures: inputWidth, outFeatures: hiddenWidth)
        ReLU.forward(hidden, ld: hiddenWidth, rows: batch, columns: hiddenWidth)
        Dense.forward(out: logits, ldOut: classes, inp: hidden, ldInp: hiddenWidth, weight: w.u, bias: w.c,
                      rows: batch, inFeatures: hiddenWidth, outFeatures: classes)
    }

    /// dinput `(B, I)` (rows `inputStride` apart, as the input's) +=; the weights' gradients +=.
    /// `dhidden` `(B, H)` must hold what reaches h from elsewhere (zeros when nothing does); it is
    /// then overwritten.
    static func backward(
        dinput: UnsafeMutablePointer<Float>, grads d: Weights, dhidden: UnsafeMutablePointer<Float>,
        dlogits: UnsafePointer<Float>, hidden: UnsafePointer<Float>, input: UnsafePointer<Float>,
        weights w: Weights, batch: Int, inputWidth: Int, inputStride: Int? = nil, hiddenWidth: Int, classes: Int
    ) {
        let ld = inputStride ?? inputWidth
        guard hiddenWidth > 0 else {
            Dense.backward(dinp: dinput, ldDinp: ld, dweight: d.u, dbias: d.c, dout: dlogits, ldDout: classes,
                           inp: input, ldInp: ld, weight: w.u, rows: batch, inFeatures: inputWidth,
                           outFeatures: classes)
            return
        }
        Dense.backward(dinp: dhidden, ldDinp: hiddenWidth, dweight: d.u, dbias: d.c, dout: dlogits, ldDout: classes,
                       inp: hidden, ldInp: hiddenWidth, weight: w.u, rows: batch, inFeatures: hiddenWidth,
                       outFeatures: classes)
        ReLU.backward(dhidden, ldD: hiddenWidth, out: hidden, ldOut: hiddenWidth, rows: batch, columns: hiddenWidth)
        Dense.backward(dinp: dinput, ldDinp: ld, dweight: d.w!, dbias: d.b!, dout: dhidden, ldDout: hiddenWidth,
                       inp: input, ldInp: ld, weight: w.w!, rows: batch, inFeatures: inputWidth,
                       outFeatures: hiddenWidth)
    }
}
