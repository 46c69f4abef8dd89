/// The width and height a still picture's header states, read from its first bytes before any
/// decoding: FFmpeg decodes a whole picture while probing its streams, so a small file claiming
/// 16000×16000 pixels (a "bomb") would cost gigabytes before the size limit could be checked.
/// PNG, JPEG, GIF, BMP and WebP; nil for anything else or a header too short to tell.
enum PictureHeader {
    static func size(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        func be16(_ i: Int) -> Int { i + 1 < bytes.count ? Int(bytes[i]) << 8 | Int(bytes[i + 1]) : 0 }
        func le16(_ i: Int) -> Int { i + 1 < bytes.count ? Int(bytes[i]) | Int(bytes[i + 1]) << 8 : 0 }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        func le24(_ i: Int) -> Int { i + 2 < bytes.count ? le16(i) | Int(bytes[i + 2]) << 16 : 0 }
        func le32signed(_ i: Int) -> Int { Int(Int32(truncatingIfNeeded: le16(i) | le16(i + 2) << 16)) }
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && bytes.count >= 24 {  // PNG: IHDR first
            return (be32(16), be32(20))
        }
        if starts(Array("GIF8".utf8)) && bytes.count >= 10 { return (le16(6), le16(8)) }
        if starts(Array("BM".utf8)) && bytes.count >= 26 { return (abs(le32signed(18)), abs(le32signed(22))) }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) && bytes.count >= 30 {
            if starts(Array("VP8X".utf8), at: 12) { return (le24(24) + 1, le24(27) + 1) }
            if starts(Array("VP8L".utf8), at: 12) {
                let bits = le16(21) | le16(23) << 16
                return ((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1)
            }
            if starts(Array("VP8 ".utf8), at: 12) { return (le16(26) & 0x3FFF, le16(28) & 0x3FFF) }
            return nil
        }
        if starts([0xFF, 0xD8]) {  // JPEG: the first start-of-frame marker
            var i = 2
            while i + 9 < bytes.count, bytes[i] == 0xFF {
                let marker = bytes[i + 1]
                if marker == 0xFF { i += 1; continue }
                let isFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
                if isFrame { return (be16(i + 7), be16(i + 5)) }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) { i += 2; continue }
                i += 2 + be16(i + 2)
            }
        }
        return nil
    }
}
