/// What `vidtag inspect` prints for one file: its container, streams and the instants that
/// frame sampling would use.
public struct MediaInspection: Codable, Sendable {
    public var path: String
    public var format: String
    /// Seconds; from the container, or from a scan when it states none.
    public var duration: Double?
    public var durationScanned: Bool
    public var streams: [StreamInfo]
    /// The planned sampling instants (seconds) for the main video stream; empty without one.
    public var sampledTimestamps: [Double]

    enum CodingKeys: String, CodingKey {
        case path, format, duration, streams
        case durationScanned = "duration_scanned", sampledTimestamps = "sampled_timestamps"
    }

    public init(path: String, plan: SamplingPlan, limits: MediaLimits = MediaLimits()) throws(MediaError) {
        let file = try MediaFile(path: path, limits: limits)
        self.path = path
        format = file.formatName
        streams = file.streams
        duration = file.containerDuration
        durationScanned = false
        sampledTimestamps = []
        if let video = file.videoStream, !file.isStillImage {
            if duration == nil {
                duration = try DurationScan.duration(of: file, streamIndex: video.index)
                durationScanned = true
            }
            // Whole microseconds: what the sampler can tell apart, and readable.
            sampledTimestamps = plan.timestamps(duration: duration ?? 0).map { ($0 * 1e6).rounded() / 1e6 }
        }
    }
}
