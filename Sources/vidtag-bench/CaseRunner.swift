import Kernels
import Weights

/// Builds the operands of a case and the work to time on them.
///
/// Operands are random in [-1, 1) (seeded, so every run multiplies the same numbers) and are
/// allocated once, outside the timed work. What the encoders allocate per call is allocated per
/// call here too: `Linear` returns a fresh output tensor; `Conv2D` takes its output and scratch
/// from a `BufferPool` and the output goes back to it, as in the encoders.
enum CaseRunner {
    static func work(for benchCase: KernelCase) -> () -> Void {
        switch benchCase.kind {
        case .gemm: return gemm(benchCase.gemm)
        case .linear: return linear(benchCase.gemm)
        case .conv: return conv(benchCase.conv!)
        }
    }

    /// `GEMM.multiply` into a preallocated C; `batch` products run one after the other.
    private static func gemm(_ shape: GEMMShape) -> () -> Void {
        let (m, n, k, batch) = (shape.m, shape.n, shape.k, shape.batch)
        let a = randomValues(batch * m * k, seed: 1)  // [batch, m, k]
        let b = randomValues(batch * k * n, seed: 2)  // [batch, k, n], or [batch, n, k] when transB
        var c = [Float](repeating: 0, count: batch * m * n)  // [batch, m, n]
        return {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        for i in 0..<batch {
                            GEMM.multiply(m: m, n: n, k: k, a: a.baseAddress! + i * m * k, lda: k,
                                          b: b.baseAddress! + i * k * n, ldb: shape.transB ? k : n,
                                          transB: shape.transB,
                                          c: c.baseAddress! + i * m * n, ldc: n)
                        }
                    }
                }
            }
            keep(c[0])
        }
    }

    /// `Linear` with bias: x `[m, k]`, weight `[n, k]` → `[m, n]`.
    private static func linear(_ shape: GEMMShape) -> () -> Void {
        let layer = Linear(weight: randomValues(shape.n * shape.k, seed: 3, scale: 0.05),
                           bias: randomValues(shape.n, seed: 4),
                           inFeatures: shape.k, outFeatures: shape.n)
        let x = Tensor(shape: [shape.m, shape.k], data: randomValues(shape.m * shape.k, seed: 5))
        return { keep(layer(x).data[0]) }
    }

    /// `Conv2D` with bias and ReLU: x `[N, H, W, Cin]` → `[N, OH, OW, Cout]` (Winograd where
    /// the layer qualifies, see `Conv2D.winogradForm`).
    private static func conv(_ shape: ConvShape) -> () -> Void {
        let layer = makeConv2D(shape)
        let buffers = BufferPool()
        let x = Tensor(shape: [shape.batch, shape.height, shape.width, shape.inChannels],
                       data: randomValues(shape.batch * shape.height * shape.width * shape.inChannels, seed: 6))
        return {
            let y = layer(x, activation: .relu, buffers: buffers)
            keep(y.data[0])
            buffers.recycle(y)
        }
    }

    static func makeConv2D(_ shape: ConvShape) -> Conv2D {
        let weightCount = shape.kernel[0] * shape.kernel[1] * shape.inChannels * shape.outChannels
        return Conv2D(packedWeight: randomValues(weightCount, seed: 7, scale: 0.05),
                      bias: randomValues(shape.outChannels, seed: 8),
                      kernel: (shape.kernel[0], shape.kernel[1]),
                      inChannels: shape.inChannels, outChannels: shape.outChannels,
                      stride: (shape.stride[0], shape.stride[1]),
                      padding: .symmetric(shape.padding[0], shape.padding[1]))
    }

    /// `count` values uniform in [-scale, scale), from SplitMix64 keyed by `seed`.
    static func randomValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var random = SplitMix64(seed: seed &* SplitMix64.increment)
        return (0..<count).map { _ in
            (Float(random.next() >> 40) * 0x1p-24 * 2 - 1) * scale
        }
    }
}
