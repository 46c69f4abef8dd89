/// The element types a safetensors header can name, with their sizes and the conversion of
/// F32, F16 and BF16 to `Float`.
///
/// Names and sizes follow the reference implementation,
/// https://github.com/huggingface/safetensors/blob/main/safetensors/src/tensor.rs (`enum Dtype`).
/// All multi-byte elements are little-endian.
public enum DType: String, CaseIterable, Sendable, CustomStringConvertible {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// The name used in safetensors headers, e.g. `F32`.
    public var description: String { rawValue }

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .f64, .i64, .u64: return 8
        }
    }

    /// Whether elements of this type convert to `Float` (exactly): F32, F16 and BF16.
    public var convertsToFloat: Bool {
        switch self {
        case .f32, .f16, .bf16: return true
        default: return false
        }
    }

    /// Decodes little-endian elements of this type into `Float`s, exactly; `nil` unless
    /// ``convertsToFloat``.
    ///
    /// - Parameter bytes: `n × size` bytes, any alignment (a trailing partial element is ignored).
    /// - Returns: `n` floats.
    func decodeFloats(_ bytes: UnsafeRawBufferPointer) -> [Float]? {
        guard convertsToFloat else { return nil }
        let count = bytes.count / size
        // Not for 0: the standard library then writes the count into the shared empty-array
        // storage, a write that races with every other thread's (ThreadSanitizer reports it).
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch self {
            case .f32:
                #if _endian(little)
                UnsafeMutableRawBufferPointer(out).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: bytes.prefix(count * 4)))
                #else
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(
                        littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                #endif
            case .f16:
                for i in 0..<count {
                    out[i] = floatFromFloat16Bits(UInt16(
                        littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .bf16:
                for i in 0..<count {
                    out[i] = floatFromBFloat16Bits(UInt16(
                        littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            default:
                preconditionFailure("unreachable: \(self) does not convert to Float")
            }
            initialized = count
        }
    }
}

/// The `Float` equal to an IEEE 754 binary16 value given by its bits (sign 1, exponent 5,
/// mantissa 10). Exact for every input: binary32 holds every binary16 value, subnormals
/// included. Infinities keep their sign; NaNs keep sign and payload and come out quiet, as
/// the x86 F16C `vcvtph2ps` instruction and PyTorch's `.float()` give them.
public func floatFromFloat16Bits(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x03FF)
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa × 2⁻²⁴, exact since mantissa < 2¹⁰.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        // Infinity (mantissa 0) or NaN (payload moved to the top of the binary32 mantissa, quiet bit set).
        let quiet: UInt32 = mantissa == 0 ? 0 : 0x0040_0000
        return Float(bitPattern: sign | 0x7F80_0000 | quiet | mantissa << 13)
    default:
        // Normal: rebias the exponent from 15 to 127.
        return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
    }
}

/// The `Float` equal to a bfloat16 value given by its bits: bfloat16 is the upper half of a
/// binary32, so this is exact for every input, NaN payloads included.
func floatFromBFloat16Bits(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}
