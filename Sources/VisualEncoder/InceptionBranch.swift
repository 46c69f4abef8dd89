import Kernels
import Weights

/// One branch of an Inception block: a chain of convolutions, a pooling layer, or an
/// average pool followed by a 1×1 convolution (Mixed_5b's fourth branch).
enum InceptionBranch {
    case convs([BasicConv])
    /// 3×3, stride 2, unpadded max pool (Mixed_6a, Mixed_7a).
    case maxPool
    /// 3×3, stride 1, padding 1 average pool that excludes the padding from the mean, then a conv.
    case averagePoolThenConv(BasicConv)

    /// `[N, H, W, C]` → `[N, OH, OW, C_branch]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .convs(let convs):
            return convs.reduce(x) { $1($0) }
        case .maxPool:
            return Pooling.max(x, kernel: (3, 3), stride: (2, 2))
        case .averagePoolThenConv(let conv):
            return conv(Pooling.average(x, kernel: (3, 3), stride: (1, 1), padding: .symmetric(1, 1),
                                        countIncludePad: false))
        }
    }
}
