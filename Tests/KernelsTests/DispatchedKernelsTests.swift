import CKernels
import Foundation
@testable import Kernels
import Testing

/// The C loops (`Sources/CKernels`) on every dispatch level this CPU runs, against float64 and
/// against each other: every level must give the same bits, so a record does not depend on the
/// CPU's vector width.
@Suite struct DispatchedKernelsTests {
    /// Bᵀ and Aᵀ of F(4×4, 3×3) with the points 0, 1, −1, ½, −2, ∞ (`WinogradF4x3`).
    static let bT: [[Double]] = [[2, -3, -4, 3, 2, 0], [0, -2, 1, 5, 2, 0], [0, -2, 5, -1, -2, 0],
                                 [0, 2, 1, -2, -1, 0], [0, 1, -2, -1, 2, 0], [0, 2, -3, -4, 3, 2]]
    static let aT: [[Double]] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 0.5, -2, 0], [0, 1, 1, 0.25, 4, 0],
                                 [0, 1, -1, 0.125, -8, 1]]
    /// Channels: whole vectors plus a tail at every width (37 = 2·16 + 5 = 4·8 + 5 = 9·4 + 1).
    static let channels = 37
    static let tolerance = 1e-6

    static var levels: [Int32] { Array(0...vidtag_cpu_level()) }

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
    }

    /// Each level's outputs (`results[level]`) have the baseline's bits.
    static func expectSameBits(_ results: [[Float]], _ what: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        for (level, result) in results.enumerated().dropFirst() {
            #expect(result.map(\.bitPattern) == results[0].map(\.bitPattern),
                    "\(what) level \(level) against the baseline", sourceLocation: sourceLocation)
        }
    }

    @Test func theCPULevelIsNamed() {
        let level = vidtag_cpu_level()
        #expect((0..<3).contains(level))
        print("dispatch level \(level): \(String(cString: vidtag_level_name(level)))")
    }

    @Test func inputTransformMatchesFloat64OnEveryLevel() {
        let c = Self.channels, stride = 41  // u's positions lie `stride` floats apart (≥ channels)
        let patch = Self.values(36 * c, seed: 1)  // [36 taps, c]
        var results: [[Float]] = []
        for level in Self.levels {
            var u = [Float](repeating: .nan, count: 36 * stride)
            patch.withUnsafeBufferPointer { patch in
                let taps: [UnsafePointer<Float>?] = (0..<36).map { patch.baseAddress! + $0 * c }
                u.withUnsafeMutableBufferPointer { u in
                    vidtag_winograd4x3_input_at(Int32(level), taps, u.baseAddress!, stride, c)
                }
            }
            var worst = 0.0, largest = 0.0
            for ch in 0..<c {
                for i in 0..<6 {
                    for j in 0..<6 {
                        var expected = 0.0
                        for k in 0..<6 {
                            for l in 0..<6 { expected += Self.bT[i][k] * Double(patch[(6 * k + l) * c + ch]) * Self.bT[j][l] }
                        }
                        worst = max(worst, abs(Double(u[(6 * i + j) * stride + ch]) - expected))
                        largest = max(largest, abs(expected))
                    }
                }
            }
            print("level \(level) input transform: max |error| \(worst) on values up to \(largest) (tolerance \(Self.tolerance) × largest)")
            #expect(worst <= Self.tolerance * largest, "level \(level)")
            results.append(u)
        }
        Self.expectSameBits(results, "transform")
    }

    /// The written-out 1-D transforms are the Cook–Toom matrices of their form
    /// (`Winograd1D.Form.inputMatrix`, `outputMatrix`), column by column, exactly, on every level
    /// and every lane (37 channels: whole vectors and a tail).
    @Test(arguments: [Winograd1D.Form.f4x3, .f2x7])
    func lineTransformsAreTheirMatricesOnEveryLevel(form: Winograd1D.Form) {
        let (m, n, c) = (form.outputs, form.points, Self.channels)
        for level in Self.levels {
            for column in 0..<n {
                let unit = (0..<n).map { [Float](repeating: $0 == column ? 1 : 0, count: c) }
                var u = [Float](repeating: .nan, count: n * c)
                var y = [Float](repeating: .nan, count: m * c)
                let pointers: [UnsafePointer<Float>?] = unit.map { $0.withUnsafeBufferPointer { $0.baseAddress } }
                withExtendedLifetime(unit) {
                    u.withUnsafeMutableBufferPointer { vidtag_winograd1d_input_at(level, form.code, pointers, $0.baseAddress!, c, c) }
                }
                let flat = unit.flatMap { $0 }  // p_k = 1 at k = column: y = the column of Aᵀ
                y.withUnsafeMutableBufferPointer { y in
                    let lines: [UnsafeMutablePointer<Float>?] = (0..<m).map { y.baseAddress! + $0 * c }
                    flat.withUnsafeBufferPointer { vidtag_winograd1d_output_at(level, form.code, $0.baseAddress!, c, lines, c, 0) }
                }
                #expect((0..<n * c).allSatisfy { Double(u[$0]) == form.inputMatrix[$0 / c][column] },
                        "\(form) level \(level) Bᵀ column \(column)")
                #expect((0..<m * c).allSatisfy { Double(y[$0]) == form.outputMatrix[$0 / c][column] },
                        "\(form) level \(level) Aᵀ column \(column)")
            }
        }
    }

    /// The 1-D transforms on random values: float64 within tolerance, and the same bits on every level.
    @Test(arguments: [Winograd1D.Form.f4x3, .f2x7])
    func lineTransformsMatchFloat64OnEveryLevel(form: Winograd1D.Form) {
        let (m, n, c, stride) = (form.outputs, form.points, Self.channels, 45)
        let d = Self.values(n * c, seed: 4), p = Self.values(n * stride, seed: 5), previous = Self.values(m * c, seed: 6)
        var results: [[Float]] = []
        for level in Self.levels {
            var u = [Float](repeating: .nan, count: n * stride), y = previous
            d.withUnsafeBufferPointer { d in
                let taps: [UnsafePointer<Float>?] = (0..<n).map { d.baseAddress! + $0 * c }
                u.withUnsafeMutableBufferPointer { vidtag_winograd1d_input_at(level, form.code, taps, $0.baseAddress!, stride, c) }
            }
            y.withUnsafeMutableBufferPointer { y in
                let lines: [UnsafeMutablePointer<Float>?] = (0..<m).map { y.baseAddress! + $0 * c }
                p.withUnsafeBufferPointer { vidtag_winograd1d_output_at(level, form.code, $0.baseAddress!, stride, lines, c, 1) }
            }
            var (worst, largest) = (0.0, 0.0)
            for ch in 0..<c {
                for k in 0..<n {
                    let expected = (0..<n).reduce(0.0) { $0 + form.inputMatrix[k][$1] * Double(d[$1 * c + ch]) }
                    (worst, largest) = (max(worst, abs(Double(u[k * stride + ch]) - expected)), max(largest, abs(expected)))
                }
                for s in 0..<m {
                    let expected = (0..<n).reduce(Double(previous[s * c + ch])) { $0 + form.outputMatrix[s][$1] * Double(p[$1 * stride + ch]) }
                    (worst, largest) = (max(worst, abs(Double(y[s * c + ch]) - expected)), max(largest, abs(expected)))
                }
            }
            print("\(form) level \(level): max |error| \(worst) on values up to \(largest) (tolerance \(Self.tolerance) × largest)")
            #expect(worst <= Self.tolerance * largest, "\(form) level \(level)")
            results.append(u + y)
        }
        Self.expectSameBits(results, "\(form)")
    }

    /// One pooled pixel from 9 taps (some channels tied, one tap all −∞): max exactly, the mean
    /// against float64, the same bits on every level.
    @Test func poolingMatchesFloat64OnEveryLevel() {
        let (c, count) = (Self.channels, 9)
        var values = Self.values(count * c, seed: 7)
        for ch in stride(from: 0, to: c, by: 5) { values[4 * c + ch] = values[2 * c + ch] }  // ties
        for ch in 0..<c { values[6 * c + ch] = -.infinity }
        var results: [[Float]] = []
        for level in Self.levels {
            var maximum = [Float](repeating: .nan, count: c), mean = maximum
            values.withUnsafeBufferPointer { v in
                let taps: [UnsafePointer<Float>?] = (0..<count).map { v.baseAddress! + $0 * c }
                vidtag_max_taps_at(level, taps, count, &maximum, c)
                vidtag_mean_taps_at(level, Array(taps[..<6]), 6, &mean, c, 6)  // the finite taps
            }
            var worst = 0.0
            for ch in 0..<c {
                let column = (0..<count).map { values[$0 * c + ch] }
                #expect(maximum[ch] == column.max()!, "level \(level) channel \(ch)")
                let expected = column[..<6].reduce(0.0) { $0 + Double($1) } / 6
                worst = Swift.max(worst, abs(Double(mean[ch]) - expected))
            }
            print("level \(level) mean of 6 taps: max |error| \(worst) (tolerance 1e-6)")
            #expect(worst <= 1e-6)
            results.append(maximum + mean)
        }
        Self.expectSameBits(results, "pooling")
    }

    @Test(arguments: [false, true])
    func outputTransformMatchesFloat64OnEveryLevel(accumulate: Bool) {
        let c = Self.channels, stride = 43
        let m = Self.values(36 * stride, seed: 2)
        let previous = Self.values(16 * c, seed: 3)
        let skipped: Set<Int> = [3, 13, 14, 15]  // pixels past the output's edge: never written
        var results: [[Float]] = []
        for level in Self.levels {
            var out = previous
            out.withUnsafeMutableBufferPointer { out in
                let lines: [UnsafeMutablePointer<Float>?] = (0..<16).map { skipped.contains($0) ? nil : out.baseAddress! + $0 * c }
                m.withUnsafeBufferPointer { m in
                    vidtag_winograd4x3_output_at(Int32(level), m.baseAddress!, stride, lines, c, accumulate ? 1 : 0)
                }
            }
            var worst = 0.0, largest = 0.0
            for pixel in 0..<16 {
                let (a, b) = (pixel / 4, pixel % 4)
                for o in 0..<c {
                    let got = Double(out[pixel * c + o])
                    if skipped.contains(pixel) {
                        #expect(out[pixel * c + o].bitPattern == previous[pixel * c + o].bitPattern)
                        continue
                    }
                    var expected = accumulate ? Double(previous[pixel * c + o]) : 0
                    for k in 0..<6 {
                        for l in 0..<6 { expected += Self.aT[a][k] * Double(m[(6 * k + l) * stride + o]) * Self.aT[b][l] }
                    }
                    worst = max(worst, abs(got - expected))
                    largest = max(largest, abs(expected))
                }
            }
            print("level \(level) output transform (accumulate \(accumulate)): max |error| \(worst) on values up to \(largest)")
            #expect(worst <= Self.tolerance * largest, "level \(level)")
            results.append(out)
        }
        Self.expectSameBits(results, "transform")
    }
}
