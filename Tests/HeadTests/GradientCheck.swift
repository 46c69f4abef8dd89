import Foundation
@testable import Head

/// Central finite differences in float32, done carefully: the loss is a fixed random linear
/// probe Σ r·y of the layer's outputs (or the head's loss), summed in Double; the step is
/// h·max(1, |θ|); and the error of an entry is |fd − analytic| / max(|fd|, |analytic|, floor)
/// with floor = max(10⁻³·max|analytic| over the tensor, 32·ulp(L)/(2h)), so entries whose
/// gradient is below what a float32 difference quotient can resolve do not count as failures
/// of a precision float32 cannot give. Where the layer has kinks (ReLU, the
/// max(0, ·) of LH), `pattern` returns which side of each kink the activations are on; an
/// entry whose ±h steps change that pattern is skipped (central differences are meaningless
/// across a kink) and counted. 
enum GradientCheck {
    struct Result {
        var name: String
        var maxError: Float
        var checked: Int
        /// Entries skipped because the step crossed a kink (a ReLU or max(0, ·) changed side).
        var skipped: Int = 0
    }

    /// Checks `analytic` (the gradient of `loss` w.r.t. the `count` floats at `values`) at up
    /// to `samples` entries (all when fewer; else a fixed stride through the tensor).
    static func check(
        _ name: String, values: UnsafeMutablePointer<Float>, count: Int, analytic: [Float],
        h: Float = 1e-2, samples: Int = 64, pattern: (() -> [Bool])? = nil, loss: () -> Double
    ) -> Result {
        let resolution = 32 * Float(loss()).ulp / (2 * h)
        let base = pattern?()
        var skipped = 0
        precondition(analytic.count == count, "\(name): analytic gradient has \(analytic.count) entries, expected \(count)")
        let scale = analytic.map(abs).max() ?? 0
        let floor = max(scale * 1e-3, resolution, 1e-7)
        let stride = max(1, count / samples)
        var worst: Float = 0
        var checked = 0
        for i in Swift.stride(from: 0, to: count, by: stride) {
            let original = values[i]
            let step = h * max(1, abs(original))
            values[i] = original + step
            let plus = loss()
            let plusPattern = pattern?()
            values[i] = original - step
            let minus = loss()
            let minusPattern = pattern?()
            values[i] = original
            if let base, plusPattern != base || minusPattern != base {
                skipped += 1
                continue
            }
            let numeric = Float((plus - minus) / Double(2 * step))
            let error = abs(numeric - analytic[i]) / max(abs(numeric), abs(analytic[i]), floor)
            if error > 0.01, ProcessInfo.processInfo.environment["GRADCHECK_VERBOSE"] != nil {
                print("  \(name)[\(i)]: numeric \(numeric), analytic \(analytic[i])")
            }
            worst = max(worst, error)
            checked += 1
        }
        _ = loss()
        return Result(name: name, maxError: worst, checked: checked, skipped: skipped)
    }
}

/// Random buffers for the checks. Every buffer it makes is kept alive as long as the
/// TestData object: layer functions take raw pointers, and a FloatBuffer whose last use is
/// reading `.pointer` could otherwise be freed before the layer runs.
final class TestData {
    var random: SeededRandom
    private var kept: [FloatBuffer] = []

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    private func keep(_ buffer: FloatBuffer) -> FloatBuffer {
        kept.append(buffer)
        return buffer
    }

    func normal(_ count: Int, scale: Float = 1) -> FloatBuffer {
        let buffer = keep(FloatBuffer(count: count))
        for i in 0..<count { buffer[i] = Float(random.normal()) * scale }
        return buffer
    }

    func normals(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float(random.normal()) * scale }
    }

    func zeros(_ count: Int) -> FloatBuffer { keep(FloatBuffer(count: count)) }

    func copy(_ values: [Float]) -> FloatBuffer { keep(FloatBuffer(values)) }
}

/// Σ r·y in Double.
func probe(_ y: UnsafePointer<Float>, _ r: [Float]) -> Double {
    var s: Double = 0
    for i in r.indices { s += Double(r[i]) * Double(y[i]) }
    return s
}
