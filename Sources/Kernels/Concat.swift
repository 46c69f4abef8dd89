/// Joining NHWC tensors along the channel (last) axis, as Inception blocks join their branches.
public enum Concat {
    /// `parts`: `[..., C_i]` with equal leading axes → `[..., ΣC_i]`.
    public static func channels(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "Concat.channels: no parts")
        let leading = Array(parts[0].shape.dropLast())
        precondition(parts.allSatisfy { Array($0.shape.dropLast()) == leading },
                     "Concat.channels: leading axes differ: \(parts.map(\.shape))")
        let widths = parts.map { $0.shape.last ?? 0 }
        let total = widths.reduce(0, +)
        let rows = leading.reduce(1, *)
        var out = [Float](repeating: 0, count: rows * total)
        out.withUnsafeMutableBufferPointer { destination in
            var offset = 0
            for (part, width) in zip(parts, widths) {
                part.data.withUnsafeBufferPointer { source in
                    let (from, to) = (source.baseAddress!, destination.baseAddress! + offset)
                    Threading.parallelFor(rows, minChunk: 256) { range in
                        for row in range { (to + row * total).update(from: from + row * width, count: width) }
                    }
                }
                offset += width
            }
        }
        return Tensor(shape: leading + [total], data: out)
    }
}
