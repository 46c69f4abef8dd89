/// One tensor of a safetensors file, as the header describes it (validated: the shape's
/// element count × the dtype's size equals the byte count, and the range lies in the data section).
public struct SafetensorsEntry: Sendable, Equatable {
    /// The tensor's name, e.g. `encoder.layer.3.attention.self.query.weight`.
    public let name: String
    /// The element type.
    public let dtype: DType
    /// The extent of each axis, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// The tensor's bytes as a range of the data section (which starts after the header).
    public let dataOffsets: Range<Int>

    /// The number of elements: the product of `shape` (1 for a scalar, 0 if an extent is 0).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The number of bytes: `elementCount × dtype.size`.
    public var byteCount: Int { dataOffsets.count }
}
