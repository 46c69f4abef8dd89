import Kernels

/// Where the time of one im2col convolution goes: the patch copy, the GEMMs, the allocation of
/// its zero-filled output and scratch, and the rest (bias + ReLU epilogue, thread hand-offs).
///
/// `Conv2D`'s tiling and its im2col are private, so this file mirrors them
/// (`Conv2D.tileRows` and `Conv2D.im2col` in Sources/Kernels/Conv2D.swift): keep the two in
/// step. Each part is timed on its own over all tiles of one call, on the same buffers the
/// convolution would use.
struct ConvBreakdown: Codable, Sendable {
    /// Output pixels per tile, and the number of tiles of one call.
    let rowsPerTile: Int
    let tiles: Int
    /// Filling every im2col tile, without the GEMMs.
    let im2col: Timing
    /// The GEMMs of every tile (`[rows, K] · [K, Cout]`), without the copies.
    let tiledGEMM: Timing
    /// Allocating the zero-filled output `[M, Cout]` and scratch `[rows, K]` arrays, as `Conv2D`
    /// does on every call without a `BufferPool` (fresh pages from the kernel when they are
    /// larger than malloc keeps); with one, as the encoders run it, this cost is gone.
    let allocation: Timing

    /// The largest disturbance of the parts (see `Timing.otherCores`).
    var otherCores: Double? {
        let parts = [im2col, tiledGEMM, allocation].compactMap(\.otherCores)
        return parts.count == 3 ? parts.max() : nil
    }

    /// Rows of output per GEMM, as `Conv2D.tileRows`: an im2col scratch of about 4 MiB.
    static func tileRows(_ shape: ConvShape) -> Int {
        let pixels = shape.gemm.m
        let k = shape.gemm.k
        return max(64, min(pixels, (1 << 20) / max(1, k)))
    }

    static func measure(_ shape: ConvShape, warmup: Int, repeats: Int) -> ConvBreakdown {
        let (m, n, k) = (shape.gemm.m, shape.gemm.n, shape.gemm.k)
        let rowsPerTile = tileRows(shape)
        let tiles = (m + rowsPerTile - 1) / rowsPerTile
        let input = CaseRunner.randomValues(shape.batch * shape.height * shape.width * shape.inChannels, seed: 6)
        let weight = CaseRunner.randomValues(k * n, seed: 7, scale: 0.05)  // [K, Cout]
        var scratch = CaseRunner.randomValues(rowsPerTile * k, seed: 9)  // [rowsPerTile, K]
        var output = [Float](repeating: 0, count: m * n)  // [M, Cout]

        let im2colTiming = Stopwatch.measure(warmup: warmup, repeats: repeats) {
            input.withUnsafeBufferPointer { x in
                scratch.withUnsafeMutableBufferPointer { cols in
                    for start in stride(from: 0, to: m, by: rowsPerTile) {
                        im2col(shape, x.baseAddress!, from: start, rows: min(rowsPerTile, m - start),
                               into: cols.baseAddress!)
                    }
                }
            }
            keep(scratch[0])
        }
        let gemmTiming = Stopwatch.measure(warmup: warmup, repeats: repeats) {
            scratch.withUnsafeBufferPointer { cols in
                weight.withUnsafeBufferPointer { w in
                    output.withUnsafeMutableBufferPointer { out in
                        for start in stride(from: 0, to: m, by: rowsPerTile) {
                            GEMM.multiply(m: min(rowsPerTile, m - start), n: n, k: k, a: cols.baseAddress!, lda: k,
                                          b: w.baseAddress!, ldb: n, c: out.baseAddress! + start * n, ldc: n)
                        }
                    }
                }
            }
            keep(output[0])
        }
        let allocationTiming = Stopwatch.measure(warmup: warmup, repeats: repeats) {
            let output = [Float](repeating: 0, count: m * n)
            let scratch = [Float](repeating: 0, count: rowsPerTile * k)
            keep(output[m * n - 1] + scratch[rowsPerTile * k - 1])
        }
        return ConvBreakdown(rowsPerTile: rowsPerTile, tiles: tiles, im2col: im2colTiming, tiledGEMM: gemmTiming,
                             allocation: allocationTiming)
    }

    /// As `Conv2D.im2col`: rows `from..<from+rows` of the `[N·OH·OW, KH·KW·Cin]` patch matrix,
    /// split over `Threading.threads` with the same chunking.
    private static func im2col(_ s: ConvShape, _ input: UnsafePointer<Float>, from: Int, rows: Int,
                               into cols: UnsafeMutablePointer<Float>) {
        let (c, kh, kw) = (s.inChannels, s.kernel[0], s.kernel[1])
        let (oh, ow) = (s.outHeight, s.outWidth)
        let k = kh * kw * c
        Threading.parallelFor(rows, minChunk: 32) { range in
            for r in range {
                let pixel = from + r
                let (n, oy, ox) = (pixel / (oh * ow), (pixel / ow) % oh, pixel % ow)
                var dst = cols + r * k
                let image = input + n * s.height * s.width * c
                for ky in 0..<kh {
                    let iy = oy * s.stride[0] - s.padding[0] + ky
                    if iy < 0 || iy >= s.height {
                        dst.update(repeating: 0, count: kw * c)
                        dst += kw * c
                        continue
                    }
                    let rowBase = image + iy * s.width * c
                    let ix0 = ox * s.stride[1] - s.padding[1]
                    if ix0 >= 0 && ix0 + kw <= s.width {
                        dst.update(from: rowBase + ix0 * c, count: kw * c)
                        dst += kw * c
                        continue
                    }
                    for kx in 0..<kw {
                        let ix = ix0 + kx
                        if ix < 0 || ix >= s.width {
                            dst.update(repeating: 0, count: c)
                        } else {
                            dst.update(from: rowBase + ix * c, count: c)
                        }
                        dst += c
                    }
                }
            }
        }
    }
}
