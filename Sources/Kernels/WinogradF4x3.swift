import CKernels

/// A 3×3, stride-1 convolution (any zero padding), computed with Winograd's minimal filtering
/// F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016,
/// https://arxiv.org/abs/1509.09308, section 5):
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// for each 4×4 output tile, d being the 6×6 input patch around it: 36 multiply-adds per tile
/// and channel pair instead of im2col's 144 (F(2×2, 3×3): 64 for the same 16 outputs). The 36
/// products over channels are 36 GEMMs `U_ξ [tiles, Cin] · V_ξ [Cin, Cout]` on blocks of tiles.
///
/// Interpolation points 0, 1, −1, ½, −2 and ∞ (Barabasz et al., "Error analysis and improving
/// the accuracy of Winograd convolution", 2020, https://arxiv.org/abs/1803.10986) rather than
/// Lavin's 0, ±1, ±2, ∞: simulated in float32 over 32–256 channels, the max error against
/// float64 was 2.0e-6 / 1.1e-5 with these points and 5.4e-6 / 2.8e-5 with Lavin's (F(2×2, 3×3):
/// 2.7e-7 / 1.8e-6). WinogradTests measures this code at 4.2e-6 at worst on outputs up to 3.1
/// (F(2×2, 3×3): 6.2e-7; im2col on the same data: printed beside them). The weight transform
/// runs in double precision; the input and output transforms in float, factored so that each
/// output is a short sum of terms of like magnitude. Those two transforms are C
/// (`Sources/CKernels/winograd4x3_body.h`), compiled for baseline x86-64, AVX2 and AVX-512F and
/// chosen by the CPU at run time; every path gives the same bits.
struct WinogradF4x3: Sendable {
    let inChannels: Int
    let outChannels: Int
    /// Transformed weights V = G g Gᵀ, `[36, Cin, Cout]` (36 = the 6×6 tile positions).
    let weight: [Float]

    /// G (6×3) for the points 0, 1, −1, ½, −2, ∞, with the Lagrange denominators folded in
    /// (so that Bᵀ has small integer entries).
    private static let g: [[Double]] = [
        [1.0 / 2, 0, 0],
        [1.0 / 6, 1.0 / 6, 1.0 / 6],
        [1.0 / 6, -1.0 / 6, 1.0 / 6],
        [16.0 / 15, 8.0 / 15, 4.0 / 15],
        [1.0 / 30, -1.0 / 15, 2.0 / 15],
        [0, 0, 1.0 / 2],
    ]

    /// `packed`: `[3, 3, Cin, Cout]`, as `Conv2D` stores its weights.
    init(packed: [Float], inChannels: Int, outChannels: Int) {
        precondition(packed.count == 9 * inChannels * outChannels, "WinogradF4x3: weights must be 3×3×Cin×Cout")
        (self.inChannels, self.outChannels) = (inChannels, outChannels)
        let plane = inChannels * outChannels
        let g = Self.g
        var v = [Float](repeating: 0, count: 36 * plane)
        var kernel = [Double](repeating: 0, count: 9)   // [3, 3]
        var left = [Double](repeating: 0, count: 18)    // G g, [6, 3]
        for index in 0..<plane {
            for tap in 0..<9 { kernel[tap] = Double(packed[tap * plane + index]) }
            for i in 0..<6 {
                for x in 0..<3 {
                    left[3 * i + x] = g[i][0] * kernel[x] + g[i][1] * kernel[3 + x] + g[i][2] * kernel[6 + x]
                }
            }
            for i in 0..<6 {
                for j in 0..<6 {
                    let value = left[3 * i] * g[j][0] + left[3 * i + 1] * g[j][1] + left[3 * i + 2] * g[j][2]
                    v[(6 * i + j) * plane + index] = Float(value)
                }
            }
        }
        weight = v
    }

    /// `input` `[N, H, W, Cin]` → `out` `[N, OH, OW, Cout]` = activation((accumulate ? out : 0)
    /// + conv + bias), for the window placement `g` (3×3, stride 1). `buffers` supplies the
    /// block scratch.
    func run(_ input: UnsafePointer<Float>, _ g: WindowGeometry, bias: UnsafePointer<Float>,
             _ out: UnsafeMutablePointer<Float>, _ activation: Activation, accumulate: Bool, buffers: BufferPool?) {
        let (height, width) = (g.inHeight, g.inWidth)
        let (outHeight, outWidth, padTop, padLeft) = (g.outHeight, g.outWidth, g.padTop, g.padLeft)
        let (tilesH, tilesW) = ((outHeight + 3) / 4, (outWidth + 3) / 4)
        let total = g.batch * tilesH * tilesW
        let (cin, cout) = (inChannels, outChannels)
        WinogradBlocking.forEachBlock(
            total: total, positions: 36, inChannels: cin, outChannels: cout, weight: weight, buffers: buffers,
            minChunk: 4,
            transformInput: { tiles, u, uStride, zeros in
                var taps = [UnsafePointer<Float>?](repeating: zeros, count: 36)
                for (row, tile) in tiles.enumerated() {
                    let (n, ty, tx) = (tile / (tilesH * tilesW), (tile / tilesW) % tilesH, tile % tilesW)
                    for i in 0..<6 {
                        let y = 4 * ty - padTop + i
                        for j in 0..<6 {
                            let x = 4 * tx - padLeft + j
                            taps[6 * i + j] = y >= 0 && y < height && x >= 0 && x < width
                                ? input + ((n * height + y) * width + x) * cin : zeros
                        }
                    }
                    vidtag_winograd4x3_input(taps, u + row * cin, uStride, cin)
                }
            },
            transformOutput: { tiles, m, mStride in
                var lines = [UnsafeMutablePointer<Float>?](repeating: nil, count: 16)
                for (row, tile) in tiles.enumerated() {
                    let (n, ty, tx) = (tile / (tilesH * tilesW), (tile / tilesW) % tilesH, tile % tilesW)
                    for a in 0..<4 {
                        for b in 0..<4 {
                            let (oy, ox) = (4 * ty + a, 4 * tx + b)
                            lines[4 * a + b] = oy < outHeight && ox < outWidth
                                ? out + ((n * outHeight + oy) * outWidth + ox) * cout : nil
                        }
                    }
                    vidtag_winograd4x3_output(m + row * cout, mStride, lines, cout, accumulate ? 1 : 0)
                    for line in lines {
                        if let line { activation.apply(line, count: cout, bias: bias) }
                    }
                }
            })
    }
}
