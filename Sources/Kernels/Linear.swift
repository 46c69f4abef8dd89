/// A fully connected layer with PyTorch's weight layout: y = x·Wᵀ + b.
public struct Linear: Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    /// `[out, in]`, as `nn.Linear` stores it (GEMM reads it transposed, no repacking).
    public let weight: [Float]
    /// `[out]`, or nil.
    public let bias: [Float]?

    public init(weight: [Float], bias: [Float]?, inFeatures: Int, outFeatures: Int) {
        precondition(weight.count == inFeatures * outFeatures,
                     "Linear: weight has \(weight.count) values, expected \(outFeatures)×\(inFeatures)")
        precondition(bias == nil || bias!.count == outFeatures, "Linear: bias must have \(outFeatures) values")
        (self.weight, self.bias, self.inFeatures, self.outFeatures) = (weight, bias, inFeatures, outFeatures)
    }

    /// `x`: `[..., in]` → `[..., out]`, with `activation` fused.
    public func callAsFunction(_ x: Tensor, activation: Activation = .identity) -> Tensor {
        precondition(x.shape.last == inFeatures, "Linear: expected last axis \(inFeatures), got shape \(x.shape)")
        let rows = x.count / max(inFeatures, 1)
        var out = [Float](repeating: 0, count: rows * outFeatures)
        x.data.withUnsafeBufferPointer { input in
            weight.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { y in
                    GEMM.multiply(m: rows, n: outFeatures, k: inFeatures, a: input.baseAddress!, lda: inFeatures,
                                  b: w.baseAddress!, ldb: inFeatures, transB: true,
                                  c: y.baseAddress!, ldc: outFeatures)
                    if let bias {
                        bias.withUnsafeBufferPointer { b in
                            addBiasAndActivate(y.baseAddress!, rows: rows, columns: outFeatures,
                                               bias: b.baseAddress, activation: activation)
                        }
                    } else {
                        addBiasAndActivate(y.baseAddress!, rows: rows, columns: outFeatures,
                                           bias: nil, activation: activation)
                    }
                }
            }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [outFeatures], data: out)
    }
}
