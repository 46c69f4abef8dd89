import Testing
@testable import Weights

/// The element types and the exact F16/BF16 → F32 conversions.
@Suite struct DTypeTests {
    @Test func namesAndSizes() {
        let sizes = Dictionary(uniqueKeysWithValues: DType.allCases.map { ($0.rawValue, $0.size) })
        #expect(sizes == [
            "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
            "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8,
        ])
        #expect(DType.allCases.filter(\.convertsToFloat) == [.f16, .bf16, .f32])
        #expect("\(DType.bf16)" == "BF16")
    }

    @Test(arguments: [
        (UInt16(0x0000), Float(0)), (0x8000, -0.0), (0x3C00, 1), (0xC000, -2),
        (0x0001, 0x1p-24), (0x8001, -0x1p-24), (0x03FF, 1023 * 0x1p-24), (0x0200, 0x1p-15),  // subnormals
        (0x0400, 0x1p-14), (0x7BFF, 65504), (0xFBFF, -65504), (0x3555, 0x1.554p-2),
        (0x7C00, .infinity), (0xFC00, -.infinity),
    ])
    func float16Values(bits: UInt16, expected: Float) {
        #expect(floatFromFloat16Bits(bits).bitPattern == expected.bitPattern)
    }

    @Test func float16NaNsKeepSignAndPayloadAndComeOutQuiet() {
        for bits: UInt16 in [0x7E00, 0xFE00, 0x7C01, 0x7D55, 0xFFFF] {
            let value = floatFromFloat16Bits(bits)
            #expect(value.isNaN && !value.isSignalingNaN)
            #expect((value.sign == .minus) == (bits & 0x8000 != 0))
            #expect((value.bitPattern >> 13) & 0x1FF == UInt32(bits & 0x1FF), "payload of \(bits)")
        }
    }

    #if !(os(macOS) && arch(x86_64))
    /// Every one of the 65536 patterns against Swift's own `Float16` conversion.
    @Test func float16AllPatternsMatchSwiftFloat16() {
        var mismatches: [UInt16] = []
        for bits in UInt16.min...UInt16.max {
            let ours = floatFromFloat16Bits(bits)
            let reference = Float(Float16(bitPattern: bits))
            let same = reference.isNaN
                ? ours.isNaN && ours.sign == reference.sign
                : ours.bitPattern == reference.bitPattern
            if !same { mismatches.append(bits) }
        }
        print("F16 → F32: 65536 bit patterns checked against Float(Float16), \(mismatches.count) mismatches")
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
    #endif

    @Test func bfloat16IsTheUpperHalf() {
        #expect(floatFromBFloat16Bits(0x3F80) == 1)
        #expect(floatFromBFloat16Bits(0xC049).bitPattern == 0xC049_0000)
        #expect(floatFromBFloat16Bits(0x0001) == 0x1p-133)
        #expect(floatFromBFloat16Bits(0x7F80) == .infinity)
        #expect(floatFromBFloat16Bits(0xFF80) == -.infinity)
        #expect(floatFromBFloat16Bits(0x7FC1).bitPattern == 0x7FC1_0000)
        #expect(floatFromBFloat16Bits(0x8000).bitPattern == 0x8000_0000)
    }

    @Test func decodingReadsLittleEndianAtAnyAlignment() {
        // One leading byte so that every element is misaligned.
        let bytes: [UInt8] = [0xAA, 0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00]
        bytes.withUnsafeBytes { raw in
            let f16 = UnsafeRawBufferPointer(rebasing: raw[1...])
            #expect(DType.f16.decodeFloats(f16)?.map(\.bitPattern) == [Float(1), -2, 0x1p-24].map(\.bitPattern))
            #expect(DType.bf16.decodeFloats(UnsafeRawBufferPointer(rebasing: raw[1..<5])) == [0x1p-7, -2])
            #expect(DType.f32.decodeFloats(UnsafeRawBufferPointer(rebasing: raw[1..<5]))?.first?.bitPattern == 0xC000_3C00)
            #expect(DType.i32.decodeFloats(f16) == nil)
        }
    }
}
