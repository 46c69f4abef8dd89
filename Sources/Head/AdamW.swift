import Kernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam with decoupled weight decay (Loshchilov & Hutter 2019), exactly as PyTorch's
/// `torch.optim.AdamW` (https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html), over
/// the flat parameter buffer: one loop, llm.c's `gpt2_update`. With weightDecay 0 it is Adam.
public final class AdamW: @unchecked Sendable {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float
    /// Steps taken so far.
    public private(set) var step = 0
    /// First and second moments, in the parameters' layout.
    public let m: FloatBuffer
    public let v: FloatBuffer

    public init(parameterCount: Int, weightDecay: Float = 0) {
        m = FloatBuffer(count: parameterCount)
        v = FloatBuffer(count: parameterCount)
        self.weightDecay = weightDecay
    }

    /// A parameter group, like PyTorch's: a range of the flat buffer that learns at
    /// `learningRateScale` × the learning rate (its decay scaled alike, as PyTorch's per-group
    /// `lr` scales `lr·wd`) with a weight decay of its own (nil: `weightDecay`).
    public struct Group: Sendable, Equatable {
        public var range: Range<Int>
        public var learningRateScale: Float
        public var weightDecay: Float?

        public init(range: Range<Int>, learningRateScale: Float = 1, weightDecay: Float? = nil) {
            self.range = range
            self.learningRateScale = learningRateScale
            self.weightDecay = weightDecay
        }
    }

    /// Disjoint groups; parameters in none of them learn at the learning rate with `weightDecay`.
    public var groups: [Group] = []

    /// θ ← θ·(1 − lr·wd);  m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g'²;
    /// θ ← θ − (lr/(1−β1ᵗ)) · m / (√v/√(1−β2ᵗ) + ε)
    /// g' is `secondMomentGradients` when given, else g (PyTorch's AdamW). A weighted loss
    /// passes its unweighted gradient as g': the step of a parameter that only down-weighted
    /// items train then shrinks with their weight instead of being normalised back to full size.
    public func update(parameters: FloatBuffer, gradients: FloatBuffer, secondMomentGradients: FloatBuffer? = nil,
                       learningRate lr: Float) {
        precondition(parameters.count == m.count && gradients.count == m.count
                     && (secondMomentGradients?.count ?? m.count) == m.count, "AdamW: layout mismatch")
        step += 1
        let squared = secondMomentGradients ?? gradients
        var start = 0
        for group in groups.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            precondition(group.range.lowerBound >= start && group.range.upperBound <= m.count,
                         "AdamW: groups must be disjoint and inside the \(m.count) parameters")
            update(start..<group.range.lowerBound, parameters, gradients, squared, learningRate: lr, weightDecay: weightDecay)
            update(group.range, parameters, gradients, squared, learningRate: lr * group.learningRateScale,
                   weightDecay: group.weightDecay ?? weightDecay)
            start = group.range.upperBound
        }
        update(start..<m.count, parameters, gradients, squared, learningRate: lr, weightDecay: weightDecay)
    }

    /// The update of `range` at the current step.
    private func update(_ range: Range<Int>, _ parameters: FloatBuffer, _ gradients: FloatBuffer, _ squared: FloatBuffer,
                        learningRate lr: Float, weightDecay: Float) {
        guard !range.isEmpty else { return }
        let t = Float(step)
        let correction1 = 1 - powf(beta1, t)
        let stepSize = lr / correction1
        let correction2Root = (1 - powf(beta2, t)).squareRoot()
        let decay = 1 - lr * weightDecay
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let p = parameters.pointer + range.lowerBound, g = gradients.pointer + range.lowerBound
        let g2 = squared.pointer + range.lowerBound
        let mm = m.pointer + range.lowerBound, vv = v.pointer + range.lowerBound
        // elementwise, so splitting over threads changes nothing in the result
        Threading.parallelFor(range.count, minChunk: 1 << 16) { range in
            for i in range {
                let grad = g[i]
                let mi = b1 * mm[i] + (1 - b1) * grad
                let vi = b2 * vv[i] + (1 - b2) * g2[i] * g2[i]
                mm[i] = mi
                vv[i] = vi
                p[i] = p[i] * decay - stepSize * mi / (vi.squareRoot() / correction2Root + eps)
            }
        }
    }

    /// Scales `gradients` so their global L2 norm is at most `maxNorm`, as
    /// `torch.nn.utils.clip_grad_norm_` (factor min(1, maxNorm/(norm + 1e-6))), and `alongside`
    /// by the same factor; returns the norm before clipping. maxNorm ≤ 0 only measures.
    @discardableResult
    public static func clip(_ gradients: FloatBuffer, maxNorm: Float, alongside: FloatBuffer? = nil) -> Float {
        let g = gradients.pointer, count = gradients.count
        var squares: Double = 0
        for i in 0..<count { squares += Double(g[i]) * Double(g[i]) }
        let norm = Float(squares.squareRoot())
        if maxNorm > 0 {
            let factor = min(1, maxNorm / (norm + 1e-6))
            if factor < 1 {
                for buffer in [gradients, alongside].compactMap({ $0 }) {
                    let x = buffer.pointer
                    Threading.parallelFor(buffer.count, minChunk: 1 << 16) { range in
                        for i in range { x[i] *= factor }
                    }
                }
            }
        }
        return norm
    }
}

/// Linear warm-up, then cosine decay to a floor (llm.c's `get_learning_rate`):
/// lr(s) = peak·(s+1)/W for s < W, else peak·(f + (1−f)·½(1 + cos(π·min(1, (s−W)/(S−W))))).
public struct LearningRateSchedule: Sendable, Codable, Equatable {
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var minFraction: Float

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, minFraction: Float = 0.1) {
        (self.peak, self.warmupSteps, self.totalSteps, self.minFraction) = (peak, warmupSteps, totalSteps, minFraction)
    }

    public func callAsFunction(_ step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let progress = min(1, max(0, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))))
        let cosine = 0.5 * (1 + cos(Double.pi * progress))
        return Float(Double(peak) * (Double(minFraction) + (1 - Double(minFraction)) * cosine))
    }
}
