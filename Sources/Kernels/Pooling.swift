import CKernels

/// Max and average pooling over NHWC tensors, and global average pooling.
public enum Pooling {
    /// `x`: `[N, H, W, C]` → `[N, OH, OW, C]`; padded taps never win. The output comes from
    /// `buffers` when given (as for `average`).
    public static func max(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: Padding = .valid,
                           buffers: BufferPool? = nil) -> Tensor {
        pool(x, kernel: kernel, stride: stride, padding: padding, buffers: buffers) { taps, count, out, channels in
            vidtag_max_taps(taps, count, out, channels)
        }
    }

    /// `x`: `[N, H, W, C]` → `[N, OH, OW, C]`. With `countIncludePad` false the mean is over the
    /// taps inside the input only (PyTorch's `count_include_pad=False`, TF's "SAME" average pool).
    public static func average(
        _ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: Padding = .valid,
        countIncludePad: Bool = false, buffers: BufferPool? = nil
    ) -> Tensor {
        let fullWindow = Float(kernel.0 * kernel.1)
        return pool(x, kernel: kernel, stride: stride, padding: padding, buffers: buffers) { taps, count, out, channels in
            vidtag_mean_taps(taps, count, out, channels, countIncludePad ? fullWindow : Float(count))
        }
    }

    /// `x`: `[N, H, W, C]` → `[N, C]`, the mean over all positions.
    public static func globalAverage(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "globalAverage: expected [N, H, W, C], got \(x.shape)")
        let (n, positions, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
        var out = [Float](repeating: 0, count: n * c)
        x.data.withUnsafeBufferPointer { input in
            for image in 0..<n {
                var sums = [Double](repeating: 0, count: c)
                let base = input.baseAddress! + image * positions * c
                for p in 0..<positions {
                    for ch in 0..<c { sums[ch] += Double(base[p * c + ch]) }
                }
                for ch in 0..<c { out[image * c + ch] = Float(sums[ch] / Double(Swift.max(positions, 1))) }
            }
        }
        return Tensor(shape: [n, c], data: out)
    }

    /// Each output pixel's taps inside the input (pointers to their `[C]` channels, in window
    /// order) go to `combine` with their count, the pixel's output line and C; the loops over the
    /// channels are C (`Sources/CKernels/pooling_body.h`) at the CPU's widest vector level.
    private static func pool(
        _ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: Padding, buffers: BufferPool?,
        combine: (UnsafePointer<UnsafePointer<Float>?>, Int, UnsafeMutablePointer<Float>, Int) -> Void
    ) -> Tensor {
        let g = WindowGeometry(input: x.shape, kernel: kernel, stride: stride, padding: padding)
        let c = g.channels
        // Every output element is written: no zero fill.
        var out = buffers?.take(g.outputPixels * c) ?? Tensor(uninitialized: [g.outputPixels * c]).data
        x.data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                let (inBase, outBase) = (input.baseAddress!, output.baseAddress!)
                Threading.parallelFor(g.outputPixels, minChunk: 64) { range in
                    var taps = [UnsafePointer<Float>?](repeating: nil, count: g.kernelH * g.kernelW)
                    taps.withUnsafeMutableBufferPointer { taps in
                        for pixel in range {
                            let n = pixel / (g.outHeight * g.outWidth)
                            let oy = (pixel / g.outWidth) % g.outHeight
                            let ox = pixel % g.outWidth
                            var inside = 0
                            for ky in 0..<g.kernelH {
                                let iy = oy * g.strideH - g.padTop + ky
                                guard iy >= 0 && iy < g.inHeight else { continue }
                                for kx in 0..<g.kernelW {
                                    let ix = ox * g.strideW - g.padLeft + kx
                                    guard ix >= 0 && ix < g.inWidth else { continue }
                                    taps[inside] = inBase + ((n * g.inHeight + iy) * g.inWidth + ix) * c
                                    inside += 1
                                }
                            }
                            combine(UnsafePointer(taps.baseAddress!), inside, outBase + pixel * c, c)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [g.batch, g.outHeight, g.outWidth, c], data: out)
    }
}
