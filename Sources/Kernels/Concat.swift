/// Joining NHWC tensors along the channel (last) axis, as Inception blocks join their branches.
public enum Concat {
    /// `parts`: `[..., C_i]` with equal leading axes → `[..., ΣC_i]`, the output taken from
    /// `buffers` when given.
    public static func channels(_ parts: [Tensor], buffers: BufferPool? = nil) -> Tensor {
        precondition(!parts.isEmpty, "Concat.channels: no parts")
        let leading = Array(parts[0].shape.dropLast())
        precondition(parts.allSatisfy { Array($0.shape.dropLast()) == leading },
                     "Concat.channels: leading axes differ: \(parts.map(\.shape))")
        let widths = parts.map { $0.shape.last ?? 0 }
        let total = widths.reduce(0, +)
        let rows = leading.reduce(1, *)
        // Every element is copied from a part: no zero fill.
        var out = buffers?.take(rows * total) ?? Tensor(uninitialized: [rows * total]).data
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
