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

    /// `[N, H, W, C]` → `[N, OH, OW, C_branch]`, a new tensor from `buffers` (never `x` itself);
    /// intermediate tensors go back to `buffers`.
    func callAsFunction(_ x: Tensor, _ buffers: BufferPool) -> Tensor {
        switch self {
        case .convs(let convs):
            var y = convs[0](x, buffers)
            for conv in convs.dropFirst() {
                let previous = y
                y = conv(previous, buffers)
                buffers.recycle(previous)
            }
            return y
        case .maxPool:
            return Pooling.max(x, kernel: (3, 3), stride: (2, 2), buffers: buffers)
        case .averagePoolThenConv(let conv):
            let pooled = Pooling.average(x, kernel: (3, 3), stride: (1, 1), padding: .symmetric(1, 1),
                                         countIncludePad: false, buffers: buffers)
            defer { buffers.recycle(pooled) }
            return conv(pooled, buffers)
        }
    }
}
