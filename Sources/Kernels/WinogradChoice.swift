/// How `Conv2D` computes a layer, chosen once at construction from its kernel, stride and
/// channel counts (`choose`), and the weights that algorithm needs (`WinogradWeights`).
public enum ConvolutionAlgorithm: Sendable, Equatable, CustomStringConvertible {
    /// im2col + GEMM, the input itself for stride-1 1×1 layers, or the direct loop for tiny patches.
    case gemm
    /// `WinogradF4x3`: 3×3, 36 GEMMs per block of 4×4 output tiles.
    case winogradF4x3
    /// `Winograd1D`: 1×r or r×1 along the kernel's axis.
    case winograd1D(Winograd1D.Form)

    public var description: String {
        switch self {
        case .gemm: return "gemm"
        case .winogradF4x3: return "F(4×4,3×3)"
        case .winograd1D(let form): return "F(\(form.outputs),\(form.taps))"
        }
    }

    /// Whether the algorithm can compute a layer with this kernel `(KH, KW)` and stride.
    public func applies(kernel: (Int, Int), stride: (Int, Int)) -> Bool {
        guard stride == (1, 1) else { return self == .gemm }
        switch self {
        case .gemm: return true
        case .winogradF4x3: return kernel == (3, 3)
        case .winograd1D(let form): return kernel == (1, form.taps) || kernel == (form.taps, 1)
        }
    }

    /// The algorithm for a layer, from measurements on one thread (OpenBLAS single-threaded),
    /// Inception-ResNet-v2 at batch 1 and 2 and VGGish at batch 32, best of 7 interleaved runs
    /// (`vidtag-bench winograd`; ms, speed-up over im2col in brackets, batch 1 unless stated):
    ///
    /// - 3×3 → F(4×4, 3×3) from 32 channels in and out, faster than im2col on every such layer
    ///   and than F(2×2, 3×3) on all but one: conv2d_2a 32→32 @147² 2.67 ms (2.09×; F(2×2)
    ///   0.45×), conv2d_2b 32→64 @147² 4.27 (2.22×; 1.10×), conv2d_4a 80→192 @71² 6.05 (2.41×;
    ///   1.43×), mixed_5b 64→96 / 96→96 @35² 2.81× / 3.03× (1.61× / 1.65×), block35 32→32,
    ///   32→48, 48→64 @35² 2.38×, 2.44×, 2.75× (1.52×, 1.56×, 1.74×), mixed_6a 256→256 @35² 5.73
    ///   (2.66×; 1.26×); batch 2 alike (2.00–2.90×). VGGish: conv2 64→128 30.6 ms (2.49×; 1.37×),
    ///   conv3_1 2.76×, conv3_2 2.89×, conv4_1 3.05×, conv4_2 3.33× (F(2×2): 1.30–1.89×). The
    ///   exception is mixed_7a 256→288 @17², where 4×4 tiles cover 20×20 for 17×17 outputs:
    ///   F(4×4) 2.70 ms (1.46×) against F(2×2)'s 2.62 (1.51×) at batch 1, but 4.33 (1.86×)
    ///   against 5.13 (1.57×) at batch 2; the choice is made per layer shape, not per input
    ///   size, so it keeps F(4×4), and no layer is left for F(2×2, 3×3) (the figures in brackets
    ///   after the semicolons), which vidtag therefore does not have.
    /// - 1×7 / 7×1 → F(2, 7): block17's 1×7 128→160 and 7×1 160→192 @17² 0.67 and 0.96 ms
    ///   (1.24× and 1.30×), 1.23× and 1.30× at batch 2. (F(3, 7), F(4, 7): too inaccurate, see
    ///   `Winograd1D`.)
    /// - 1×3 / 3×1 → F(4, 3): block8's 1×3 192→224 and 3×1 224→256 @8² 0.09 and 0.12 ms
    ///   (1.84× and 1.93×; F(2, 3): 0.98×, 1.04×), 1.48× and 1.53× at batch 2.
    public static func choose(kernel: (Int, Int), stride: (Int, Int), inChannels: Int, outChannels: Int) -> ConvolutionAlgorithm {
        guard stride == (1, 1) && inChannels >= 32 && outChannels >= 32 else { return .gemm }
        switch kernel {
        case (3, 3): return .winogradF4x3
        case (1, 7), (7, 1): return .winograd1D(.f2x7)
        case (1, 3), (3, 1): return .winograd1D(.f4x3)
        default: return .gemm
        }
    }
}

/// A layer's weights transformed for its Winograd algorithm.
enum WinogradWeights: Sendable {
    case f4x3(WinogradF4x3)
    case line(Winograd1D)

    /// nil for `.gemm`. `packed`: `[KH, KW, Cin, Cout]`.
    init?(_ algorithm: ConvolutionAlgorithm, packed: [Float], kernel: (Int, Int), inChannels: Int, outChannels: Int) {
        switch algorithm {
        case .gemm: return nil
        case .winogradF4x3: self = .f4x3(WinogradF4x3(packed: packed, inChannels: inChannels, outChannels: outChannels))
        case .winograd1D(let form):
            self = .line(Winograd1D(form, alongWidth: kernel.0 == 1, packed: packed, inChannels: inChannels,
                                    outChannels: outChannels))
        }
    }

    /// `input` `[N, H, W, Cin]` → `out` `[N, OH, OW, Cout]` = activation((accumulate ? out : 0)
    /// + conv + bias).
    func run(_ input: UnsafePointer<Float>, _ g: WindowGeometry, bias: UnsafePointer<Float>,
             _ out: UnsafeMutablePointer<Float>, _ activation: Activation, accumulate: Bool, buffers: BufferPool?) {
        switch self {
        case .f4x3(let w): w.run(input, g, bias: bias, out, activation, accumulate: accumulate, buffers: buffers)
        case .line(let w): w.run(input, g, bias: bias, out, activation, accumulate: accumulate, buffers: buffers)
        }
    }
}
