/// A 2-D convolution over NHWC tensors, computed as GEMM.
///
/// Weights are packed once, at construction, as `[KH, KW, Cin, Cout]` (a row-major `[K, Cout]`
/// matrix with K = KH·KW·Cin), so the product of an im2col tile `[M, K]` with them gives
/// `[M, Cout]` output rows directly in NHWC order. A 1×1 convolution skips im2col: at stride 1
/// the input itself is the `[N·H·W, Cin]` matrix; at stride > 1 only the sampled pixels are
/// gathered. Bias and activation are applied in the same pass after each GEMM.
///
/// Other paths, chosen at construction by the layer's shape: wide stride-1 3×3, 1×r and r×1
/// layers run as Winograd (`ConvolutionAlgorithm.choose`: `WinogradF4x3`, `Winograd1D`), and
/// patches of at most `directPatchLimit` values are multiplied directly. Callers that pass a
/// `BufferPool` get their output and scratch from it.
public struct Conv2D: Sendable {
    public let kernelH: Int
    public let kernelW: Int
    public let inChannels: Int
    public let outChannels: Int
    public let strideH: Int
    public let strideW: Int
    public let padding: Padding
    /// Packed weights, `[KH, KW, Cin, Cout]`; empty for a Winograd layer once
    /// `releasingUnusedWeights` dropped them.
    public private(set) var weight: [Float]
    /// `[Cout]`; zeros when the layer has no bias.
    public private(set) var bias: [Float]
    /// How this layer runs: chosen at construction by `choose` (or forced by tests).
    public private(set) var algorithm: ConvolutionAlgorithm = .gemm
    /// The weights in the chosen Winograd form; nil for `.gemm`.
    private var winograd: WinogradWeights?

    /// Whether a layer of this shape runs as Winograd, and which form: "F(4×4,3×3)", "F(2,7)",
    /// "F(4,3)"…, or nil for im2col / 1×1 / direct.
    @_spi(Tools) public static func winogradForm(kernel: (Int, Int), stride: (Int, Int), inChannels: Int,
                                    outChannels: Int) -> String? {
        let algorithm = ConvolutionAlgorithm.choose(kernel: kernel, stride: stride, inChannels: inChannels,
                                                    outChannels: outChannels)
        return algorithm == .gemm ? nil : algorithm.description
    }

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
        prepareWinograd()
    }

    /// Whether this layer runs as a Winograd algorithm rather than im2col + GEMM.
    public var usesWinograd: Bool { winograd != nil }

    /// This layer as it will run, with one layout of its weights in memory: a Winograd layer
    /// reads only its transformed filters, so its packed `[KH, KW, Cin, Cout]` copy is dropped
    /// (for Inception-ResNet-v2 and VGGish 49 and 18 MB). Call it last: a layer without its
    /// packed weights cannot be scaled (`scaleOutputChannels`) or `forcing`'d again.
    public func releasingUnusedWeights() -> Conv2D {
        guard winograd != nil else { return self }
        var copy = self
        copy.weight = []
        return copy
    }

    /// False once `releasingUnusedWeights` dropped the packed weights.
    private var hasPackedWeights: Bool { weight.count == patchSize * outChannels }

    /// The algorithm for a layer of this shape: see `ConvolutionAlgorithm.choose`.
    private mutating func prepareWinograd(forcing forced: ConvolutionAlgorithm? = nil) {
        algorithm = forced ?? ConvolutionAlgorithm.choose(kernel: (kernelH, kernelW), stride: (strideH, strideW),
                                                          inChannels: inChannels, outChannels: outChannels)
        winograd = WinogradWeights(algorithm, packed: weight, kernel: (kernelH, kernelW),
                                   inChannels: inChannels, outChannels: outChannels)
    }

    /// This layer computed with `algorithm` whatever `choose` says (for tests and
    /// `vidtag-bench winograd`); `algorithm` must apply to the layer's kernel and stride.
    @_spi(Tools) public func forcing(_ algorithm: ConvolutionAlgorithm) -> Conv2D {
        precondition(hasPackedWeights, "Conv2D: forcing needs the packed weights, released by releasingUnusedWeights")
        precondition(algorithm.applies(kernel: (kernelH, kernelW), stride: (strideH, strideW)),
                     "Conv2D: \(algorithm) does not apply to a \(kernelH)×\(kernelW) stride \((strideH, strideW)) layer")
        var copy = self
        copy.forced = algorithm
        copy.prepareWinograd(forcing: algorithm)
        return copy
    }

    /// Set by `forcing`, kept through `scaleOutputChannels`.
    private var forced: ConvolutionAlgorithm?

    /// A convolution from PyTorch's weight layout `[Cout, Cin, KH, KW]`; with `norm`, followed by
    /// that batch norm, folded into the weights and bias before the Winograd filters are derived.
    public init(
        torchWeight: [Float], bias: [Float]?, outChannels: Int, inChannels: Int, kernel: (Int, Int),
        stride: (Int, Int) = (1, 1), padding: Padding = .valid, norm: BatchNorm? = nil
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
        var bias = bias ?? [Float](repeating: 0, count: outChannels)
        if let norm {
            precondition(norm.gamma.count == outChannels,
                         "BatchNorm has \(norm.gamma.count) channels, convolution has \(outChannels)")
            let (scale, shift) = norm.scaleAndShift
            Self.scale(&packed, &bias, columns: outChannels, by: scale, shift: shift)
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

    /// Scales each output channel and adds a shift: `y' = y·scale + shift` (the residual blocks'
    /// scale of their up-projection).
    public mutating func scaleOutputChannels(_ scale: [Float], shift: [Float]) {
        precondition(hasPackedWeights, "Conv2D: scaling needs the packed weights, released by releasingUnusedWeights")
        precondition(scale.count == outChannels && shift.count == outChannels,
                     "Conv2D: per-channel scale and shift must have \(outChannels) values")
        Self.scale(&weight, &bias, columns: outChannels, by: scale, shift: shift)
        prepareWinograd(forcing: forced)
    }

    /// Packed weights `[K, columns]` and bias: column o of the weights times `scale[o]`, the bias
    /// `bias[o]·scale[o] + shift[o]`.
    private static func scale(_ weight: inout [Float], _ bias: inout [Float], columns: Int, by scale: [Float],
                              shift: [Float]) {
        weight.withUnsafeMutableBufferPointer { w in
            for row in 0..<w.count / columns {
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
    /// With `buffers`, the output and the im2col scratch come from that pool (see `BufferPool`).
    public func callAsFunction(_ x: Tensor, residual: Tensor? = nil, activation: Activation = .identity,
                               buffers: BufferPool? = nil) -> Tensor {
        if var output = residual {
            accumulate(x, into: &output, activation: activation, buffers: buffers)
            return output
        }
        let g = geometry(x.shape)
        // Every element is written (GEMM with beta = 0, or the direct path): no zero fill.
        var output = buffers?.tensor(outputShape(g)) ?? Tensor(uninitialized: outputShape(g))
        x.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                run(input.baseAddress!, g, out.baseAddress!, activation, accumulate: false, buffers: buffers)
            }
        }
        return output
    }

    /// `output` ← activation(`output` + conv(`x`) + bias) in place, `output` being
    /// `[N, OH, OW, Cout]`: a residual connection without a separate output buffer.
    public func accumulate(_ x: Tensor, into output: inout Tensor, activation: Activation = .identity,
                           buffers: BufferPool? = nil) {
        let g = geometry(x.shape)
        precondition(output.shape == outputShape(g),
                     "Conv2D: residual \(output.shape) does not match output \(outputShape(g))")
        x.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                run(input.baseAddress!, g, out.baseAddress!, activation, accumulate: true, buffers: buffers)
            }
        }
    }

    private func outputShape(_ g: WindowGeometry) -> [Int] { [g.batch, g.outHeight, g.outWidth, outChannels] }

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

    /// Patches at most this long (e.g. 3×3 over one channel: VGGish's conv1) are multiplied
    /// directly: a GEMM with K this small runs at a few percent of peak (packing and the
    /// separate epilogue pass over the output dominate), and im2col would copy each input value
    /// K times.
    public static let directPatchLimit = 16

    /// Runs the layer's path. Each path is a function of its own, never inlined, so that a
    /// profile's call stacks name it (`pointwise`, `WinogradWeights.run`, `directConvolution`,
    /// `im2colConvolution`; `Scripts/bench/profile_layers.py` reads these names).
    private func run(_ input: UnsafePointer<Float>, _ g: WindowGeometry, _ out: UnsafeMutablePointer<Float>,
                     _ activation: Activation, accumulate: Bool, buffers: BufferPool?) {
        guard g.outputPixels > 0 else { return }
        if isPointwise && strideH == 1 && strideW == 1 {
            pointwise(input, g, out, activation, accumulate: accumulate)
        } else if let winograd {
            bias.withUnsafeBufferPointer { b in
                winograd.run(input, g, bias: b.baseAddress!, out, activation, accumulate: accumulate,
                             buffers: buffers)
            }
        } else if patchSize <= Self.directPatchLimit {
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    directConvolution(input, g, w.baseAddress!, b.baseAddress!, out, activation,
                                      accumulate: accumulate)
                }
            }
        } else {
            im2colConvolution(input, g, out, activation, accumulate: accumulate, buffers: buffers)
        }
    }

    /// A stride-1 1×1 convolution: `[N·H·W, Cin] · [Cin, Cout]`, the input already the GEMM operand.
    @inline(never)
    private func pointwise(_ input: UnsafePointer<Float>, _ g: WindowGeometry, _ out: UnsafeMutablePointer<Float>,
                           _ activation: Activation, accumulate: Bool) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                GEMM.multiply(m: g.outputPixels, n: outChannels, k: inChannels, a: input, lda: inChannels,
                              b: w.baseAddress!, ldb: outChannels, c: out, ldc: outChannels,
                              beta: accumulate ? 1 : 0)
                addBiasAndActivate(out, rows: g.outputPixels, columns: outChannels, bias: b.baseAddress,
                                   activation: activation)
            }
        }
    }

    /// Any other layer: tiles of `[rows, K]` patches (im2col, or the sampled pixels of a strided
    /// 1×1 convolution) times `[K, Cout]`, the epilogue after each tile's GEMM.
    @inline(never)
    private func im2colConvolution(_ input: UnsafePointer<Float>, _ g: WindowGeometry,
                                   _ out: UnsafeMutablePointer<Float>, _ activation: Activation,
                                   accumulate: Bool, buffers: BufferPool?) {
        let m = g.outputPixels
        let rowsPerTile = tileRows(g)
        let k = patchSize
        // im2col writes every element of each tile it uses (zeros for padding taps).
        var scratch = buffers?.take(rowsPerTile * k)
            ?? [Float](unsafeUninitializedCapacity: rowsPerTile * k) { _, count in count = rowsPerTile * k }
        defer { buffers?.recycle(scratch) }
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
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
                                      beta: accumulate ? 1 : 0)
                        addBiasAndActivate(tileOut, rows: rows, columns: outChannels, bias: b.baseAddress,
                                           activation: activation)
                        start += rows
                    }
                }
            }
        }
    }

    /// out[p, :] = activation((accumulate ? out[p, :] : 0) + bias + Σ_k patch_p[k]·W[k, :]) for
    /// every output pixel p, with the patch (`[K]`, zeros for padding taps) gathered on the fly:
    /// one pass over the output, the epilogue fused. For K ≤ `directPatchLimit`.
    @inline(never)
    private func directConvolution(
        _ input: UnsafePointer<Float>, _ g: WindowGeometry, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, _ activation: Activation, accumulate: Bool
    ) {
        let (c, k, cout) = (g.channels, patchSize, outChannels)
        Threading.parallelFor(g.outputPixels, minChunk: max(1, 8192 / max(1, cout))) { range in
            var patch = (Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0),
                         Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0), Float(0))  // [K]
            withUnsafeMutableBytes(of: &patch) { raw in
                let patch = raw.baseAddress!.assumingMemoryBound(to: Float.self)
                for pixel in range {
                    let n = pixel / (g.outHeight * g.outWidth)
                    let oy = (pixel / g.outWidth) % g.outHeight
                    let ox = pixel % g.outWidth
                    let image = input + n * g.inHeight * g.inWidth * c
                    var tap = 0
                    for ky in 0..<g.kernelH {
                        let iy = oy * g.strideH - g.padTop + ky
                        for kx in 0..<g.kernelW {
                            let ix = ox * g.strideW - g.padLeft + kx
                            let inside = iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth
                            for ch in 0..<c { patch[tap + ch] = inside ? image[(iy * g.inWidth + ix) * c + ch] : 0 }
                            tap += c
                        }
                    }
                    let line = out + pixel * cout
                    if !accumulate { line.update(repeating: 0, count: cout) }
                    for j in 0..<cout { line[j] += bias[j] }
                    for t in 0..<k {
                        let (value, row) = (patch[t], w + t * cout)
                        for j in 0..<cout { line[j] += value * row[j] }
                    }
                    activation.apply(line, count: cout, bias: nil)
                }
            }
        }
    }

    /// For `vidtag-bench`'s breakdown of an im2col convolution: the output pixels per tile
    /// (`tileRows`) for an input of `inputShape` `[N, H, W, Cin]`.
    @_spi(Tools) public func im2colTileRows(inputShape: [Int]) -> Int { tileRows(geometry(inputShape)) }

    /// For `vidtag-bench`: `im2col` of output pixels `from..<from+rows` of `input` (`inputShape`).
    @_spi(Tools) public func im2col(_ input: UnsafePointer<Float>, inputShape: [Int], from: Int, rows: Int,
                                    into cols: UnsafeMutablePointer<Float>) {
        im2col(input, geometry(inputShape), from: from, rows: rows, into: cols)
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
