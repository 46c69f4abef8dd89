/// A 3×3, stride-1 convolution (any zero padding), computed with Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional
/// Neural Networks", CVPR 2016, https://arxiv.org/abs/1509.09308, section 4.1):
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// for each 2×2 output tile, d being the 4×4 input patch around it. Per tile and channel pair
/// that is 16 multiply-adds instead of im2col's 36; the 16 products over channels are 16 GEMMs
/// `U_ξ [tiles, Cin] · V_ξ [Cin, Cout]`, run on blocks of tiles so the transformed input
/// `U` `[16, tiles, Cin]` and products `M` `[16, tiles, Cout]` stay a few MB.
///
/// The transforms only add, subtract and halve, so rounding stays close to im2col's
/// (WinogradTests prints the measured difference).
struct WinogradF2x3: Sendable {
    let inChannels: Int
    let outChannels: Int
    /// Transformed weights V = G g Gᵀ, `[16, Cin, Cout]` (16 = the 4×4 tile positions).
    let weight: [Float]

    /// `packed`: `[3, 3, Cin, Cout]`, as `Conv2D` stores its weights.
    init(packed: [Float], inChannels: Int, outChannels: Int) {
        precondition(packed.count == 9 * inChannels * outChannels, "WinogradF2x3: weights must be 3×3×Cin×Cout")
        (self.inChannels, self.outChannels) = (inChannels, outChannels)
        let plane = inChannels * outChannels
        var v = [Float](repeating: 0, count: 16 * plane)
        for index in 0..<plane {
            // g: the 3×3 kernel of one (c, o) pair, in double precision.
            var g = [Double](repeating: 0, count: 9)
            for tap in 0..<9 { g[tap] = Double(packed[tap * plane + index]) }
            // G g (4×3), G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]: combinations of g's rows.
            var gg = [Double](repeating: 0, count: 12)
            for x in 0..<3 {
                let (g0, g1, g2) = (g[x], g[3 + x], g[6 + x])
                gg[x] = g0
                gg[3 + x] = (g0 + g1 + g2) / 2
                gg[6 + x] = (g0 - g1 + g2) / 2
                gg[9 + x] = g2
            }
            // (G g) Gᵀ (4×4): the same combinations of each row's three values.
            for i in 0..<4 {
                let (r0, r1, r2) = (gg[3 * i], gg[3 * i + 1], gg[3 * i + 2])
                let row: [Double] = [r0, (r0 + r1 + r2) / 2, (r0 - r1 + r2) / 2, r2]
                for j in 0..<4 { v[(i * 4 + j) * plane + index] = Float(row[j]) }
            }
        }
        weight = v
    }

    /// Tiles per block: U and M of a block take about 4 M floats (16 MB).
    private func tilesPerBlock(_ total: Int) -> Int {
        max(32, min(total, (1 << 22) / (16 * (inChannels + outChannels))))
    }

    /// `input` `[N, H, W, Cin]` → `out` `[N, OH, OW, Cout]` = activation((accumulate ? out : 0)
    /// + conv + bias), for the window placement `g` (3×3, stride 1). `buffers` supplies the
    /// block scratch.
    func run(_ input: UnsafePointer<Float>, _ g: WindowGeometry, bias: UnsafePointer<Float>,
             _ out: UnsafeMutablePointer<Float>, _ activation: Activation, accumulate: Bool, buffers: BufferPool?) {
        let (batch, height, width) = (g.batch, g.inHeight, g.inWidth)
        let (outHeight, outWidth, padTop, padLeft) = (g.outHeight, g.outWidth, g.padTop, g.padLeft)
        let (tilesH, tilesW) = ((outHeight + 1) / 2, (outWidth + 1) / 2)
        let total = batch * tilesH * tilesW
        guard total > 0 else { return }
        let block = tilesPerBlock(total)
        let (cin, cout) = (inChannels, outChannels)
        let scratchCount = 16 * block * (cin + cout) + cin
        var scratch = buffers?.take(scratchCount) ?? Tensor(uninitialized: [scratchCount]).data
        defer { buffers?.recycle(scratch) }
        scratch.withUnsafeMutableBufferPointer { scratch in
            let u = scratch.baseAddress!                       // [16, block, Cin]
            let m = u + 16 * block * cin                       // [16, block, Cout]
            let zeros = m + 16 * block * cout                  // [Cin] of zeros, for padding taps
            zeros.update(repeating: 0, count: cin)
            weight.withUnsafeBufferPointer { v in
                var start = 0
                while start < total {
                    let count = min(block, total - start)
                    // U_ξ[t, :] = (Bᵀ d_t B)_ξ, Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].
                    Threading.parallelFor(count, minChunk: 8) { range in
                        var taps = [UnsafePointer<Float>](repeating: UnsafePointer(zeros), count: 16)
                        for t in range {
                            let tile = start + t
                            let (n, ty, tx) = (tile / (tilesH * tilesW), (tile / tilesW) % tilesH, tile % tilesW)
                            for i in 0..<4 {
                                for j in 0..<4 {
                                    let (y, x) = (2 * ty - padTop + i, 2 * tx - padLeft + j)
                                    taps[i * 4 + j] = y >= 0 && y < height && x >= 0 && x < width
                                        ? input + ((n * height + y) * width + x) * cin : UnsafePointer(zeros)
                                }
                            }
                            Self.transformInput(taps, into: u + t * cin, stride: block * cin, channels: cin)
                        }
                    }
                    for position in 0..<16 {
                        GEMM.multiply(m: count, n: cout, k: cin, a: u + position * block * cin, lda: cin,
                                      b: v.baseAddress! + position * cin * cout, ldb: cout,
                                      c: m + position * block * cout, ldc: cout)
                    }
                    // Y = Aᵀ M A, Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]], then bias and activation.
                    Threading.parallelFor(count, minChunk: 8) { range in
                        var tileOut = [Float](repeating: 0, count: 4 * cout)
                        tileOut.withUnsafeMutableBufferPointer { tileOut in
                            let y = tileOut.baseAddress!
                            for t in range {
                                let tile = start + t
                                let (n, ty, tx) = (tile / (tilesH * tilesW), (tile / tilesW) % tilesH, tile % tilesW)
                                Self.transformOutput(m + t * cout, stride: block * cout, into: y, channels: cout)
                                for a in 0..<2 {
                                    for b in 0..<2 {
                                        let (oy, ox) = (2 * ty + a, 2 * tx + b)
                                        guard oy < outHeight && ox < outWidth else { continue }
                                        let line = out + ((n * outHeight + oy) * outWidth + ox) * cout
                                        let value = y + (a * 2 + b) * cout
                                        if accumulate {
                                            for o in 0..<cout { value[o] += line[o] }
                                        }
                                        for o in 0..<cout { line[o] = value[o] }
                                        activation.apply(line, count: cout, bias: bias)
                                    }
                                }
                            }
                        }
                    }
                    start += count
                }
            }
        }
    }

    /// `u[ξ·stride + c]` = (Bᵀ d B)_ξ for the 4×4 patch d whose tap ξ = 4i + j reads
    /// `taps[ξ][c]`, for every channel c (a loop over c that vectorises).
    @inline(__always)
    private static func transformInput(_ taps: [UnsafePointer<Float>], into u: UnsafeMutablePointer<Float>,
                                       stride: Int, channels: Int) {
        let (p00, p01, p02, p03) = (taps[0], taps[1], taps[2], taps[3])
        let (p10, p11, p12, p13) = (taps[4], taps[5], taps[6], taps[7])
        let (p20, p21, p22, p23) = (taps[8], taps[9], taps[10], taps[11])
        let (p30, p31, p32, p33) = (taps[12], taps[13], taps[14], taps[15])
        let u0 = u, u1 = u + stride, u2 = u + 2 * stride, u3 = u + 3 * stride
        let u4 = u + 4 * stride, u5 = u + 5 * stride, u6 = u + 6 * stride, u7 = u + 7 * stride
        let u8 = u + 8 * stride, u9 = u + 9 * stride, u10 = u + 10 * stride, u11 = u + 11 * stride
        let u12 = u + 12 * stride, u13 = u + 13 * stride, u14 = u + 14 * stride, u15 = u + 15 * stride
        for c in 0..<channels {
            // Over rows: r_0 = d_0 − d_2, r_1 = d_1 + d_2, r_2 = d_2 − d_1, r_3 = d_1 − d_3, per column.
            let r00 = p00[c] - p20[c], r01 = p01[c] - p21[c], r02 = p02[c] - p22[c], r03 = p03[c] - p23[c]
            let r10 = p10[c] + p20[c], r11 = p11[c] + p21[c], r12 = p12[c] + p22[c], r13 = p13[c] + p23[c]
            let r20 = p20[c] - p10[c], r21 = p21[c] - p11[c], r22 = p22[c] - p12[c], r23 = p23[c] - p13[c]
            let r30 = p10[c] - p30[c], r31 = p11[c] - p31[c], r32 = p12[c] - p32[c], r33 = p13[c] - p33[c]
            // Over columns, the same combination.
            u0[c] = r00 - r02; u1[c] = r01 + r02; u2[c] = r02 - r01; u3[c] = r01 - r03
            u4[c] = r10 - r12; u5[c] = r11 + r12; u6[c] = r12 - r11; u7[c] = r11 - r13
            u8[c] = r20 - r22; u9[c] = r21 + r22; u10[c] = r22 - r21; u11[c] = r21 - r23
            u12[c] = r30 - r32; u13[c] = r31 + r32; u14[c] = r32 - r31; u15[c] = r31 - r33
        }
    }

    /// `y` `[4, Cout]` (output pixels (0,0), (0,1), (1,0), (1,1)) = Aᵀ M A from the 16 products
    /// `m[ξ·stride + o]`.
    @inline(__always)
    private static func transformOutput(_ m: UnsafePointer<Float>, stride: Int, into y: UnsafeMutablePointer<Float>,
                                        channels: Int) {
        let p = { (i: Int, j: Int) in m + (4 * i + j) * stride }
        let (m00, m01, m02, m03) = (p(0, 0), p(0, 1), p(0, 2), p(0, 3))
        let (m10, m11, m12, m13) = (p(1, 0), p(1, 1), p(1, 2), p(1, 3))
        let (m20, m21, m22, m23) = (p(2, 0), p(2, 1), p(2, 2), p(2, 3))
        let (m30, m31, m32, m33) = (p(3, 0), p(3, 1), p(3, 2), p(3, 3))
        let (y0, y1, y2, y3) = (y, y + channels, y + 2 * channels, y + 3 * channels)
        for o in 0..<channels {
            // Rows: t_0 = m_0 + m_1 + m_2, t_1 = m_1 − m_2 − m_3 (over i), for each column j.
            let t00 = m00[o] + m10[o] + m20[o], t01 = m01[o] + m11[o] + m21[o]
            let t02 = m02[o] + m12[o] + m22[o], t03 = m03[o] + m13[o] + m23[o]
            let t10 = m10[o] - m20[o] - m30[o], t11 = m11[o] - m21[o] - m31[o]
            let t12 = m12[o] - m22[o] - m32[o], t13 = m13[o] - m23[o] - m33[o]
            y0[o] = t00 + t01 + t02
            y1[o] = t01 - t02 - t03
            y2[o] = t10 + t11 + t12
            y3[o] = t11 - t12 - t13
        }
    }
}
