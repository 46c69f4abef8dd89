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
        for (level, u) in results.enumerated().dropFirst() {
            #expect(u.map(\.bitPattern) == results[0].map(\.bitPattern), "level \(level) against the baseline")
        }
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
        for (level, out) in results.enumerated().dropFirst() {
            #expect(out.map(\.bitPattern) == results[0].map(\.bitPattern), "level \(level) against the baseline")
        }
    }
}
