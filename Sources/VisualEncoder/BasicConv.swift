import Kernels
import Weights

/// timm's `ConvNormAct` as Inception-ResNet-v2 uses it: a bias-free convolution, batch norm
/// (eps 0.001, as TF-slim) and ReLU — loaded as one convolution with the norm folded in.
/// Checkpoint names: `<scope>.conv.weight` [out, in, kh, kw], `<scope>.bn.{weight,bias,running_mean,running_var}`.
struct BasicConv {
    static let batchNormEps: Float = 1e-3

    let conv: Conv2D

    /// `padding`: symmetric zero padding (rows, columns), as PyTorch's `padding=(ph, pw)`.
    init(_ scope: WeightScope, _ inChannels: Int, _ outChannels: Int, kernel: (Int, Int),
         stride: Int = 1, padding: (Int, Int) = (0, 0)) throws {
        let weight = try scope.tensor("conv.weight", shape: [outChannels, inChannels, kernel.0, kernel.1])
        let norm = scope.scope("bn")
        let batchNorm = BatchNorm(
            gamma: try norm.tensor("weight", shape: [outChannels]),
            beta: try norm.tensor("bias", shape: [outChannels]),
            mean: try norm.tensor("running_mean", shape: [outChannels]),
            variance: try norm.tensor("running_var", shape: [outChannels]),
            eps: Self.batchNormEps)
        conv = Conv2D(torchWeight: weight, bias: nil, outChannels: outChannels, inChannels: inChannels,
                      kernel: kernel, stride: (stride, stride), padding: .symmetric(padding.0, padding.1),
                      norm: batchNorm)
            .releasingUnusedWeights()
    }

    /// `[N, H, W, in]` → `[N, OH, OW, out]`, ReLU applied; the output taken from `buffers`.
    func callAsFunction(_ x: Tensor, _ buffers: BufferPool) -> Tensor { conv(x, activation: .relu, buffers: buffers) }
}
