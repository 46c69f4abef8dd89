import Testing
@_spi(Tools) @testable import Kernels

/// Conv2D's Winograd paths (F(4×4, 3×3) and the 1-D F(m, r) for 1×r / r×1
/// kernels) against the float64 definition (for the im2col path's own error on the same kind
/// of data see KernelTests' conv cases, and the VGGish and Inception-ResNet-v2 golden tests,
/// which run through Winograd wherever `ConvolutionAlgorithm.choose` picks it).
///
/// Every case checks a fused ReLU and, separately, accumulation onto a residual, on odd and
/// even sizes (partial tiles at the bottom and right) with and without padding; the 3×3 cases
/// hold the im2col path to the same tolerance on the same data. Tolerance 2e-5 for all forms,
/// on outputs up to 3.1: about five times the largest error measured over all cases,
/// F(4×4, 3×3) 4.2e-6, F(4, 3) 8.9e-7, F(2, 7) 2.2e-6.
@Suite struct WinogradTests {
    static let tolerance = 2e-5

    /// The largest |Δ| of `conv` (forced to `algorithm`) against the float64 definition, over
    /// the ReLU output and the residual sum, and the largest |output|.
    static func worstError(_ conv: Conv2D, _ algorithm: ConvolutionAlgorithm, input shape: [Int])
        -> (worst: Double, largest: Double) {
        let conv = conv.algorithm == algorithm ? conv : conv.forcing(algorithm)
        #expect(conv.algorithm == algorithm && conv.usesWinograd)
        let x = Tensor(shape: shape, data: DirectConvolutionTests.values(shape.reduce(1, *), seed: 13))
        let expected = DirectConvolutionTests.reference(x, conv)
        let activated = conv(x, activation: .relu, buffers: BufferPool())
        var residual = Tensor(shape: activated.shape, data: DirectConvolutionTests.values(activated.count, seed: 14))
        let before = residual.data
        conv.accumulate(x, into: &residual)
        var (worst, largest) = (0.0, 0.0)
        for i in expected.indices {
            largest = max(largest, abs(expected[i]))
            worst = max(worst, abs(Double(activated.data[i]) - max(expected[i], 0)),
                        abs(Double(residual.data[i]) - (expected[i] + Double(before[i]))))
        }
        return (worst, largest)
    }

    /// The same measure for the im2col path, printed beside each Winograd case.
    static func im2colError(_ conv: Conv2D, input shape: [Int]) -> Double {
        let conv = conv.forcing(.gemm)
        let x = Tensor(shape: shape, data: DirectConvolutionTests.values(shape.reduce(1, *), seed: 13))
        let expected = DirectConvolutionTests.reference(x, conv)
        let y = conv(x)
        return zip(y.data, expected).map { abs(Double($0) - $1) }.max() ?? 0
    }

    static func layer(kernel: (Int, Int), inChannels cin: Int, outChannels cout: Int, padding: Padding) -> Conv2D {
        let taps = kernel.0 * kernel.1
        let weight = DirectConvolutionTests.values(taps * cin * cout, seed: 11).map { $0 * 0.1 }
        let bias = DirectConvolutionTests.values(cout, seed: 12)
        return Conv2D(packedWeight: weight, bias: bias, kernel: kernel, inChannels: cin, outChannels: cout,
                      padding: padding)
    }

    /// 3×3 layers through F(4×4, 3×3): `(batch, height, width, pad)`, 32 → 80 channels, plus
    /// 21 → 13 (channel counts that are not a multiple of the 4 lanes of the transforms).
    @Test(arguments: [(2, 7, 9, 1), (1, 8, 6, 1), (3, 5, 5, 1), (2, 9, 8, 0), (1, 6, 7, 0), (1, 17, 17, 1),
                      (1, 13, 11, 0), (2, 3, 4, 1)])
    func squareKernelsMatchTheDefinition(batch: Int, height: Int, width: Int, pad: Int) {
        for (cin, cout) in [(32, 80), (21, 13)] {
            let conv = Self.layer(kernel: (3, 3), inChannels: cin, outChannels: cout, padding: .symmetric(pad, pad))
            let (worst, largest) = Self.worstError(conv, .winogradF4x3, input: [batch, height, width, cin])
            let im2col = Self.im2colError(conv, input: [batch, height, width, cin])
            print("Winograd F(4×4,3×3) [\(batch), \(height), \(width), \(cin)] → \(cout) pad \(pad): max |Δ| vs "
                  + "float64 definition \(worst) on outputs up to \(largest), im2col \(im2col) (tolerance \(Self.tolerance))")
            #expect(worst <= Self.tolerance)
            #expect(im2col <= Self.tolerance)
        }
    }

    /// 1×r and r×1 layers through the 1-D forms: `(batch, height, width, padded)`, with the
    /// layer's "same" padding along the kernel's axis when `padded`, 32 → 40 and 21 → 13 channels.
    @Test(arguments: [(2, 7, 9, true), (1, 17, 17, true), (1, 8, 8, true), (3, 5, 6, true), (1, 9, 11, false),
                      (2, 12, 10, false)])
    func lineKernelsMatchTheDefinition(batch: Int, height: Int, width: Int, padded: Bool) {
        for form in [Winograd1D.Form.f2x7, .f4x3] {
            for (cin, cout) in [(32, 40), (21, 13)] {
                for kernel in [(1, form.taps), (form.taps, 1)] {
                    let half = padded ? form.taps / 2 : 0
                    let padding = Padding.symmetric(kernel.0 == 1 ? 0 : half, kernel.0 == 1 ? half : 0)
                    let conv = Self.layer(kernel: kernel, inChannels: cin, outChannels: cout, padding: padding)
                    let (worst, largest) = Self.worstError(conv, .winograd1D(form), input: [batch, height, width, cin])
                    print("Winograd F(\(form.outputs),\(form.taps)) \(kernel.0)×\(kernel.1) [\(batch), \(height), "
                          + "\(width), \(cin)] → \(cout) padded \(padded): max |Δ| vs float64 definition \(worst) "
                          + "on outputs up to \(largest) (tolerance \(Self.tolerance); im2col "
                          + "\(Self.im2colError(conv, input: [batch, height, width, cin])))")
                    #expect(worst <= Self.tolerance)
                }
            }
        }
    }

    /// Scaling output channels (`scaleOutputChannels`) re-derives the transformed weights.
    @Test func scalingKeepsTheTransformedWeightsInStep() {
        var conv = Self.layer(kernel: (3, 3), inChannels: 32, outChannels: 64, padding: .symmetric(1, 1))
            .forcing(.winogradF4x3)
        conv.scaleOutputChannels((0..<64).map { 0.5 + Float($0) / 64 }, shift: (0..<64).map { Float($0) / 32 })
        let (worst, _) = Self.worstError(conv, .winogradF4x3, input: [1, 9, 10, 32])
        #expect(conv.algorithm == .winogradF4x3)
        #expect(worst <= Self.tolerance)
    }

    /// A Winograd layer that dropped its packed weights (one layout in memory) computes the
    /// same bits; an im2col layer keeps its weights, as it reads them.
    @Test func releasingThePackedWeightsChangesNoOutput() {
        let input = Tensor(shape: [1, 9, 10, 32], data: DirectConvolutionTests.values(9 * 10 * 32, seed: 13))
        for (kernel, padding) in [((3, 3), Padding.symmetric(1, 1)), ((1, 7), .symmetric(0, 3)), ((3, 1), .symmetric(1, 0))] {
            let conv = Self.layer(kernel: kernel, inChannels: 32, outChannels: 48, padding: padding)
            let released = conv.releasingUnusedWeights()
            #expect(conv.usesWinograd && released.weight.isEmpty, "\(kernel)")
            #expect(released(input, activation: .relu).data.map(\.bitPattern)
                        == conv(input, activation: .relu).data.map(\.bitPattern), "\(kernel)")
        }
        let pointwise = Self.layer(kernel: (1, 1), inChannels: 32, outChannels: 48, padding: .valid)
        #expect(pointwise.releasingUnusedWeights().weight.count == 32 * 48)
    }
}
