import CFFmpeg

/// Measures a stream's duration by reading its packets (demuxing only, no decoding), for
/// files whose container states no duration or a wrong one.
enum DurationScan {
    /// Seconds from the stream's first to its last presentation time plus that packet's
    /// duration. Reads from the start and leaves the file positioned there.
    static func duration(of file: MediaFile, streamIndex: Int) throws(MediaError) -> Double {
        guard let packet = av_packet_alloc() else {
            throw MediaError(.demux, .ffmpeg, "cannot allocate a packet", path: file.path)
        }
        defer {
            var pointer: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&pointer)
        }
        let stream = file.stream(streamIndex)
        file.rewind(streamIndex: streamIndex)
        var first: Int64? = nil
        var end: Int64? = nil
        var packets = 0
        while av_read_frame(file.context, packet) >= 0 {
            defer { av_packet_unref(packet) }
            try file.checkDeadline(.demux)
            guard Int(packet.pointee.stream_index) == streamIndex else { continue }
            packets += 1
            let pts = packet.pointee.pts != vidtag_av_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            guard pts != vidtag_av_nopts_value() else { continue }
            first = min(first ?? pts, pts)
            end = max(end ?? pts, pts + max(packet.pointee.duration, 0))
        }
        try file.checkDeadline(.demux)
        file.rewind(streamIndex: streamIndex)
        if let first, let end, end > first {
            return Double(end - first) * av_q2d(stream.pointee.time_base)
        }
        // No timestamps at all: count packets at the stated frame rate.
        let rate = stream.pointee.avg_frame_rate.num > 0 ? av_q2d(stream.pointee.avg_frame_rate)
            : av_q2d(stream.pointee.r_frame_rate)
        return rate > 0 ? Double(packets) / rate : 0
    }
}
