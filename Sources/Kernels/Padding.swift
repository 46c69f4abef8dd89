/// How a convolution or pooling window treats the border.
public enum Padding: Sendable, Equatable {
    /// No padding: windows lie wholly inside the input.
    case valid
    /// TensorFlow's "SAME": output extent ceil(input / stride); any odd padding goes to the
    /// bottom/right, as in TF-slim (the layout timm's Inception-ResNet-v2 port reproduces).
    case same
    /// Explicit zero padding on each side.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// Symmetric padding of `rows` above and below and `columns` left and right.
    public static func symmetric(_ rows: Int, _ columns: Int) -> Padding {
        .explicit(top: rows, bottom: rows, left: columns, right: columns)
    }

    /// The padding before and after one axis, and the output extent along it.
    func resolve(input: Int, kernel: Int, stride: Int, axis: Axis) -> (before: Int, output: Int) {
        switch self {
        case .valid:
            return (0, input >= kernel ? (input - kernel) / stride + 1 : 0)
        case .same:
            let output = (input + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - input, 0)
            return (total / 2, output)
        case let .explicit(top, bottom, left, right):
            let (before, after) = axis == .rows ? (top, bottom) : (left, right)
            let padded = input + before + after
            return (before, padded >= kernel ? (padded - kernel) / stride + 1 : 0)
        }
    }

    enum Axis { case rows, columns }
}

/// The placement of a sliding window over an NHWC input: sizes, strides and padding resolved.
struct WindowGeometry {
    let batch, inHeight, inWidth, channels: Int
    let kernelH, kernelW, strideH, strideW: Int
    let padTop, padLeft: Int
    let outHeight, outWidth: Int

    init(input shape: [Int], kernel: (Int, Int), stride: (Int, Int), padding: Padding) {
        precondition(shape.count == 4, "expected an NHWC input, got shape \(shape)")
        precondition(kernel.0 > 0 && kernel.1 > 0 && stride.0 > 0 && stride.1 > 0,
                     "kernel \(kernel) and stride \(stride) must be positive")
        (batch, inHeight, inWidth, channels) = (shape[0], shape[1], shape[2], shape[3])
        (kernelH, kernelW, strideH, strideW) = (kernel.0, kernel.1, stride.0, stride.1)
        (padTop, outHeight) = padding.resolve(input: inHeight, kernel: kernelH, stride: strideH, axis: .rows)
        (padLeft, outWidth) = padding.resolve(input: inWidth, kernel: kernelW, stride: strideW, axis: .columns)
    }

    var outputPixels: Int { batch * outHeight * outWidth }
}
