import Testing
@testable import Kernels

/// Conv2D's Winograd F(2×2, 3×3) path against the float64 definition (for the im2col path's
/// own error on the same kind of data see KernelTests' conv cases, and the VGGish and
/// Inception-ResNet-v2 golden tests, which run through Winograd wherever a layer qualifies).
@Suite struct WinogradTests {
    /// Odd and even sizes (partial tiles at the bottom and right), "same" and unpadded, with
    /// and without residual.
    @Test(arguments: [(2, 7, 9, 1), (1, 8, 6, 1), (3, 5, 5, 1), (2, 9, 8, 0), (1, 6, 7, 0)])
    func matchesTheDefinition(batch: Int, height: Int, width: Int, pad: Int) {
        let (cin, cout) = (32, 80)
        let weight = DirectConvolutionTests.values(9 * cin * cout, seed: 11).map { $0 * 0.1 }
        let bias = DirectConvolutionTests.values(cout, seed: 12)
        let conv = Conv2D(packedWeight: weight, bias: bias, kernel: (3, 3), inChannels: cin, outChannels: cout,
                          padding: .symmetric(pad, pad))
        #expect(conv.usesWinograd)
        let x = Tensor(shape: [batch, height, width, cin],
                       data: DirectConvolutionTests.values(batch * height * width * cin, seed: 13))
        let expected = DirectConvolutionTests.reference(x, conv)
        let winograd = conv(x, activation: .relu, buffers: BufferPool())
        var residual = Tensor(shape: winograd.shape, data: DirectConvolutionTests.values(winograd.count, seed: 14))
        let before = residual.data
        conv.accumulate(x, into: &residual)
        var worst: Double = 0
        var largest: Double = 0
        for i in expected.indices {
            largest = max(largest, abs(expected[i]))
            worst = max(worst, abs(Double(winograd.data[i]) - max(expected[i], 0)),
                        abs(Double(residual.data[i]) - (expected[i] + Double(before[i]))))
        }
        print("Winograd F(2×2,3×3) [\(batch), \(height), \(width), \(cin)] → \(cout) pad \(pad): max |Δ| vs float64 definition "
              + "\(worst) on outputs up to \(largest) (tolerance 2e-5)")
        #expect(worst <= 2e-5)
    }
}
