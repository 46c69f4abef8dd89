/// Polyak averaging (Polyak & Juditsky 1992), as an exponential moving average of the
/// parameters taken after every optimiser step:
///   a ← d_t·a + (1 − d_t)·θ,   d_t = min(d, (1 + t)/(10 + t)),
/// t being the number of updates so far (1 at the first), so that the first steps, still near
/// the random initialisation, are soon forgotten (TensorFlow's `ExponentialMovingAverage` with
/// `num_updates`). The average moves less from minibatch to minibatch than the parameters do,
/// so the head saved from it depends less on which minibatches came last.
public final class ParameterAverage: @unchecked Sendable {
    public let decay: Float
    /// The average, in the parameters' layout.
    public let values: FloatBuffer
    /// Updates so far.
    public private(set) var count = 0

    /// Starts the average at `parameters`.
    public init(_ parameters: FloatBuffer, decay: Float) {
        precondition((0..<1).contains(decay), "ParameterAverage: decay \(decay) is not in [0, 1)")
        self.decay = decay
        values = FloatBuffer(parameters.array())
    }

    /// Folds `parameters` (same layout) into the average.
    public func update(_ parameters: FloatBuffer) {
        precondition(parameters.count == values.count, "ParameterAverage: layout mismatch")
        count += 1
        let t = Float(count)
        let d = min(decay, (1 + t) / (10 + t))
        let a = values.pointer, p = parameters.pointer
        for i in 0..<values.count { a[i] = d * a[i] + (1 - d) * p[i] }
    }
}
