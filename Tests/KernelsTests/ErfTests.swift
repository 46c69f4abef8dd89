import Foundation
import Testing
@testable import Kernels

/// The branch-free erf behind GELU against libm's `erff`, which it replaces.
@Suite struct ErfTests {
    /// Every 64th float in [−10, 10] (by bit pattern, both signs: ~3·10⁷ values) plus ±0, ±∞
    /// and the clamp edges.
    static var samples: [Float] {
        var values: [Float] = [0, -0, .infinity, -.infinity, 4, -4, 4.0001, -4.0001, 1e-30, -1e-30]
        var bits = Float.leastNormalMagnitude.bitPattern
        while Float(bitPattern: bits) <= 10 {
            let x = Float(bitPattern: bits)
            values.append(x)
            values.append(-x)
            bits += 64
        }
        return values
    }

    @Test func erfIsWithinAMillionthOfLibm() {
        var worst: (difference: Float, at: Float) = (0, 0)
        for x in Self.samples {
            let difference = abs(Activation.erf(x) - Foundation.erf(x))
            if difference > worst.difference { worst = (difference, x) }
        }
        print("Activation.erf vs erff: max |Δ| = \(worst.difference) at x = \(worst.at) (bound 1e-6)")
        #expect(worst.difference <= 1e-6)
        #expect(Activation.erf(0) == 0 && Activation.erf(.infinity) <= 1 && Activation.erf(-.infinity) >= -1)
    }

    /// |ΔGELU| = 0.5·|x|·|Δerf|: bounded relative to max(1, |x|).
    @Test func geluIsWithinItsStatedBoundOfTheLibmFormula() {
        var worst: (difference: Float, scaled: Float) = (0, 0)
        for x in Self.samples where x.isFinite {
            let reference = 0.5 * x * (1 + Foundation.erf(x * 0.70710678118654752))
            let difference = abs(Activation.gelu(x) - reference)
            worst = (max(worst.difference, difference), max(worst.scaled, difference / max(1, abs(x))))
        }
        print("GELU with Activation.erf vs with erff on [−10, 10]: max |Δ| = \(worst.difference), "
              + "max |Δ|/max(1, |x|) = \(worst.scaled) (bound 4e-7)")
        #expect(worst.scaled <= 4e-7)
    }

    /// The vectorised loop gives the same values as the scalar function, element by element.
    @Test func fusedEpilogueAppliesTheSameFunction() {
        var values = (0..<1000).map { Float($0 - 500) / 37 }
        let expected = values.map { Activation.gelu($0 + 0.25) }
        let bias = [Float](repeating: 0.25, count: values.count)
        values.withUnsafeMutableBufferPointer { v in
            bias.withUnsafeBufferPointer { b in
                addBiasAndActivate(v.baseAddress!, rows: 1, columns: v.count, bias: b.baseAddress, activation: .gelu)
            }
        }
        #expect(values == expected)
    }
}
