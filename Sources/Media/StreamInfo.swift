import CFFmpeg

/// What `vidtag inspect` reports about one stream.
public struct StreamInfo: Codable, Sendable, Equatable {
    public var index: Int
    /// "video", "audio", "subtitle", "data", "attachment" or "unknown".
    public var type: String
    public var codec: String
    public var width: Int?
    public var height: Int?
    public var pixelFormat: String?
    /// Average frames per second, when the container knows it.
    public var frameRate: Double?
    /// Clockwise degrees the picture is turned for display (0, 90, 180, 270).
    public var rotation: Int?
    /// An embedded still (cover art in an audio file), not a moving picture.
    public var attachedPicture: Bool?
    public var sampleRate: Int?
    public var channels: Int?
    /// Seconds, when the container states it.
    public var duration: Double?

    enum CodingKeys: String, CodingKey {
        case index, type, codec, width, height, rotation, channels, duration
        case pixelFormat = "pixel_format", frameRate = "frame_rate", attachedPicture = "attached_picture"
        case sampleRate = "sample_rate"
    }

    init(_ stream: UnsafeMutablePointer<AVStream>) {
        let parameters = stream.pointee.codecpar.pointee
        index = Int(stream.pointee.index)
        codec = avcodec_get_name(parameters.codec_id).map { String(cString: $0) } ?? "unknown"
        if stream.pointee.duration > 0 {
            duration = Double(stream.pointee.duration) * av_q2d(stream.pointee.time_base)
        }
        switch parameters.codec_type {
        case AVMEDIA_TYPE_VIDEO:
            type = "video"
            width = Int(parameters.width)
            height = Int(parameters.height)
            pixelFormat = av_get_pix_fmt_name(AVPixelFormat(parameters.format)).map { String(cString: $0) }
            let rate = stream.pointee.avg_frame_rate
            if rate.num > 0 && rate.den > 0 { frameRate = av_q2d(rate) }
            rotation = Self.rotation(of: stream)
            if stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { attachedPicture = true }
        case AVMEDIA_TYPE_AUDIO:
            type = "audio"
            sampleRate = Int(parameters.sample_rate)
            channels = Int(parameters.ch_layout.nb_channels)
        case AVMEDIA_TYPE_SUBTITLE: type = "subtitle"
        case AVMEDIA_TYPE_DATA: type = "data"
        case AVMEDIA_TYPE_ATTACHMENT: type = "attachment"
        default: type = "unknown"
        }
    }

    /// The clockwise display rotation from the stream's display matrix, as the ffmpeg CLI
    /// reads it (−av_display_rotation_get, rounded to a quarter turn).
    static func rotation(of stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else {
            return 0
        }
        let degrees = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard degrees.isFinite else { return 0 }
        let quarterTurns = Int((-degrees / 90).rounded())
        return ((quarterTurns % 4) + 4) % 4 * 90
    }
}
