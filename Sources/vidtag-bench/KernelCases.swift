@_spi(Tools) import Kernels

/// The table of kernel benchmark cases: the matrix products and convolutions that vidtag's
/// three encoders run, at the batch sizes the CLI uses, plus one large square GEMM whose
/// throughput is taken as the machine's peak for the run.
///
/// Each convolution layer is listed once, by its geometry; the table derives from it both a
/// `conv` case (timed through `Conv2D`) and a `gemm` case (its im2col matrix product, timed as
/// one `GEMM.multiply`), so the two can be compared. The same table, exported as JSON with
/// `vidtag-bench kernels --export-cases`, drives `Scripts/bench/kernels_torch.py`.

/// One matrix product, `batch` times: C[m, n] = A[m, k] · B[k, n] (B read as `[n, k]` when `transB`).
struct GEMMShape: Codable, Sendable, Equatable {
    var batch = 1
    let m: Int
    let n: Int
    let k: Int
    var transB = false

    /// Multiply-adds × 2.
    var flops: Double { 2 * Double(batch) * Double(m) * Double(n) * Double(k) }
}

/// One NHWC convolution layer with symmetric zero padding, bias and a fused ReLU.
struct ConvShape: Codable, Sendable, Equatable {
    let batch: Int
    let height: Int
    let width: Int
    let inChannels: Int
    let outChannels: Int
    /// `[KH, KW]`.
    let kernel: [Int]
    /// `[SH, SW]`.
    let stride: [Int]
    /// `[rows, columns]` of zeros added on each side.
    let padding: [Int]

    var outHeight: Int { (height + 2 * padding[0] - kernel[0]) / stride[0] + 1 }
    var outWidth: Int { (width + 2 * padding[1] - kernel[1]) / stride[1] + 1 }

    /// The product `Conv2D` computes: im2col rows `[N·OH·OW, KH·KW·Cin]` times weights `[K, Cout]`.
    var gemm: GEMMShape {
        GEMMShape(m: batch * outHeight * outWidth, n: outChannels, k: kernel[0] * kernel[1] * inChannels)
    }

    /// `Conv2D`'s fast path: an unpadded stride-1 1×1 kernel reads the input as the GEMM operand.
    var isPointwise: Bool { kernel == [1, 1] && stride == [1, 1] && padding == [0, 0] }

    /// How `Conv2D` computes it: "1×1" (the input is the GEMM operand), "winograd F(4×4,3×3)"
    /// (or "winograd F(2,7)", … for 1×r / r×1 kernels, see `Conv2D.winogradForm`), "direct"
    /// (patches of at most `Conv2D.directPatchLimit` values) or "im2col".
    var path: String {
        if isPointwise { return "1×1" }
        if let form = Conv2D.winogradForm(kernel: (kernel[0], kernel[1]), stride: (stride[0], stride[1]),
                                          inChannels: inChannels, outChannels: outChannels) {
            return "winograd \(form)"
        }
        if kernel[0] * kernel[1] * inChannels <= Conv2D.directPatchLimit { return "direct" }
        return "im2col"
    }

    /// e.g. "3×3 s2" or "1×7 p0,3".
    var kernelDescription: String {
        var text = "\(kernel[0])×\(kernel[1])"
        if stride != [1, 1] { text += stride[0] == stride[1] ? " s\(stride[0])" : " s\(stride[0]),\(stride[1])" }
        if padding != [0, 0] { text += padding[0] == padding[1] ? " p\(padding[0])" : " p\(padding[0]),\(padding[1])" }
        return text
    }
}

/// One row of the benchmark.
struct KernelCase: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        /// `GEMM.multiply` on preallocated operands.
        case gemm
        /// `Linear` (x·Wᵀ + b, weights in PyTorch's `[out, in]` layout).
        case linear
        /// `Conv2D` with bias and ReLU, output allocated per call as in the encoders.
        case conv
    }

    /// Unique, `model.kind.layer`.
    let name: String
    /// "peak", "irv2", "vggish" or "bert".
    let model: String
    let kind: Kind
    /// The matrix product the case performs (for a convolution: its im2col GEMM).
    let gemm: GEMMShape
    /// The layer, for convolutions.
    var conv: ConvShape? = nil

    var flops: Double { gemm.flops }

    /// e.g. "19600×32×320" (m×n×k), "384× 32×32×32ᵀ", or "16×147×147×32→64 3×3 p1".
    var shapeDescription: String {
        if let conv {
            return "\(conv.batch)×\(conv.height)×\(conv.width)×\(conv.inChannels)→\(conv.outChannels) "
                + conv.kernelDescription
        }
        let product = "\(gemm.m)×\(gemm.n)×\(gemm.k)" + (gemm.transB ? "ᵀ" : "")
        return gemm.batch == 1 ? product : "\(gemm.batch)× \(product)"
    }
}

enum KernelCases {
    /// Frames per Inception-ResNet-v2 batch (299×299 RGB).
    static let frames = 16
    /// VGGish examples (96×64 log-mel patches): 62 for a minute of audio.
    static let examples = 62
    /// BERT batches: 32 sequences of 32 tokens through all-MiniLM-L6-v2.
    static let sequences = 32
    static let tokens = 32
    static let hidden = 384
    static let heads = 12
    static let intermediate = 1536

    /// Every case, in report order.
    static let all: [KernelCase] = peak + inceptionResNetV2 + inceptionResNetV2Single + vggish + bert

    /// The reference for "% of peak": a large square SGEMM.
    static let peakName = "peak.gemm.2048"
    static let peak = [KernelCase(name: peakName, model: "peak", kind: .gemm, gemm: GEMMShape(m: 2048, n: 2048, k: 2048))]

    /// timm's `inception_resnet_v2` (TF-slim layout: stride-2 layers unpadded, others "SAME").
    /// One representative of each repeated block's convolutions.
    static let inceptionResNetV2: [KernelCase] = layers(model: "irv2", [
        ("conv2d_1a_3x3s2", conv(299, 299, 3, 32, kernel: (3, 3), stride: 2, batch: frames)),
        ("conv2d_2a_3x3", conv(149, 149, 32, 32, kernel: (3, 3), batch: frames)),
        ("conv2d_2b_3x3", conv(147, 147, 32, 64, kernel: (3, 3), pad: (1, 1), batch: frames)),
        ("conv2d_3b_1x1", conv(73, 73, 64, 80, kernel: (1, 1), batch: frames)),
        ("conv2d_4a_3x3", conv(73, 73, 80, 192, kernel: (3, 3), batch: frames)),
        ("mixed_5b_5x5", conv(35, 35, 48, 64, kernel: (5, 5), pad: (2, 2), batch: frames)),
        ("block35_1x1_320to32", conv(35, 35, 320, 32, kernel: (1, 1), batch: frames)),
        ("block35_3x3_32to48", conv(35, 35, 32, 48, kernel: (3, 3), pad: (1, 1), batch: frames)),
        ("block35_3x3_48to64", conv(35, 35, 48, 64, kernel: (3, 3), pad: (1, 1), batch: frames)),
        ("block35_up_128to320", conv(35, 35, 128, 320, kernel: (1, 1), batch: frames)),
        ("mixed_6a_3x3_256", conv(35, 35, 256, 256, kernel: (3, 3), pad: (1, 1), batch: frames)),
        ("mixed_6a_3x3s2_320to384", conv(35, 35, 320, 384, kernel: (3, 3), stride: 2, batch: frames)),
        ("block17_1x1_1088to192", conv(17, 17, 1088, 192, kernel: (1, 1), batch: frames)),
        ("block17_1x7", conv(17, 17, 128, 160, kernel: (1, 7), pad: (0, 3), batch: frames)),
        ("block17_7x1", conv(17, 17, 160, 192, kernel: (7, 1), pad: (3, 0), batch: frames)),
        ("block17_up_384to1088", conv(17, 17, 384, 1088, kernel: (1, 1), batch: frames)),
        ("mixed_7a_3x3_256to288", conv(17, 17, 256, 288, kernel: (3, 3), pad: (1, 1), batch: frames)),
        ("mixed_7a_3x3s2_256to384", conv(17, 17, 256, 384, kernel: (3, 3), stride: 2, batch: frames)),
        ("block8_1x1_2080to192", conv(8, 8, 2080, 192, kernel: (1, 1), batch: frames)),
        ("block8_1x3", conv(8, 8, 192, 224, kernel: (1, 3), pad: (0, 1), batch: frames)),
        ("block8_3x1", conv(8, 8, 224, 256, kernel: (3, 1), pad: (1, 0), batch: frames)),
        ("block8_up_448to2080", conv(8, 8, 448, 2080, kernel: (1, 1), batch: frames)),
        ("conv2d_7b_1x1", conv(8, 8, 2080, 1536, kernel: (1, 1), batch: frames)),
    ])

    /// Inception-ResNet-v2's stride-1 3×3, 1×7 / 7×1 and 1×3 / 3×1 layers at batch 1, the
    /// operating point of one image per worker thread (layer names end in "_b1"), where the
    /// Winograd forms were chosen (`ConvolutionAlgorithm.choose`).
    static let inceptionResNetV2Single: [KernelCase] = layers(model: "irv2", [
        ("conv2d_2a_3x3_b1", conv(149, 149, 32, 32, kernel: (3, 3), batch: 1)),
        ("conv2d_2b_3x3_b1", conv(147, 147, 32, 64, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("conv2d_4a_3x3_b1", conv(73, 73, 80, 192, kernel: (3, 3), batch: 1)),
        ("mixed_5b_3x3_64to96_b1", conv(35, 35, 64, 96, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("mixed_5b_3x3_96to96_b1", conv(35, 35, 96, 96, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("block35_3x3_32to32_b1", conv(35, 35, 32, 32, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("block35_3x3_32to48_b1", conv(35, 35, 32, 48, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("block35_3x3_48to64_b1", conv(35, 35, 48, 64, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("mixed_6a_3x3_256_b1", conv(35, 35, 256, 256, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("mixed_7a_3x3_256to288_b1", conv(17, 17, 256, 288, kernel: (3, 3), pad: (1, 1), batch: 1)),
        ("block17_1x7_b1", conv(17, 17, 128, 160, kernel: (1, 7), pad: (0, 3), batch: 1)),
        ("block17_7x1_b1", conv(17, 17, 160, 192, kernel: (7, 1), pad: (3, 0), batch: 1)),
        ("block8_1x3_b1", conv(8, 8, 192, 224, kernel: (1, 3), pad: (0, 1), batch: 1)),
        ("block8_3x1_b1", conv(8, 8, 224, 256, kernel: (3, 1), pad: (1, 0), batch: 1)),
    ])

    /// AudioSet VGGish: 3×3 "SAME" convolutions on 96×64×1 log-mel examples, then three
    /// fully connected layers on the flattened 6×4×512 map.
    static let vggish: [KernelCase] = layers(model: "vggish", [
        ("conv1", conv(96, 64, 1, 64, kernel: (3, 3), pad: (1, 1), batch: examples)),
        ("conv2", conv(48, 32, 64, 128, kernel: (3, 3), pad: (1, 1), batch: examples)),
        ("conv3_1", conv(24, 16, 128, 256, kernel: (3, 3), pad: (1, 1), batch: examples)),
        ("conv3_2", conv(24, 16, 256, 256, kernel: (3, 3), pad: (1, 1), batch: examples)),
        ("conv4_1", conv(12, 8, 256, 512, kernel: (3, 3), pad: (1, 1), batch: examples)),
        ("conv4_2", conv(12, 8, 512, 512, kernel: (3, 3), pad: (1, 1), batch: examples)),
    ]) + [
        linear(model: "vggish", "fc1_12288to4096", rows: examples, in: 12288, out: 4096),
        linear(model: "vggish", "fc2_4096to4096", rows: examples, in: 4096, out: 4096),
        linear(model: "vggish", "fc3_4096to128", rows: examples, in: 4096, out: 128),
    ]

    /// all-MiniLM-L6-v2 (Hugging Face `BertModel` layout: separate query/key/value projections).
    static let bert: [KernelCase] = [
        linear(model: "bert", "attention_384to384", rows: sequences * tokens, in: hidden, out: hidden),
        linear(model: "bert", "ffn_up_384to1536", rows: sequences * tokens, in: hidden, out: intermediate),
        linear(model: "bert", "ffn_down_1536to384", rows: sequences * tokens, in: intermediate, out: hidden),
        KernelCase(name: "bert.gemm.scores_qkT", model: "bert", kind: .gemm,
                   gemm: GEMMShape(batch: sequences * heads, m: tokens, n: tokens, k: hidden / heads, transB: true)),
        KernelCase(name: "bert.gemm.context_pv", model: "bert", kind: .gemm,
                   gemm: GEMMShape(batch: sequences * heads, m: tokens, n: hidden / heads, k: tokens)),
    ]

    // MARK: - Builders

    private static func conv(
        _ height: Int, _ width: Int, _ inChannels: Int, _ outChannels: Int, kernel: (Int, Int),
        stride: Int = 1, pad: (Int, Int) = (0, 0), batch: Int
    ) -> ConvShape {
        ConvShape(batch: batch, height: height, width: width, inChannels: inChannels, outChannels: outChannels,
                  kernel: [kernel.0, kernel.1], stride: [stride, stride], padding: [pad.0, pad.1])
    }

    /// For each layer, its im2col GEMM (`model.gemm.layer`) and the convolution (`model.conv.layer`).
    private static func layers(model: String, _ layers: [(String, ConvShape)]) -> [KernelCase] {
        layers.map { KernelCase(name: "\(model).gemm.\($0.0)", model: model, kind: .gemm, gemm: $0.1.gemm) }
            + layers.map {
                KernelCase(name: "\(model).conv.\($0.0)", model: model, kind: .conv, gemm: $0.1.gemm, conv: $0.1)
            }
    }

    private static func linear(model: String, _ layer: String, rows: Int, in: Int, out: Int) -> KernelCase {
        KernelCase(name: "\(model).linear.\(layer)", model: model, kind: .linear,
                   gemm: GEMMShape(m: rows, n: out, k: `in`, transB: true))
    }
}
