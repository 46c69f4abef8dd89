/// Bounds on what one file may cost. Files beyond them fail with `too_large` or `timeout`.
public struct MediaLimits: Sendable, Equatable {
    /// Wall-clock seconds for all the work on one file (FFmpeg I/O is interrupted, and our
    /// decode loops stop, once it runs out).
    public var secondsPerFile: Double
    /// The largest width or height accepted.
    public var maxDimension: Int
    /// The largest width × height accepted.
    public var maxPixels: Int

    public init(secondsPerFile: Double = 120, maxDimension: Int = 16_384, maxPixels: Int = 8192 * 8192) {
        (self.secondsPerFile, self.maxDimension, self.maxPixels) = (secondsPerFile, maxDimension, maxPixels)
    }

    /// Throws `too_large` for a picture of `width` × `height` beyond the limits; `source` says
    /// where the size was read ("by its header"), for the message.
    func checkPicture(width w: Int, height h: Int, path: String, source: String? = nil) throws(MediaError) {
        guard w > maxDimension || h > maxDimension || w * h > maxPixels else { return }
        throw MediaError(.probe, .tooLarge, "picture \(w)×\(h)\(source.map { " (\($0))" } ?? "") exceeds the limits "
                            + "(\(maxDimension) per side, \(maxPixels) pixels)", path: path)
    }
}
