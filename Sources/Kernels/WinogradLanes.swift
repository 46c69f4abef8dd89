/// Eight channels at a time for the Winograd transforms (`WinogradF4x3`, `Winograd1D`).
///
/// The transforms combine the same taps for every channel, so they run over `SIMD8<Float>`
/// lanes of the channel axis (one AVX register); a layer whose channel count is not a multiple
/// of 8 takes its last lanes through `load`/`store` with a count, which zero-fill and mask.
typealias Lanes = SIMD8<Float>

extension SIMD8 where Scalar == Float {
    /// `p[c..<c+8]`, or its first `count` values followed by zeros when `count < 8`.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ c: Int, count: Int) -> Lanes {
        if count >= 8 { return UnsafeRawPointer(p + c).loadUnaligned(as: Lanes.self) }
        var v = Lanes()
        for l in 0..<count { v[l] = p[c + l] }
        return v
    }

    /// `p[c..<c+min(count, 8)]` = the first lanes of `self`.
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, _ c: Int, count: Int) {
        if count >= 8 {
            UnsafeMutableRawPointer(p + c).storeBytes(of: self, as: Lanes.self)
            return
        }
        for l in 0..<count { p[c + l] = self[l] }
    }
}
