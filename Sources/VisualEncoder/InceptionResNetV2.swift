import Kernels
import Weights

/// Inception-ResNet-v2 (Szegedy et al. 2016, "Inception-v4, Inception-ResNet and the Impact of
/// Residual Connections on Learning", https://arxiv.org/abs/1602.07261) as timm defines it
/// (`timm/models/inception_resnet_v2.py`), up to the global-average-pooled 1536-d pre-logits.
///
/// Input: `[N, 299, 299, 3]` normalised as x/127.5 − 1 (see ImagePreprocessing). Shapes below
/// are for 299×299; any input of at least 75×75 works.
public struct InceptionResNetV2: Sendable {
    public static let featureWidth = 1536

    /// The stages whose outputs `forward(_:stage:)` reports, in order (timm's layer names).
    static let stageNames = ["maxpool_5a", "mixed_5b", "repeat", "mixed_6a", "repeat_1", "mixed_7a",
                                    "repeat_2", "block8", "conv2d_7b"]

    private let stem: [BasicConv?]  // nil marks a 3×3 stride-2 max pool
    private let mixed5b: MixedBlock
    private let repeat35: [ResidualBlock]
    private let mixed6a: MixedBlock
    private let repeat17: [ResidualBlock]
    private let mixed7a: MixedBlock
    private let repeat8: [ResidualBlock]
    private let block8: ResidualBlock
    private let conv7b: BasicConv
    /// Activations and scratch recycled between layers and calls (see `BufferPool`): at batch
    /// 16 the stem's outputs are 44–88 MB each; one image's are under 6 MB, and not kept.
    private let buffers = BufferPool(smallestBytes: BufferPool.mappedAllocationBytes)

    /// Loads strictly by timm's state-dict names: a missing tensor, a wrong shape or an unused
    /// tensor is a `WeightLoadError`. The classifier (`classif.*`) and BN step counters
    /// (`*.num_batches_tracked`) may be present and are ignored. Batch norm is folded here.
    public init(weights: any WeightSource) throws {
        let loader = StrictLoader(weights, ignorable: Self.isIgnorable)
        try self.init(loader.scope(""))
        try loader.finish()
    }

    static func isIgnorable(_ name: String) -> Bool {
        name.hasPrefix("classif.") || name.hasSuffix(".num_batches_tracked")
    }

    private init(_ s: WeightScope) throws {
        stem = [
            try BasicConv(s.scope("conv2d_1a"), 3, 32, kernel: (3, 3), stride: 2),      // 149×149×32
            try BasicConv(s.scope("conv2d_2a"), 32, 32, kernel: (3, 3)),                // 147×147×32
            try BasicConv(s.scope("conv2d_2b"), 32, 64, kernel: (3, 3), padding: (1, 1)),  // 147×147×64
            nil,                                                                        // 73×73×64
            try BasicConv(s.scope("conv2d_3b"), 64, 80, kernel: (1, 1)),                // 73×73×80
            try BasicConv(s.scope("conv2d_4a"), 80, 192, kernel: (3, 3)),               // 71×71×192
            nil,                                                                        // 35×35×192
        ]
        mixed5b = try .mixed5b(s.scope("mixed_5b"))                                      // 35×35×320
        repeat35 = try (0..<10).map { try .block35(s.scope("repeat.\($0)")) }
        mixed6a = try .mixed6a(s.scope("mixed_6a"))                                      // 17×17×1088
        repeat17 = try (0..<20).map { try .block17(s.scope("repeat_1.\($0)")) }
        mixed7a = try .mixed7a(s.scope("mixed_7a"))                                      // 8×8×2080
        repeat8 = try (0..<9).map { try .block8(s.scope("repeat_2.\($0)")) }
        block8 = try .block8(s.scope("block8"), scale: 1.0, relu: false)
        conv7b = try BasicConv(s.scope("conv2d_7b"), 2080, Self.featureWidth, kernel: (1, 1))  // 8×8×1536
    }

    /// Every tensor name and shape this model reads, in order: timm's checkpoint layout
    /// (without the classifier and BN step counters).
    public static var layout: [(name: String, shape: [Int])] {
        let recorder = StrictLoader.recording()
        _ = try? InceptionResNetV2(recorder.scope(""))
        return recorder.recorded
    }

    /// `images`: `[N, H, W, 3]` normalised → `[N, 1536]` pooled features.
    ///
    /// Each image goes through the network on its own (`Threading.forEach`: one image per
    /// thread at a time, each layer's GEMM on its worker alone; a single image has every thread
    /// for its layers). On two cores that beats splitting every layer of the whole batch over
    /// both (no hand-off per layer, and a core that decoding borrows merely takes fewer images),
    /// and it gives each image's features the same bits whatever the batch, its position in it
    /// and the number of threads: every product an image makes has shapes of that image alone.
    /// `stage` is called with each of `stageNames` and its output `[N, h, w, c]` (the batch
    /// then goes through whole, layer by layer: see `forwardBatch`).
    public func forward(_ images: Tensor, stage: ((String, Tensor) -> Void)? = nil) -> Tensor {
        let count = images.shape[0]
        guard stage == nil, count > 1 else { return forwardBatch(images, stage: stage) }
        let imageSize = images.count / count
        return forward(count: count) { index in
            Tensor(shape: [1] + images.shape.dropFirst(),
                   data: Array(images.data[index * imageSize..<(index + 1) * imageSize]))
        }
    }

    /// `count` images, one per worker as in `forward(_:stage:)`, each made by `image(index)`
    /// (`[1, H, W, 3]` normalised) on the worker that encodes it → `[count, 1536]`, the same
    /// bits. Only the images in flight exist as floats: 16 frames of 299×299 take 17 MB as one
    /// `[16, 299, 299, 3]` tensor, and a look-ahead video would hold them while this one encodes.
    public func forward(count: Int, image: (Int) -> Tensor) -> Tensor {
        var pooled = Tensor(uninitialized: [count, Self.featureWidth])
        pooled.data.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!  // each worker writes its own image's row
            Threading.forEach(count) { index in
                let features = forwardBatch(image(index), stage: nil)
                (out + index * Self.featureWidth).update(from: features.data, count: Self.featureWidth)
            }
        }
        return pooled
    }

    /// The whole batch through each layer in turn, each layer's GEMMs and loops split over
    /// `Threading.width` threads (what `forward` does with `stage`). A batch of several images
    /// makes products of other shapes than one image does, so its features agree with
    /// `forward`'s to rounding (OpenBLAS's blocking), not bit for bit.
    @_spi(Tools) public func forwardBatch(_ images: Tensor, stage: ((String, Tensor) -> Void)? = nil) -> Tensor {
        // Each step's input goes back to the pool once consumed (except the caller's images).
        var x = images
        for (index, layer) in stem.enumerated() {
            let next = layer.map { $0(x, buffers) } ?? Pooling.max(x, kernel: (3, 3), stride: (2, 2), buffers: buffers)
            if index > 0 { buffers.recycle(x) }
            x = next
        }
        stage?("maxpool_5a", x)
        x = replaced(x) { mixed5b($0, buffers) }
        stage?("mixed_5b", x)
        for block in repeat35 { block.apply(to: &x, buffers) }
        stage?("repeat", x)
        x = replaced(x) { mixed6a($0, buffers) }
        stage?("mixed_6a", x)
        for block in repeat17 { block.apply(to: &x, buffers) }
        stage?("repeat_1", x)
        x = replaced(x) { mixed7a($0, buffers) }
        stage?("mixed_7a", x)
        for block in repeat8 { block.apply(to: &x, buffers) }
        stage?("repeat_2", x)
        block8.apply(to: &x, buffers)
        stage?("block8", x)
        x = replaced(x) { conv7b($0, buffers) }
        stage?("conv2d_7b", x)
        let pooled = Pooling.globalAverage(x)
        buffers.recycle(x)
        return pooled
    }

    /// `layer(x)`, with `x` handed back to the pool.
    private func replaced(_ x: Tensor, _ layer: (Tensor) -> Tensor) -> Tensor {
        let y = layer(x)
        buffers.recycle(x)
        return y
    }
}
