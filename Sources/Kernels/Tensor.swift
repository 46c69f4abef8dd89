/// A dense float32 tensor in row-major order.
///
/// Images and feature maps are NHWC (`[N, H, W, C]`), so that a 1×1 convolution is a plain
/// GEMM over `[N·H·W, C]`. Sequences are `[T, D]` or `[B, T, D]`.
public struct Tensor: Sendable, Equatable {
    /// The extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements, last axis fastest; `data.count == shape.product`.
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            shape.reduce(1, *) == data.count,
            "Tensor: shape \(shape) holds \(shape.reduce(1, *)) elements, data has \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor whose values are unspecified, for kernels that write every element.
    public init(uninitialized shape: [Int]) {
        let count = shape.reduce(1, *)
        // An empty tensor gets a plain empty array (see DType.decodeFloats).
        self.init(shape: shape, data: count == 0 ? [] : [Float](unsafeUninitializedCapacity: count) { _, initialized in
            initialized = count
        })
    }

    /// The number of elements.
    public var count: Int { data.count }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }
}
