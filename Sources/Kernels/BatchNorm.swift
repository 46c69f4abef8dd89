/// Inference-time batch normalisation parameters, folded into the preceding convolution
/// (`Conv2D(torchWeight:…, norm:)`).
///
/// y = gamma · (x − mean) / sqrt(var + eps) + beta, so with s = gamma / sqrt(var + eps) the
/// convolution's weights become W·s and its bias (b − mean)·s + beta.
public struct BatchNorm: Sendable {
    public var gamma: [Float]
    public var beta: [Float]
    public var mean: [Float]
    public var variance: [Float]
    public var eps: Float

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], eps: Float) {
        precondition(beta.count == gamma.count && mean.count == gamma.count && variance.count == gamma.count,
                     "BatchNorm: gamma, beta, mean and variance must have the same length")
        (self.gamma, self.beta, self.mean, self.variance, self.eps) = (gamma, beta, mean, variance, eps)
    }

    /// The per-channel scale and shift the normalisation applies.
    public var scaleAndShift: (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: gamma.count)
        var shift = scale
        for c in 0..<gamma.count {
            // In double precision, so folding adds no rounding beyond the final float conversion.
            let s = Double(gamma[c]) / (Double(variance[c]) + Double(eps)).squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        return (scale, shift)
    }
}
