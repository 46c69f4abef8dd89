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
/// Only the forms whose float32 error stays near F(4×4, 3×3)'s are offered: simulated over 128
/// and 160 channels, F(2, 3) 4e-7 (as direct), F(4, 3) 1.5e-6, F(2, 7) 2.6e-6 / 3.3e-6, but
/// F(3, 7) 1.5e-5 / 2.0e-5 and F(4, 7) 1.6e-5 / 2.3e-5 at best (against 4e-7 / 5e-7 for a
/// float32 dot product), so 7-tap kernels use F(2, 7). The matrices are the Cook–Toom ones for
/// the points listed with each form, the Lagrange denominators folded into G, which is applied
/// in double precision.
struct Winograd1D: Sendable {
    /// F(m, r) and its transforms.
    enum Form: Sendable, Equatable {
        /// Points 0, ±1, ∞.
        case f2x3
        /// Points 0, 1, −1, ½, −2, ∞ (as `WinogradF4x3`).
        case f4x3
        /// Points 0, ±1, ±2, ±½, ∞.
        case f2x7

        var outputs: Int { self == .f4x3 ? 4 : 2 }
        var taps: Int { self == .f2x7 ? 7 : 3 }
        var points: Int { outputs + taps - 1 }

        /// Bᵀ, `[n, n]`.
        var inputMatrix: [[Double]] {
            switch self {
            case .f2x3: return [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, -1, 0, 1]]
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
            case .f2x3: return [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
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

        /// Aᵀ, `[m, n]`.
        var outputMatrix: [[Double]] {
            switch self {
            case .f2x3: return [[1, 1, 1, 0], [0, 1, -1, 1]]
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
    /// The nonzero entries of Bᵀ and Aᵀ, row by row: `terms[rowStart[i]..<rowStart[i+1]]`.
    private let input: SparseRows
    private let output: SparseRows

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
        input = SparseRows(form.inputMatrix)
        output = SparseRows(form.outputMatrix)
    }

    /// Runs per block: U and M of a block take about 4 M floats (16 MB).
    private func runsPerBlock(_ total: Int) -> Int {
        max(16, min(total, (1 << 22) / (form.points * (inChannels + outChannels))))
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
        guard total > 0 else { return }
        let block = runsPerBlock(total)
        let (cin, cout) = (inChannels, outChannels)
        let scratchCount = n * block * (cin + cout) + cin
        var scratch = buffers?.take(scratchCount) ?? Tensor(uninitialized: [scratchCount]).data
        defer { buffers?.recycle(scratch) }
        let alongWidth = self.alongWidth
        // The output pixel (row, column) of step `s` of run (y, x), and the input pixel of tap `k`.
        let outputPixel = { (y: Int, x: Int, s: Int) in alongWidth ? (y, m * x + s) : (m * y + s, x) }
        let inputPixel = { (y: Int, x: Int, k: Int) in
            alongWidth ? (y - padTop, m * x - padLeft + k) : (m * y - padTop + k, x - padLeft)
        }
        scratch.withUnsafeMutableBufferPointer { scratch in
            let u = scratch.baseAddress!                       // [n, block, Cin]
            let products = u + n * block * cin                 // [n, block, Cout]
            let zeros = products + n * block * cout            // [Cin] of zeros, for padding taps
            zeros.update(repeating: 0, count: cin)
            weight.withUnsafeBufferPointer { v in
                var start = 0
                while start < total {
                    let count = min(block, total - start)
                    Threading.parallelFor(count, minChunk: 8) { range in
                        var taps = [UnsafePointer<Float>](repeating: UnsafePointer(zeros), count: n)
                        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: n) { work in
                            for t in range {
                                let run = start + t
                                let (image, y, x) = (run / (runsDown * runsAcross), (run / runsAcross) % runsDown,
                                                     run % runsAcross)
                                for k in 0..<n {
                                    let (iy, ix) = inputPixel(y, x, k)
                                    taps[k] = iy >= 0 && iy < height && ix >= 0 && ix < width
                                        ? input + ((image * height + iy) * width + ix) * cin : UnsafePointer(zeros)
                                }
                                taps.withUnsafeBufferPointer { taps in
                                    self.input.apply(taps.baseAddress!, into: u + t * cin, stride: block * cin,
                                                     channels: cin, work: work.baseAddress!)
                                }
                            }
                        }
                    }
                    for position in 0..<n {
                        GEMM.multiply(m: count, n: cout, k: cin, a: u + position * block * cin, lda: cin,
                                      b: v.baseAddress! + position * cin * cout, ldb: cout,
                                      c: products + position * block * cout, ldc: cout)
                    }
                    Threading.parallelFor(count, minChunk: 8) { range in
                        var sources = [UnsafePointer<Float>](repeating: UnsafePointer(zeros), count: n)
                        var lines = [UnsafeMutablePointer<Float>?](repeating: nil, count: m)
                        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: n) { work in
                            for t in range {
                                let run = start + t
                                let (image, y, x) = (run / (runsDown * runsAcross), (run / runsAcross) % runsDown,
                                                     run % runsAcross)
                                for k in 0..<n { sources[k] = UnsafePointer(products + k * block * cout + t * cout) }
                                for s in 0..<m {
                                    let (oy, ox) = outputPixel(y, x, s)
                                    lines[s] = oy < outHeight && ox < outWidth
                                        ? out + ((image * outHeight + oy) * outWidth + ox) * cout : nil
                                }
                                sources.withUnsafeBufferPointer { sources in
                                    lines.withUnsafeBufferPointer { lines in
                                        self.output.apply(sources.baseAddress!, into: lines.baseAddress!,
                                                          channels: cout, accumulate: accumulate,
                                                          work: work.baseAddress!)
                                    }
                                }
                                for line in lines {
                                    if let line { activation.apply(line, count: cout, bias: bias) }
                                }
                            }
                        }
                    }
                    start += count
                }
            }
        }
    }
}

/// A small constant matrix (a Winograd transform) kept as its nonzero entries, row by row,
/// applied to eight channels at a time.
private struct SparseRows: Sendable {
    let rows: Int
    let columns: Int
    /// Row i's entries are `columnOf[rowStart[i]..<rowStart[i + 1]]` with `coefficient` alike.
    let rowStart: [Int]
    let columnOf: [Int]
    let coefficient: [Float]

    init(_ matrix: [[Double]]) {
        (rows, columns) = (matrix.count, matrix[0].count)
        var (starts, indices, values) = ([0], [Int](), [Float]())
        for row in matrix {
            for (j, value) in row.enumerated() where value != 0 {
                indices.append(j)
                values.append(Float(value))
            }
            starts.append(indices.count)
        }
        (rowStart, columnOf, coefficient) = (starts, indices, values)
    }

    /// `u[i·stride + c]` = Σ_j M[i, j]·`taps[j][c]` for every row i and channel c.
    @inline(__always)
    func apply(_ taps: UnsafePointer<UnsafePointer<Float>>, into u: UnsafeMutablePointer<Float>, stride: Int,
               channels: Int, work: UnsafeMutablePointer<Lanes>) {
        rowStart.withUnsafeBufferPointer { rowStart in
            columnOf.withUnsafeBufferPointer { columnOf in
                coefficient.withUnsafeBufferPointer { coefficient in
                    var c = 0
                    while c < channels {
                        let lanes = channels - c
                        for j in 0..<columns { work[j] = .load(taps[j], c, count: lanes) }
                        for i in 0..<rows {
                            var sum = Lanes()
                            for e in rowStart[i]..<rowStart[i + 1] { sum += coefficient[e] * work[columnOf[e]] }
                            sum.store(u + i * stride, c, count: lanes)
                        }
                        c += 8
                    }
                }
            }
        }
    }

    /// `lines[i][o]` ← Σ_j M[i, j]·`sources[j][o]` (+ its previous value when `accumulate`) for
    /// every row i whose line is not nil and channel o.
    @inline(__always)
    func apply(_ sources: UnsafePointer<UnsafePointer<Float>>, into lines: UnsafePointer<UnsafeMutablePointer<Float>?>,
               channels: Int, accumulate: Bool, work: UnsafeMutablePointer<Lanes>) {
        rowStart.withUnsafeBufferPointer { rowStart in
            columnOf.withUnsafeBufferPointer { columnOf in
                coefficient.withUnsafeBufferPointer { coefficient in
                    var o = 0
                    while o < channels {
                        let lanes = channels - o
                        for j in 0..<columns { work[j] = .load(sources[j], o, count: lanes) }
                        for i in 0..<rows {
                            guard let line = lines[i] else { continue }
                            var sum = accumulate ? Lanes.load(line, o, count: lanes) : Lanes()
                            for e in rowStart[i]..<rowStart[i + 1] { sum += coefficient[e] * work[columnOf[e]] }
                            sum.store(line, o, count: lanes)
                        }
                        o += 8
                    }
                }
            }
        }
    }
}
