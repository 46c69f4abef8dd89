import CFFmpeg

/// Converts decoded pictures of any pixel format to RGB at the encoder's input size.
///
/// Resize policy, the same for video frames and cover images: the whole picture, turned
/// upright by its display rotation, is stretched to `width × height` (no crop, aspect ratio not
/// kept, as the YouTube-8M feature extractor does) with bicubic filtering, accurate rounding
/// and full chroma interpolation. Matches `-vf scale=W:H:flags=bicubic+accurate_rnd+full_chroma_int`
/// after the ffmpeg CLI's autorotation.
final class FrameScaler {
    let width: Int
    let height: Int
    private var context: OpaquePointer?

    static let flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT

    init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "FrameScaler: size \(width)×\(height)")
        (self.width, self.height) = (width, height)
    }

    deinit { sws_freeContext(context) }

    /// `frame` converted, rotated clockwise by `rotation` degrees, at `width × height`.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, rotation: Int, path: String) throws(MediaError) -> RGBImage {
        // A quarter turn swaps the axes: scale to the transposed size, then turn.
        let sideways = rotation == 90 || rotation == 270
        let (scaledWidth, scaledHeight) = sideways ? (height, width) : (width, height)
        let source = frame.pointee
        context = sws_getCachedContext(
            context, source.width, source.height, AVPixelFormat(source.format),
            Int32(scaledWidth), Int32(scaledHeight), AV_PIX_FMT_RGB24, Self.flags, nil, nil, nil)
        guard let context else {
            let name = av_get_pix_fmt_name(AVPixelFormat(source.format)).map { String(cString: $0) } ?? "unknown"
            // Retrying cannot help: the picture has no size, or a pixel format swscale cannot read.
            let code: MediaError.Code = source.width > 0 && source.height > 0 ? .unsupportedCodec : .corrupt
            throw MediaError(.scale, code, "cannot convert \(source.width)×\(source.height) \(name) to RGB",
                             path: path)
        }
        applyColorDetails(of: source, to: context)
        var pixels = [UInt8](repeating: 0, count: scaledWidth * scaledHeight * 3)
        let status = pixels.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var planes: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(scaledWidth * 3), 0, 0, 0]
            return withUnsafePointer(to: source.data) { dataTuple in
                withUnsafePointer(to: source.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { data in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { linesize in
                            sws_scale(context, data, linesize, 0, source.height, &planes, &strides)
                        }
                    }
                }
            }
        }
        guard status > 0 else {
            throw MediaError(.scale, .ffmpeg, "sws_scale failed: \(MediaError.text(status))", path: path)
        }
        return RGBImage(width: scaledWidth, height: scaledHeight, pixels: pixels).rotated(clockwise: rotation)
    }

    /// Uses the frame's own range (limited/full) and, when it states one, its YUV matrix.
    private func applyColorDetails(of frame: AVFrame, to context: OpaquePointer) {
        var inverseTable: UnsafeMutablePointer<Int32>? = nil
        var sourceRange: Int32 = 0
        var table: UnsafeMutablePointer<Int32>? = nil
        var destinationRange: Int32 = 0
        var brightness: Int32 = 0, contrast: Int32 = 0, saturation: Int32 = 0
        guard sws_getColorspaceDetails(context, &inverseTable, &sourceRange, &table, &destinationRange,
                                       &brightness, &contrast, &saturation) >= 0 else { return }
        if frame.color_range == AVCOL_RANGE_JPEG { sourceRange = 1 }
        var coefficients = inverseTable.map { UnsafePointer($0) }
        if frame.colorspace != AVCOL_SPC_UNSPECIFIED && frame.colorspace != AVCOL_SPC_RGB {
            coefficients = sws_getCoefficients(Int32(frame.colorspace.rawValue))
        }
        let destination = table.map { UnsafePointer($0) }
        sws_setColorspaceDetails(context, coefficients, sourceRange, destination, destinationRange,
                                 brightness, contrast, saturation)
    }
}
