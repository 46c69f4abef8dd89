/// A WebP picture cut down to what a still picture needs before FFmpeg's decoder sees it.
///
/// FFmpeg 5.1's WebP decoder (Debian 12) aborts the whole process (`Assertion frame->buf[0]
/// failed`) when chunks follow the image chunk, as in a file with bytes appended after the
/// picture. So each WebP packet is rebuilt as the RIFF header, the optional `VP8X` and `ALPH`
/// chunks, and the first image chunk (`VP8 ` or `VP8L`); everything after the image chunk, and
/// the metadata chunks (ICCP, EXIF, XMP) before it, are dropped. A packet whose chunks do not fit
/// in it gives nil, and is skipped as damaged.
enum WebPPacket {
    /// The rebuilt picture, never longer than `bytes`; nil when `bytes` holds no well-formed
    /// image chunk.
    static func stillPicture(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        func tag(_ offset: Int) -> String { String(decoding: bytes[offset..<offset + 4], as: UTF8.self) }
        func le32(_ offset: Int) -> Int {
            (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        guard bytes.count >= 12, tag(0) == "RIFF", tag(8) == "WEBP" else { return nil }
        let end = min(bytes.count, 8 + le32(4))
        var kept: [UInt8] = []
        var offset = 12
        while offset + 8 <= end {
            let name = tag(offset), size = le32(offset + 4)
            let padded = size + size & 1
            // The last chunk may lack its padding byte.
            guard offset + 8 + size <= end else { return nil }
            let chunk = bytes[offset..<min(end, offset + 8 + padded)]
            switch name {
            case "VP8X", "ALPH":
                kept += chunk
            case "VP8 ", "VP8L":
                kept += chunk
                if chunk.count < 8 + padded { kept.append(0) }
                let length = 4 + kept.count
                return Array("RIFF".utf8) + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
                    + Array("WEBP".utf8) + kept
            default:
                break
            }
            offset += 8 + padded
        }
        return nil
    }
}
