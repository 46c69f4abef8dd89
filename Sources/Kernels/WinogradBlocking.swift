/// How the Winograd algorithms (`WinogradF4x3`, `Winograd1D`) cut their tiles into blocks.
///
/// Each block writes the transformed input U `[P, tiles, Cin]`, multiplies it into the
/// products M `[P, tiles, Cout]` (P GEMMs, one per tile position), then reads M back. Measured
/// on one thread (`vidtag-bench winograd`, best of 5, other load on the second core), a block whose
/// U and M fit in about 1 MB (256 K floats, the L2 cache) rather than 16 MB made the narrow
/// layers faster: conv2d_2a 32→32 @147² 3.9 → 2.8 ms, conv2d_2b 32→64 5.9 → 4.3 ms, VGGish
/// conv2 64→128 (batch 32) 39 → 32 ms. Wide layers need enough tiles per GEMM for OpenBLAS to
/// pay for packing each `[Cin, Cout]` weight matrix: a floor of 64 tiles cost mixed_6a
/// 256→256 @35² 6.0 → 7.5 ms and VGGish conv3_2 / conv4_2 51 → 60 / 48 → 54 ms; with 128 they
/// stay within a few percent of one block for all tiles.
enum WinogradBlocking {
    /// Floats of U and M per block.
    static let budget = 1 << 18
    /// The fewest tiles per block (unless the layer has fewer).
    static let minimumTiles = 128

    /// Tiles per block for `total` tiles of `positions` tile positions each: blocks of equal
    /// size (no small remainder block), each within the budget or of `minimumTiles`.
    static func tilesPerBlock(total: Int, positions: Int, inChannels: Int, outChannels: Int) -> Int {
        let fitting = max(minimumTiles, budget / (positions * (inChannels + outChannels)))
        let blocks = (total + fitting - 1) / fitting
        return (total + blocks - 1) / blocks
    }

    /// The distance between two tile positions' planes of `floats` values in U or M: padded by
    /// one cache line so that the P planes, read or written together by the transforms, do not
    /// fall on the same cache sets when a plane is a multiple of 4 KB.
    static func planeStride(_ floats: Int) -> Int { floats + 16 }

    /// The block loop both algorithms share, for `total` tiles of `positions` tile positions
    /// with transformed weights V `[P, Cin, Cout]`: per block of tiles, `transformInput(tiles, u,
    /// zeros)` fills U for tiles `tiles` (absolute indices; tile `t` at `u + (t − first)·Cin`,
    /// positions `uStride` apart), the P GEMMs form M = U·V, and `transformOutput(tiles, m)`
    /// reads M likewise (`mStride` apart). Both transforms are split over threads in chunks of
    /// at least `minChunk` tiles. `zeros` is `[Cin]` of zeros, for padding taps. Scratch from
    /// `buffers`.
    static func forEachBlock(
        total: Int, positions: Int, inChannels cin: Int, outChannels cout: Int, weight: [Float],
        buffers: BufferPool?, minChunk: Int,
        transformInput: (_ tiles: Range<Int>, _ u: UnsafeMutablePointer<Float>, _ uStride: Int,
                         _ zeros: UnsafePointer<Float>) -> Void,
        transformOutput: (_ tiles: Range<Int>, _ m: UnsafePointer<Float>, _ mStride: Int) -> Void
    ) {
        guard total > 0 else { return }
        let block = tilesPerBlock(total: total, positions: positions, inChannels: cin, outChannels: cout)
        let (uStride, mStride) = (planeStride(block * cin), planeStride(block * cout))
        let scratchCount = positions * (uStride + mStride) + cin
        var scratch = buffers?.take(scratchCount) ?? Tensor(uninitialized: [scratchCount]).data
        defer { buffers?.recycle(scratch) }
        scratch.withUnsafeMutableBufferPointer { scratch in
            let u = scratch.baseAddress!                       // [P, block, Cin], planes uStride apart
            let m = u + positions * uStride                    // [P, block, Cout], planes mStride apart
            let zeros = m + positions * mStride                // [Cin] of zeros
            zeros.update(repeating: 0, count: cin)
            weight.withUnsafeBufferPointer { v in
                var start = 0
                while start < total {
                    let count = min(block, total - start)
                    Threading.parallelFor(count, minChunk: minChunk) { range in
                        transformInput(start + range.lowerBound..<start + range.upperBound,
                                       u + range.lowerBound * cin, uStride, zeros)
                    }
                    for position in 0..<positions {
                        GEMM.multiply(m: count, n: cout, k: cin, a: u + position * uStride, lda: cin,
                                      b: v.baseAddress! + position * cin * cout, ldb: cout,
                                      c: m + position * mStride, ldc: cout)
                    }
                    Threading.parallelFor(count, minChunk: minChunk) { range in
                        transformOutput(start + range.lowerBound..<start + range.upperBound,
                                        m + range.lowerBound * cout, mStride)
                    }
                    start += count
                }
            }
        }
    }
}
