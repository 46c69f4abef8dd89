import CKernels

/// A 1×r or r×1, stride-1 convolution (any zero padding) computed with the 1-D Winograd minimal
/// filtering F(m, r) along the kernel's axis (Lavin & Gray 2016, https://arxiv.org/abs/1509.09308,
/// section 4; Winograd, "Arithmetic Complexity of Computations", 1980):
///
///     y = Aᵀ [ (G g) ⊙ (Bᵀ d) ]
///
/// for each run of m outputs along the axis, d being the n = m + r − 1 inputs under them: n
/// multiply-adds per run and channel pair instead of m·r (F(2, 7): 8 for 2 outputs instead of
/// 14; F(4, 3): 6 for 4 instead of 12). The n products over channels are n GEMMs
/// `U_ξ [runs, Cin] · V_ξ [Cin, Cout]` on blocks of runs.
///
/// The transforms are written out per form, in C (`Sources/CKernels/winograd1d_body.h`, compiled
/// for baseline x86-64, AVX2 and AVX-512F and chosen by the CPU at run time, every path giving
/// the same bits): a loop over the nonzero entries of Bᵀ and Aᵀ measured 1.1–1.2× faster than
/// im2col on block17 against 1.2–1.3× for the written-out F(2, 7), whose pairs of rows share
/// their even and odd halves.
///
/// Only the forms whose float32 error stays near F(4×4, 3×3)'s are offered: simulated over 128
/// and 160 channels, F(4, 3) 1.5e-6, F(2, 7) 2.6e-6 / 3.3e-6, but F(3, 7) 1.5e-5 / 2.0e-5 and
/// F(4, 7) 1.6e-5 / 2.3e-5 at best (against 4e-7 / 5e-7 for a float32 dot product), so 7-tap
/// kernels use F(2, 7). 3-tap kernels use F(4, 3), faster than F(2, 3) on every such layer. The matrices are the Cook–Toom ones for
/// the points listed with each form, the Lagrange denominators folded into G, which is applied
/// in double precision.
public struct Winograd1D: Sendable {
    /// F(m, r) and its transforms.
    public enum Form: Sendable, Equatable {
        /// Points 0, 1, −1, ½, −2, ∞ (as `WinogradF4x3`).
        case f4x3
        /// Points 0, ±1, ±2, ±½, ∞.
        case f2x7

        /// The form's number in `Sources/CKernels` (`VIDTAG_WINOGRAD1D_*`).
        var code: Int32 { self == .f4x3 ? Int32(VIDTAG_WINOGRAD1D_F4X3) : Int32(VIDTAG_WINOGRAD1D_F2X7) }
        var outputs: Int { self == .f4x3 ? 4 : 2 }
        var taps: Int { self == .f2x7 ? 7 : 3 }
        var points: Int { outputs + taps - 1 }

        /// Bᵀ, `[n, n]` (written out in C; DispatchedKernelsTests checks the two agree).
        var inputMatrix: [[Double]] {
            switch self {
            case .f4x3: return [[2, -3, -4, 3, 2, 0], [0, -2, 1, 5, 2, 0], [0, -2, 5, -1, -2, 0],
                                [0, 2, 1, -2, -1, 0], [0, 1, -2, -1, 2, 0], [0, 2, -3, -4, 3, 2]]
            case .f2x7: return [[4, 0, -21, 0, 21, 0, -4, 0], [0, -4, -4, 17, 17, -4, -4, 0],
                                [0, 4, -4, -17, 17, 4, -4, 0], [0, 2, 1, -10, -5, 8, 4, 0],
                                [0, -2, 1, 10, -5, -8, 4, 0], [0, 4, 8, -5, -10, 1, 2, 0],
                                [0, -4, 8, 5, -10, -1, 2, 0], [0, -4, 0, 21, 0, -21, 0, 4]]
            }
        }

        /// G, `[n, r]`.
        var filterMatrix: [[Double]] {
            switch self {
            case .f4x3: return [[1.0 / 2, 0, 0], [1.0 / 6, 1.0 / 6, 1.0 / 6], [1.0 / 6, -1.0 / 6, 1.0 / 6],
                                [16.0 / 15, 8.0 / 15, 4.0 / 15], [1.0 / 30, -1.0 / 15, 2.0 / 15], [0, 0, 1.0 / 2]]
            case .f2x7:
                // Rows for 0, ±1, ±2, ±½ and ∞: g_k·p^k over Π(p − q), for each tap k.
                let powers: [Double] = [1, 2, 4, 8, 16, 32, 64]
                let sign: [Double] = [1, -1, 1, -1, 1, -1, 1]
                let atOne: [Double] = [Double](repeating: 1.0 / 18, count: 7)
                let atMinusOne: [Double] = sign.map { $0 / 18 }
                let atTwo: [Double] = powers.map { $0 / 360 }
                let atMinusTwo: [Double] = (0..<7).map { sign[$0] * powers[$0] / 360 }
                let atHalf: [Double] = (0..<7).map { powers[6 - $0] / 180 }
                let atMinusHalf: [Double] = (0..<7).map { sign[$0] * powers[6 - $0] / 180 }
                let atZero: [Double] = [0.25, 0, 0, 0, 0, 0, 0]
                let atInfinity: [Double] = [0, 0, 0, 0, 0, 0, 0.25]
                return [atZero, atOne, atMinusOne, atTwo, atMinusTwo, atHalf, atMinusHalf, atInfinity]
            }
        }

        /// Aᵀ, `[m, n]` (written out in C).
        var outputMatrix: [[Double]] {
            switch self {
            case .f4x3: return [[1, 1, 1, 1, 1, 0], [0, 1, -1, 0.5, -2, 0], [0, 1, 1, 0.25, 4, 0],
                                [0, 1, -1, 0.125, -8, 1]]
            case .f2x7: return [[1, 1, 1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0.5, -0.5, 1]]
            }
        }
    }

    let form: Form
    /// Whether the kernel lies along the width (1×r) rather than the height (r×1).
    let alongWidth: Bool
    let inChannels: Int
    let outChannels: Int
    /// Transformed weights V = G g, `[n, Cin, Cout]`.
    let weight: [Float]

    /// `packed`: `[1, r, Cin, Cout]` or `[r, 1, Cin, Cout]`, as `Conv2D` stores its weights.
    init(_ form: Form, alongWidth: Bool, packed: [Float], inChannels: Int, outChannels: Int) {
        let (r, n) = (form.taps, form.points)
        precondition(packed.count == r * inChannels * outChannels, "Winograd1D: weights must be \(r)×Cin×Cout")
        (self.form, self.alongWidth, self.inChannels, self.outChannels) = (form, alongWidth, inChannels, outChannels)
        let plane = inChannels * outChannels
        let g = form.filterMatrix
        var v = [Float](repeating: 0, count: n * plane)
        for index in 0..<plane {
            for i in 0..<n {
                var sum = 0.0
                for k in 0..<r { sum += g[i][k] * Double(packed[k * plane + index]) }
                v[i * plane + index] = Float(sum)
            }
        }
        weight = v
    }

    /// `input` `[N, H, W, Cin]` → `out` `[N, OH, OW, Cout]` = activation((accumulate ? out : 0)
    /// + conv + bias), for the window placement `g` (1×r or r×1, stride 1). `buffers` supplies
    /// the block scratch.
    func run(_ input: UnsafePointer<Float>, _ g: WindowGeometry, bias: UnsafePointer<Float>,
             _ out: UnsafeMutablePointer<Float>, _ activation: Activation, accumulate: Bool, buffers: BufferPool?) {
        let (height, width) = (g.inHeight, g.inWidth)
        let (outHeight, outWidth, padTop, padLeft) = (g.outHeight, g.outWidth, g.padTop, g.padLeft)
        let (m, n) = (form.outputs, form.points)
        // A run is m outputs along the kernel's axis: runsAcross × runsDown runs per image.
        let runsAcross = alongWidth ? (outWidth + m - 1) / m : outWidth
        let runsDown = alongWidth ? outHeight : (outHeight + m - 1) / m
        let total = g.batch * runsDown * runsAcross
        let (cin, cout) = (inChannels, outChannels)
        // Run (y, x) covers outputs (y, m·x + s) (along the width) or (m·y + s, x), s < m; tap k
        // of it reads input (y − padTop, m·x − padLeft + k) or (m·y − padTop + k, x − padLeft).
        let (stepY, stepX) = alongWidth ? (0, 1) : (1, 0)
        let (scaleY, scaleX) = alongWidth ? (1, m) : (m, 1)
        WinogradBlocking.forEachBlock(
            total: total, positions: n, inChannels: cin, outChannels: cout, weight: weight, buffers: buffers,
            minChunk: 8,
            transformInput: { runs, u, uStride, zeros in
                var taps = [UnsafePointer<Float>?](repeating: zeros, count: n)
                for (row, run) in runs.enumerated() {
                    let (image, y, x) = (run / (runsDown * runsAcross), (run / runsAcross) % runsDown,
                                         run % runsAcross)
                    let (y0, x0) = (scaleY * y - padTop, scaleX * x - padLeft)
                    for k in 0..<n {
                        let (iy, ix) = (y0 + k * stepY, x0 + k * stepX)
                        taps[k] = iy >= 0 && iy < height && ix >= 0 && ix < width
                            ? input + ((image * height + iy) * width + ix) * cin : zeros
                    }
                    vidtag_winograd1d_input(form.code, taps, u + row * cin, uStride, cin)
                }
            },
            transformOutput: { runs, products, mStride in
                var lines = [UnsafeMutablePointer<Float>?](repeating: nil, count: m)
                for (row, run) in runs.enumerated() {
                    let (image, y, x) = (run / (runsDown * runsAcross), (run / runsAcross) % runsDown,
                                         run % runsAcross)
                    for s in 0..<m {
                        let (oy, ox) = (scaleY * y + s * stepY, scaleX * x + s * stepX)
                        lines[s] = oy < outHeight && ox < outWidth
                            ? out + ((image * outHeight + oy) * outWidth + ox) * cout : nil
                    }
                    vidtag_winograd1d_output(form.code, products + row * cout, mStride, lines, cout, accumulate ? 1 : 0)
                    for s in 0..<m {
                        if let line = lines[s] { activation.apply(line, count: cout, bias: bias) }
                    }
                }
            })
    }
}
