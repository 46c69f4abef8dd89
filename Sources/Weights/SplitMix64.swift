/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit counter advanced by the golden-ratio
/// increment, each value passed through a fixed mixer. Small, fast, and the same on every
/// machine: the seeded weights, the head's training randomness, the synthetic worlds and the
/// tests' random inputs all draw from it.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The counter's step, ⌊2⁶⁴/φ⌋.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The mixer alone: the output for counter value `z` (for counter-based streams, where value
    /// i of a stream is `mix(base + (i + 1)·increment)`).
    @inline(__always)
    public static func mix(_ z: UInt64) -> UInt64 {
        var z = z
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }
}
