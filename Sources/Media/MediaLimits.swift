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
}
