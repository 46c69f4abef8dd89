import Testing
@testable import Kernels

/// Conv2D's direct path (patches of at most `Conv2D.directPatchLimit` values, e.g. VGGish's
/// conv1 over one channel) against a double-precision loop over the definition.
@Suite struct DirectConvolutionTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) * 0x1p-23 - 1
        }
    }

    /// out[n, oy, ox, o] = Σ x[n, iy, ix, c]·w[ky, kx, c, o] + b[o] over taps inside the input.
    static func reference(_ x: Tensor, _ conv: Conv2D) -> [Double] {
        let g = conv.geometry(x.shape)
        var out = [Double](repeating: 0, count: g.outputPixels * conv.outChannels)
        for n in 0..<g.batch {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let pixel = (n * g.outHeight + oy) * g.outWidth + ox
                    for o in 0..<conv.outChannels {
                        var sum = Double(conv.bias[o])
                        for ky in 0..<conv.kernelH {
                            for kx in 0..<conv.kernelW {
                                let (iy, ix) = (oy * conv.strideH - g.padTop + ky, ox * conv.strideW - g.padLeft + kx)
                                guard iy >= 0, iy < g.inHeight, ix >= 0, ix < g.inWidth else { continue }
                                for c in 0..<conv.inChannels {
                                    let input = x.data[((n * g.inHeight + iy) * g.inWidth + ix) * conv.inChannels + c]
                                    let weight = conv.weight[((ky * conv.kernelW + kx) * conv.inChannels + c)
                                                             * conv.outChannels + o]
                                    sum += Double(input) * Double(weight)
                                }
                            }
                        }
                        out[pixel * conv.outChannels + o] = sum
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: [(1, 3, 3, 1, 1, 1), (1, 3, 3, 2, 0, 0), (2, 2, 2, 1, 1, 0), (16, 1, 1, 2, 0, 0)])
    func matchesTheDefinition(inChannels: Int, kh: Int, kw: Int, stride: Int, padRows: Int, padColumns: Int) {
        let conv = Conv2D(packedWeight: Self.values(kh * kw * inChannels * 24, seed: 1), bias: Self.values(24, seed: 2),
                          kernel: (kh, kw), inChannels: inChannels, outChannels: 24, stride: (stride, stride),
                          padding: .symmetric(padRows, padColumns))
        #expect(conv.patchSize <= Conv2D.directPatchLimit)
        let x = Tensor(shape: [3, 11, 9, inChannels], data: Self.values(3 * 11 * 9 * inChannels, seed: 3))
        let expected = Self.reference(x, conv)
        let plain = conv(x)
        let relu = conv(x, activation: .relu, buffers: BufferPool())
        var residual = Tensor(shape: plain.shape, data: Self.values(plain.count, seed: 4))
        let before = residual.data
        conv.accumulate(x, into: &residual, activation: .relu)
        var worst: Double = 0
        for i in expected.indices {
            worst = max(worst, abs(Double(plain.data[i]) - expected[i]),
                        abs(Double(relu.data[i]) - max(expected[i], 0)),
                        abs(Double(residual.data[i]) - max(expected[i] + Double(before[i]), 0)))
        }
        print("direct conv \(kh)×\(kw)×\(inChannels) s\(stride): max |Δ| vs float64 definition \(worst) (tolerance 1e-5)")
        #expect(worst <= 1e-5)
    }
}
