@_spi(Tools) import Kernels

/// Where the time of one im2col convolution goes: the patch copy, the GEMMs, the allocation of
/// its zero-filled output and scratch, and the rest (bias + ReLU epilogue, thread hand-offs).
///
/// Each part is timed on its own over all tiles of one call, on the same buffers the
/// convolution would use, with `Conv2D`'s own tiling and im2col.
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

    static func measure(_ shape: ConvShape, warmup: Int, repeats: Int) -> ConvBreakdown {
        let (m, n, k) = (shape.gemm.m, shape.gemm.n, shape.gemm.k)
        let layer = CaseRunner.makeConv2D(shape)
        let inputShape = [shape.batch, shape.height, shape.width, shape.inChannels]
        let rowsPerTile = layer.im2colTileRows(inputShape: inputShape)
        let tiles = (m + rowsPerTile - 1) / rowsPerTile
        let input = CaseRunner.randomValues(shape.batch * shape.height * shape.width * shape.inChannels, seed: 6)
        let weight = CaseRunner.randomValues(k * n, seed: 7, scale: 0.05)  // [K, Cout]
        var scratch = CaseRunner.randomValues(rowsPerTile * k, seed: 9)  // [rowsPerTile, K]
        var output = [Float](repeating: 0, count: m * n)  // [M, Cout]

        let im2colTiming = Stopwatch.measure(warmup: warmup, repeats: repeats) {
            input.withUnsafeBufferPointer { x in
                scratch.withUnsafeMutableBufferPointer { cols in
                    for start in stride(from: 0, to: m, by: rowsPerTile) {
                        layer.im2col(x.baseAddress!, inputShape: inputShape, from: start,
                                     rows: min(rowsPerTile, m - start), into: cols.baseAddress!)
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
}
