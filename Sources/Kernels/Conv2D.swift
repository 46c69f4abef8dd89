/// A 2-D convolution over NHWC tensors, computed as GEMM.
///
/// Weights are packed once, at construction, as `[KH, KW, Cin, Cout]` (a row-major `[K, Cout]`
/// matrix with K = KH·KW·Cin), so the product of an im2col tile `[M, K]` with them gives
/// `[M, Cout]` output rows directly in NHWC order. A 1×1 convolution skips im2col: at stride 1
/// the input itself is the `[N·H·W, Cin]` matrix; at stride > 1 only the sampled pixels are
/// gathered. Bias and activation are applied in the same pass after each GEMM.
public struct Conv2D: Sendable {
    public let kernelH: Int
    public let kernelW: Int
    public let inChannels: Int
    public let outChannels: Int
    public let strideH: Int
    public let strideW: Int
    public let padding: Padding
    /// Packed weights, `[KH, KW, Cin, Cout]`.
    public private(set) var weight: [Float]
    /// `[Cout]`; zeros when the layer has no bias.
    public private(set) var bias: [Float]

    /// A convolution from weights already packed as `[KH, KW, Cin, Cout]`.
    public init(
        packedWeight: [Float], bias: [Float]?, kernel: (Int, Int), inChannels: Int, outChannels: Int,
        stride: (Int, Int) = (1, 1), padding: Padding = .valid
    ) {
        precondition(packedWeight.count == kernel.0 * kernel.1 * inChannels * outChannels,
                     "Conv2D: packed weight has \(packedWeight.count) values, expected "
                        + "\(kernel.0)×\(kernel.1)×\(inChannels)×\(outChannels)")
        precondition(bias == nil || bias!.count == outChannels, "Conv2D: bias must have \(outChannels) values")
        (kernelH, kernelW) = kernel
        (strideH, strideW) = stride
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.padding = padding
        self.weight = packedWeight
        self.bias = bias ?? [Float](repeating: 0, count: outChannels)
    }

    /// A convolution from PyTorch's weight layout `[Cout, Cin, KH, KW]`.
    public init(
        torchWeight: [Float], bias: [Float]?, outChannels: Int, inChannels: Int, kernel: (Int, Int),
        stride: (Int, Int) = (1, 1), padding: Padding = .valid
    ) {
        let (kh, kw) = kernel
        precondition(torchWeight.count == outChannels * inChannels * kh * kw,
                     "Conv2D: weight has \(torchWeight.count) values, expected "
                        + "\(outChannels)×\(inChannels)×\(kh)×\(kw)")
        var packed = [Float](repeating: 0, count: torchWeight.count)
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                for y in 0..<kh {
                    for x in 0..<kw {
                        packed[((y * kw + x) * inChannels + c) * outChannels + o] =
                            torchWeight[((o * inChannels + c) * kh + y) * kw + x]
                    }
                }
            }
        }
        self.init(packedWeight: packed, bias: bias, kernel: kernel, inChannels: inChannels,
                  outChannels: outChannels, stride: stride, padding: padding)
    }

    /// K, the length of one im2col row.
    public var patchSize: Int { kernelH * kernelW * inChannels }

    /// Multiply-adds ×2 for an input of the given NHWC shape.
    public func flops(input shape: [Int]) -> Double {
        let g = geometry(shape)
        return 2 * Double(g.outputPixels) * Double(patchSize) * Double(outChannels)
    }

    /// Scales each output channel and adds a shift: `y' = y·scale + shift` (used to fold batch norm).
    public mutating func scaleOutputChannels(_ scale: [Float], shift: [Float]) {
        precondition(scale.count == outChannels && shift.count == outChannels,
                     "Conv2D: per-channel scale and shift must have \(outChannels) values")
        let (columns, rows) = (outChannels, patchSize)
        weight.withUnsafeMutableBufferPointer { w in
            for row in 0..<rows {
                for o in 0..<columns { w[row * columns + o] *= scale[o] }
            }
        }
        for o in 0..<columns { bias[o] = bias[o] * scale[o] + shift[o] }
    }

    func geometry(_ shape: [Int]) -> WindowGeometry {
        precondition(shape.count == 4 && shape[3] == inChannels,
                     "Conv2D: expected input [N, H, W, \(inChannels)], got \(shape)")
        return WindowGeometry(input: shape, kernel: (kernelH, kernelW), stride: (strideH, strideW), padding: padding)
    }

    /// `x`: `[N, H, W, Cin]` → `[N, OH, OW, Cout]`, with `activation` fused.
    ///
    /// With `residual` (`[N, OH, OW, Cout]`) the result is activation(residual + conv(x) + bias):
    /// the GEMM accumulates onto the residual (beta = 1), so the sum costs no extra pass.
    public func callAsFunction(_ x: Tensor, residual: Tensor? = nil, activation: Activation = .identity) -> Tensor {
        let g = geometry(x.shape)
        let shape = [g.batch, g.outHeight, g.outWidth, outChannels]
        var output: [Float]
        if let residual {
            precondition(residual.shape == shape, "Conv2D: residual \(residual.shape) does not match output \(shape)")
            output = residual.data
        } else {
            // Every element is written by the GEMM (beta = 0): no zero fill.
            output = [Float](unsafeUninitializedCapacity: g.outputPixels * outChannels) { _, count in
                count = g.outputPixels * outChannels
            }
        }
        x.data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                run(input.baseAddress!, g, out.baseAddress!, activation, accumulate: residual != nil)
            }
        }
        return Tensor(shape: shape, data: output)
    }

    private var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && {
            if case .explicit(let t, let b, let l, let r) = padding { return t == 0 && b == 0 && l == 0 && r == 0 }
            return true  // "same" and "valid" add no padding to a 1×1 kernel
        }()
    }

    /// Rows of output computed per GEMM: bounds the im2col scratch to about 4 MiB.
    private func tileRows(_ g: WindowGeometry) -> Int {
        max(64, min(g.outputPixels, (1 << 20) / max(1, patchSize)))
    }

    private func run(_ input: UnsafePointer<Float>, _ g: WindowGeometry, _ out: UnsafeMutablePointer<Float>,
                     _ activation: Activation, accumulate: Bool) {
        let beta: Float = accumulate ? 1 : 0
        let m = g.outputPixels
        guard m > 0 else { return }
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                if isPointwise && strideH == 1 && strideW == 1 {
                    // [N·H·W, Cin] · [Cin, Cout]: the input is already the GEMM operand.
                    GEMM.multiply(m: m, n: outChannels, k: inChannels, a: input, lda: inChannels,
                                  b: w.baseAddress!, ldb: outChannels, c: out, ldc: outChannels, beta: beta)
                    addBiasAndActivate(out, rows: m, columns: outChannels, bias: b.baseAddress, activation: activation)
                    return
                }
                let rowsPerTile = tileRows(g)
                let k = patchSize
                // im2col writes every element of each tile it uses (zeros for padding taps).
                var scratch = [Float](unsafeUninitializedCapacity: rowsPerTile * k) { _, count in count = rowsPerTile * k }
                scratch.withUnsafeMutableBufferPointer { cols in
                    var start = 0
                    while start < m {
                        let rows = min(rowsPerTile, m - start)
                        if isPointwise {
                            gatherPixels(input, g, from: start, rows: rows, into: cols.baseAddress!)
                        } else {
                            im2col(input, g, from: start, rows: rows, into: cols.baseAddress!)
                        }
                        let tileOut = out + start * outChannels
                        GEMM.multiply(m: rows, n: outChannels, k: k, a: cols.baseAddress!, lda: k,
                                      b: w.baseAddress!, ldb: outChannels, c: tileOut, ldc: outChannels,
                                      beta: beta)
                        addBiasAndActivate(tileOut, rows: rows, columns: outChannels, bias: b.baseAddress,
                                           activation: activation)
                        start += rows
                    }
                }
            }
        }
    }

    /// Fills `cols` `[rows, KH·KW·Cin]` with the input patches of output pixels `from..<from+rows`
    /// (pixels numbered n·OH·OW + oy·OW + ox); taps outside the input are zero.
    private func im2col(_ input: UnsafePointer<Float>, _ g: WindowGeometry, from: Int, rows: Int,
                        into cols: UnsafeMutablePointer<Float>) {
        let c = g.channels
        let k = patchSize
        Threading.parallelFor(rows, minChunk: 32) { range in
            for r in range {
                let pixel = from + r
                let n = pixel / (g.outHeight * g.outWidth)
                let oy = (pixel / g.outWidth) % g.outHeight
                let ox = pixel % g.outWidth
                var dst = cols + r * k
                let image = input + n * g.inHeight * g.inWidth * c
                for ky in 0..<g.kernelH {
                    let iy = oy * g.strideH - g.padTop + ky
                    if iy < 0 || iy >= g.inHeight {
                        dst.update(repeating: 0, count: g.kernelW * c)
                        dst += g.kernelW * c
                        continue
                    }
                    let rowBase = image + iy * g.inWidth * c
                    let ix0 = ox * g.strideW - g.padLeft
                    if ix0 >= 0 && ix0 + g.kernelW <= g.inWidth {
                        // The whole kernel row is inside: KW·C contiguous values.
                        dst.update(from: rowBase + ix0 * c, count: g.kernelW * c)
                        dst += g.kernelW * c
                        continue
                    }
                    for kx in 0..<g.kernelW {
                        let ix = ix0 + kx
                        if ix < 0 || ix >= g.inWidth {
                            dst.update(repeating: 0, count: c)
                        } else {
                            dst.update(from: rowBase + ix * c, count: c)
                        }
                        dst += c
                    }
                }
            }
        }
    }

    /// Fills `cols` `[rows, Cin]` with the input pixels a strided 1×1 convolution reads.
    private func gatherPixels(_ input: UnsafePointer<Float>, _ g: WindowGeometry, from: Int, rows: Int,
                              into cols: UnsafeMutablePointer<Float>) {
        let c = g.channels
        for r in 0..<rows {
            let pixel = from + r
            let n = pixel / (g.outHeight * g.outWidth)
            let oy = (pixel / g.outWidth) % g.outHeight
            let ox = pixel % g.outWidth
            let source = input + ((n * g.inHeight + oy * g.strideH) * g.inWidth + ox * g.strideW) * c
            (cols + r * c).update(from: source, count: c)
        }
    }
}
