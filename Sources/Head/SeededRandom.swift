import Weights

/// A seeded random number generator: ``Weights/SplitMix64``, as `SeededWeights` uses. Every
/// random choice of training (shuffling, validation split, modal dropout) and of the synthetic
/// data comes from one of these, so a seed fixes a run.
///
/// Bounded integers and floats are derived by fixed formulas (not the standard library's
/// algorithms), so sequences are stable across Swift versions and platforms.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// A generator for a named purpose, independent of the others drawn from the same seed
    /// (seeded with seed ⊕ FNV-1a-64(stream), its first value skipped).
    public init(seed: UInt64, stream: String) {
        generator = SplitMix64(seed: seed ^ StableHash.fnv1a64(stream))
        _ = next()
    }

    public mutating func next() -> UInt64 { generator.next() }

    /// Uniform in 0..<n (multiply-shift; the bias is below 2⁻³² for the sizes used here).
    ///
    /// The product is parenthesised because Swift's `>>` binds tighter than `&*`: written without
    /// the parentheses (`x &* UInt64(n) >> 32`, as before this was found) it is x·(n >> 32), always 0,
    /// and every shuffle was a rotation by one place (docs/head.md, "Shuffling that did not shuffle").
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "SeededRandom.below: n must be positive")
        return Int(((next() >> 32) &* UInt64(n)) >> 32)
    }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller, one value per call).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 0x1p-60)
        let u2 = unit()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Fisher–Yates shuffle of `values`.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
