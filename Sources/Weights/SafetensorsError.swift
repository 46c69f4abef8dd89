/// Everything that can go wrong reading or writing a safetensors file.
///
/// Every case names the file (the path as given by the caller) and, where there is one, the
/// tensor; the ``description`` says what was expected and what was found, e.g.
/// `weights.safetensors: tensor 'conv.weight' has shape [64, 3, 3, 3] × F32 = 6912 bytes but
/// data_offsets span 6000 bytes`.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// The path cannot be opened or mapped (missing, a directory, no permission, …);
    /// `reason` is the system's text for the error.
    case unreadable(file: String, reason: String)
    /// The file is shorter than the 8-byte header-length prefix.
    case tooShort(file: String, size: Int)
    /// The header-length prefix exceeds the limit (100 MB, as in the reference implementation).
    case headerTooLarge(file: String, length: UInt64, limit: Int)
    /// The header-length prefix points past the end of the file.
    case headerPastEnd(file: String, length: UInt64, available: Int)
    /// The header is not valid UTF-8, not valid JSON, or not a JSON object.
    case malformedHeader(file: String, reason: String)
    /// A tensor's entry lacks a field or has a field of the wrong form.
    case malformedEntry(file: String, tensor: String, reason: String)
    /// A tensor's `dtype` is not one of ``DType``.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// A tensor's shape × element size differs from the span of its `data_offsets`.
    case sizeMismatch(file: String, tensor: String, shape: [Int], dtype: DType, expected: Int, found: Int)
    /// A tensor's `data_offsets` reach past the end of the data section.
    case outOfBounds(file: String, tensor: String, offsets: [Int], dataLength: Int)
    /// Two tensors share bytes of the data section.
    case overlapping(file: String, tensor: String, offsets: [Int], other: String, otherOffsets: [Int])
    /// `__metadata__` is not an object of string → string.
    case malformedMetadata(file: String, reason: String)
    /// A tensor name occurs twice (in a header read, or in the tensors given to the writer).
    case duplicateTensor(file: String, name: String)
    /// No tensor has this name.
    case tensorNotFound(file: String, name: String)
    /// The tensor's dtype does not convert to `Float` (only F32, F16 and BF16 do).
    case notFloat(file: String, tensor: String, dtype: DType)
    /// Writing failed; `reason` is the system's text for the error or what was wrong.
    case writeFailed(file: String, reason: String)
    /// A tensor's bytes do not start where the previous tensor's end (a gap in the data).
    case notContiguous(file: String, tensor: String, begin: Int, expected: Int)
    /// The tensors end before the data section does.
    case trailingBytes(file: String, used: Int, dataLength: Int)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .tooShort(file, size):
            return "\(file): file is \(size) bytes; a safetensors file starts with an 8-byte header length"
        case let .headerTooLarge(file, length, limit):
            return "\(file): header length prefix says \(length) bytes; at most \(limit) are allowed"
        case let .headerPastEnd(file, length, available):
            return "\(file): header length prefix says \(length) bytes but only \(available) bytes follow it"
        case let .malformedHeader(file, reason):
            return "\(file): invalid header: \(reason)"
        case let .malformedEntry(file, tensor, reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case let .unknownDType(file, tensor, dtype):
            let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(file): tensor '\(tensor)' has unknown dtype '\(dtype)'; expected one of \(known)"
        case let .sizeMismatch(file, tensor, shape, dtype, expected, found):
            return "\(file): tensor '\(tensor)' has shape \(shape) × \(dtype) = \(expected) bytes "
                + "but data_offsets span \(found) bytes"
        case let .outOfBounds(file, tensor, offsets, dataLength):
            return "\(file): tensor '\(tensor)' has data_offsets \(offsets) outside the data section "
                + "of \(dataLength) bytes"
        case let .overlapping(file, tensor, offsets, other, otherOffsets):
            return "\(file): tensor '\(tensor)' data_offsets \(offsets) overlap "
                + "tensor '\(other)' data_offsets \(otherOffsets)"
        case let .notContiguous(file, tensor, begin, expected):
            return "\(file): tensor '\(tensor)' data starts at \(begin), expected \(expected): a gap between tensors"
        case let .trailingBytes(file, used, dataLength):
            return "\(file): the tensors use \(used) of the \(dataLength) data bytes; the rest is not accounted for"
        case let .malformedMetadata(file, reason):
            return "\(file): invalid __metadata__: \(reason)"
        case let .duplicateTensor(file, name):
            return "\(file): tensor name '\(name)' occurs more than once"
        case let .tensorNotFound(file, name):
            return "\(file): no tensor named '\(name)'"
        case let .notFloat(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' is \(dtype); only F32, F16 and BF16 convert to Float"
        case let .writeFailed(file, reason):
            return "\(file): cannot write: \(reason)"
        }
    }
}
