import Kernels
import Weights

/// Mixed_5b, Mixed_6a and Mixed_7a: parallel branches joined along channels.
/// Ports timm `inception_resnet_v2.py` classes `Mixed_5b`, `Mixed_6a`, `Mixed_7a`.
struct MixedBlock {
    let branches: [InceptionBranch]

    /// `[N, H, W, C]` → `[N, OH, OW, ΣC_branch]`, taken from `buffers`.
    func callAsFunction(_ x: Tensor, _ buffers: BufferPool) -> Tensor {
        joinBranches(branches, x, buffers)
    }

    /// 35×35×192 → 35×35×320.
    static func mixed5b(_ s: WeightScope) throws -> MixedBlock {
        MixedBlock(branches: [
            .convs([try BasicConv(s.scope("branch0"), 192, 96, kernel: (1, 1))]),
            .convs([try BasicConv(s.scope("branch1.0"), 192, 48, kernel: (1, 1)),
                    try BasicConv(s.scope("branch1.1"), 48, 64, kernel: (5, 5), padding: (2, 2))]),
            .convs([try BasicConv(s.scope("branch2.0"), 192, 64, kernel: (1, 1)),
                    try BasicConv(s.scope("branch2.1"), 64, 96, kernel: (3, 3), padding: (1, 1)),
                    try BasicConv(s.scope("branch2.2"), 96, 96, kernel: (3, 3), padding: (1, 1))]),
            .averagePoolThenConv(try BasicConv(s.scope("branch3.1"), 192, 64, kernel: (1, 1))),
        ])
    }

    /// 35×35×320 → 17×17×1088.
    static func mixed6a(_ s: WeightScope) throws -> MixedBlock {
        MixedBlock(branches: [
            .convs([try BasicConv(s.scope("branch0"), 320, 384, kernel: (3, 3), stride: 2)]),
            .convs([try BasicConv(s.scope("branch1.0"), 320, 256, kernel: (1, 1)),
                    try BasicConv(s.scope("branch1.1"), 256, 256, kernel: (3, 3), padding: (1, 1)),
                    try BasicConv(s.scope("branch1.2"), 256, 384, kernel: (3, 3), stride: 2)]),
            .maxPool,
        ])
    }

    /// 17×17×1088 → 8×8×2080.
    static func mixed7a(_ s: WeightScope) throws -> MixedBlock {
        MixedBlock(branches: [
            .convs([try BasicConv(s.scope("branch0.0"), 1088, 256, kernel: (1, 1)),
                    try BasicConv(s.scope("branch0.1"), 256, 384, kernel: (3, 3), stride: 2)]),
            .convs([try BasicConv(s.scope("branch1.0"), 1088, 256, kernel: (1, 1)),
                    try BasicConv(s.scope("branch1.1"), 256, 288, kernel: (3, 3), stride: 2)]),
            .convs([try BasicConv(s.scope("branch2.0"), 1088, 256, kernel: (1, 1)),
                    try BasicConv(s.scope("branch2.1"), 256, 288, kernel: (3, 3), padding: (1, 1)),
                    try BasicConv(s.scope("branch2.2"), 288, 320, kernel: (3, 3), stride: 2)]),
            .maxPool,
        ])
    }
}

/// Block35, Block17 and Block8: branches joined, a 1×1 up-projection with bias (no norm),
/// scaled and added to the input, then ReLU (none for the final Block8).
/// Ports timm `inception_resnet_v2.py` classes `Block35`, `Block17`, `Block8`.
///
/// The scale is folded into the up-projection at load, and the sum is fused into its GEMM:
/// out = act(x + (scale·W)·concat + scale·b).
struct ResidualBlock {
    let branches: [InceptionBranch]
    let up: Conv2D
    let relu: Bool

    /// `x`: `[N, H, W, C]` → `[N, H, W, C]` in place (the up-projection accumulates onto `x`);
    /// scratch from `buffers`.
    func apply(to x: inout Tensor, _ buffers: BufferPool) {
        let joined = joinBranches(branches, x, buffers)
        up.accumulate(joined, into: &x, activation: relu ? .relu : .identity, buffers: buffers)
        buffers.recycle(joined)
    }

    private init(_ s: WeightScope, branches: [InceptionBranch], joined: Int, channels: Int, scale: Float,
                 relu: Bool) throws {
        self.branches = branches
        self.relu = relu
        var up = Conv2D(torchWeight: try s.tensor("conv2d.weight", shape: [channels, joined, 1, 1]),
                        bias: try s.tensor("conv2d.bias", shape: [channels]),
                        outChannels: channels, inChannels: joined, kernel: (1, 1))
        up.scaleOutputChannels([Float](repeating: scale, count: channels),
                               shift: [Float](repeating: 0, count: channels))
        self.up = up
    }

    /// 35×35×320, scale 0.17.
    static func block35(_ s: WeightScope) throws -> ResidualBlock {
        try ResidualBlock(s, branches: [
            .convs([try BasicConv(s.scope("branch0"), 320, 32, kernel: (1, 1))]),
            .convs([try BasicConv(s.scope("branch1.0"), 320, 32, kernel: (1, 1)),
                    try BasicConv(s.scope("branch1.1"), 32, 32, kernel: (3, 3), padding: (1, 1))]),
            .convs([try BasicConv(s.scope("branch2.0"), 320, 32, kernel: (1, 1)),
                    try BasicConv(s.scope("branch2.1"), 32, 48, kernel: (3, 3), padding: (1, 1)),
                    try BasicConv(s.scope("branch2.2"), 48, 64, kernel: (3, 3), padding: (1, 1))]),
        ], joined: 128, channels: 320, scale: 0.17, relu: true)
    }

    /// 17×17×1088, scale 0.10, with the 1×7 / 7×1 factorised branch.
    static func block17(_ s: WeightScope) throws -> ResidualBlock {
        try ResidualBlock(s, branches: [
            .convs([try BasicConv(s.scope("branch0"), 1088, 192, kernel: (1, 1))]),
            .convs([try BasicConv(s.scope("branch1.0"), 1088, 128, kernel: (1, 1)),
                    try BasicConv(s.scope("branch1.1"), 128, 160, kernel: (1, 7), padding: (0, 3)),
                    try BasicConv(s.scope("branch1.2"), 160, 192, kernel: (7, 1), padding: (3, 0))]),
        ], joined: 384, channels: 1088, scale: 0.10, relu: true)
    }

    /// 8×8×2080, scale 0.20 (1.0 and no ReLU for the final block).
    static func block8(_ s: WeightScope, scale: Float = 0.20, relu: Bool = true) throws -> ResidualBlock {
        try ResidualBlock(s, branches: [
            .convs([try BasicConv(s.scope("branch0"), 2080, 192, kernel: (1, 1))]),
            .convs([try BasicConv(s.scope("branch1.0"), 2080, 192, kernel: (1, 1)),
                    try BasicConv(s.scope("branch1.1"), 192, 224, kernel: (1, 3), padding: (0, 1)),
                    try BasicConv(s.scope("branch1.2"), 224, 256, kernel: (3, 1), padding: (1, 0))]),
        ], joined: 448, channels: 2080, scale: scale, relu: relu)
    }
}

/// The outputs of `branches` on `x` joined along channels (`[N, OH, OW, ΣC_branch]`); the
/// branch outputs go back to `buffers` once copied.
private func joinBranches(_ branches: [InceptionBranch], _ x: Tensor, _ buffers: BufferPool) -> Tensor {
    var parts = branches.map { $0(x, buffers) }
    let joined = Concat.channels(parts, buffers: buffers)
    while let part = parts.popLast() { buffers.recycle(part) }
    return joined
}
