/// A few channels at a time for the Winograd transforms (`WinogradF4x3`, `Winograd1D`).
///
/// The transforms combine the same taps for every channel, so they run over `SIMD4<Float>`
/// lanes of the channel axis: one SSE register, the widest vector this package's baseline
/// x86-64 target compiles to. `SIMD8<Float>` was slower (F(4×4, 3×3) over im2col, one thread:
/// conv2d_2a 1.01× against 1.27×, mixed_6a 2.39× against 2.59×): the compiler splits it into
/// register pairs with shuffles between them. A layer whose channel count is not a multiple
/// of 4 takes its last lanes through `load`/`store` with a count, which zero-fill and mask.
typealias Lanes = SIMD4<Float>

extension SIMD4 where Scalar == Float {
    /// `p[c..<c+4]`, or its first `count` values followed by zeros when `count < 4`.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ c: Int, count: Int) -> Lanes {
        if count >= 4 { return UnsafeRawPointer(p + c).loadUnaligned(as: Lanes.self) }
        var v = Lanes()
        for l in 0..<count { v[l] = p[c + l] }
        return v
    }

    /// `p[c..<c+min(count, 4)]` = the first lanes of `self`.
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, _ c: Int, count: Int) {
        if count >= 4 {
            UnsafeMutableRawPointer(p + c).storeBytes(of: self, as: Lanes.self)
            return
        }
        for l in 0..<count { p[c + l] = self[l] }
    }
}
