import CFFmpeg

/// Decodes one stream of a MediaFile: reads its packets, feeds the codec, hands out frames.
///
/// Damaged packets are skipped (and counted) rather than ending the stream, and a read error
/// ends the stream as the end of the file would (`truncated` records it), so a cut-short
/// upload still gives what it holds.
final class StreamDecoder {
    let file: MediaFile
    let streamIndex: Int
    let codec: UnsafeMutablePointer<AVCodecContext>
    private let packet: UnsafeMutablePointer<AVPacket>
    /// The frame last returned by `next()`; valid until the next call.
    let frame: UnsafeMutablePointer<AVFrame>
    /// Chooses, before each packet is sent, what the codec may skip (given the packet's pts).
    var discard: ((Int64) -> AVDiscard)?
    /// The demuxer stopped with an error before the end of the file.
    private(set) var truncated = false
    /// Packets the codec rejected as invalid.
    private(set) var damagedPackets = 0
    /// Set by a seek: packets of the stream are dropped until a keyframe, since demuxers that
    /// seek by timestamp without an index (MPEG-TS, MPEG-PS) land between keyframes, where a
    /// decoder can show nothing until the next one.
    var skipsToKeyframe = false
    private var draining = false

    /// `threads`: the codec's threads (0: FFmpeg picks, bounded by the cores).
    init(file: MediaFile, streamIndex: Int, threads: Int32 = 0) throws(MediaError) {
        self.file = file
        self.streamIndex = streamIndex
        let parameters = file.stream(streamIndex).pointee.codecpar!
        let name = avcodec_get_name(parameters.pointee.codec_id).map { String(cString: $0) } ?? "unknown"
        guard let decoder = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError(.decode, .unsupportedCodec, "no decoder for codec '\(name)'", path: file.path)
        }
        guard let codec = avcodec_alloc_context3(decoder), let packet = av_packet_alloc(),
              let frame = av_frame_alloc() else {
            throw MediaError(.decode, .ffmpeg, "cannot allocate a decoder", path: file.path)
        }
        (self.codec, self.packet, self.frame) = (codec, packet, frame)
        var status = avcodec_parameters_to_context(codec, parameters)
        if status >= 0 {
            codec.pointee.pkt_timebase = file.stream(streamIndex).pointee.time_base
            codec.pointee.thread_count = threads
            status = avcodec_open2(codec, decoder, nil)
        }
        guard status >= 0 else {
            throw MediaError.ffmpeg(.decode, status, "cannot open the '\(name)' decoder", path: file.path,
                                    deadline: file.deadline)
        }
    }

    deinit {
        var codec: UnsafeMutablePointer<AVCodecContext>? = self.codec
        avcodec_free_context(&codec)
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
        var frame: UnsafeMutablePointer<AVFrame>? = self.frame
        av_frame_free(&frame)
    }

    /// The next decoded frame, or nil at the end of the stream.
    func next() throws(MediaError) -> UnsafeMutablePointer<AVFrame>? {
        while true {
            try file.checkDeadline(.decode)
            av_frame_unref(frame)
            let received = avcodec_receive_frame(codec, frame)
            if received == 0 { return frame }
            if received == vidtag_averror_eof() { return nil }
            if received != vidtag_averror_eagain() {
                if received == vidtag_averror_invaliddata() {
                    damagedPackets += 1
                    continue
                }
                throw MediaError.ffmpeg(.decode, received, "decoding failed", path: file.path, deadline: file.deadline)
            }
            if draining {
                // The codec wants input after the flush: nothing more will come.
                return nil
            }
            try feed()
        }
    }

    /// Sends the next packet of this stream to the codec, or the flush signal at the end.
    private func feed() throws(MediaError) {
        while true {
            let read = av_read_frame(file.context, packet)
            if read < 0 {
                try file.checkDeadline(.demux)
                if read != vidtag_averror_eof() { truncated = true }
                draining = true
                avcodec_send_packet(codec, nil)
                return
            }
            defer { av_packet_unref(packet) }
            guard Int(packet.pointee.stream_index) == streamIndex else { continue }
            if skipsToKeyframe {
                guard packet.pointee.flags & AV_PKT_FLAG_KEY != 0 else { continue }
                skipsToKeyframe = false
            }
            if codec.pointee.codec_id == AV_CODEC_ID_WEBP && !keepOnlyThePicture() {
                damagedPackets += 1
                continue
            }
            if let discard { codec.pointee.skip_frame = discard(packet.pointee.pts) }
            let sent = avcodec_send_packet(codec, packet)
            if sent >= 0 { return }
            if sent == vidtag_averror_invaliddata() {
                damagedPackets += 1
                continue
            }
            throw MediaError.ffmpeg(.decode, sent, "the decoder refused a packet", path: file.path,
                                    deadline: file.deadline)
        }
    }

    /// Rewrites the WebP packet in hand to its still picture (see WebPPacket); false when it has none.
    private func keepOnlyThePicture() -> Bool {
        guard let data = packet.pointee.data, packet.pointee.size > 0,
              let picture = WebPPacket.stillPicture(UnsafeRawBufferPointer(start: data, count: Int(packet.pointee.size))),
              av_packet_make_writable(packet) >= 0, let writable = packet.pointee.data
        else { return false }
        picture.withUnsafeBytes { writable.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: picture.count) }
        av_shrink_packet(packet, Int32(picture.count))
        return true
    }

    /// Moves back to the very start of the file and resets the codec; every packet is decoded
    /// from there. Containers that find times by searching (MPEG-TS, MPEG-PS) go by byte, as
    /// their timestamp seek may land past the first keyframe; the others by timestamp, as their
    /// demuxers keep state that a raw byte seek would not reset.
    func seekToStart() {
        let byByte = file.findsTimesBySearch && file.context.pointee.iformat.pointee.flags & AVFMT_NO_BYTE_SEEK == 0
        if !byByte || av_seek_frame(file.context, -1, 0, AVSEEK_FLAG_BYTE) < 0 { file.rewind(streamIndex: streamIndex) }
        avcodec_flush_buffers(codec)
        draining = false
        skipsToKeyframe = false
    }

    /// Moves to the last keyframe at or before `pts` (in the stream's time base; by an index
    /// when the demuxer has one, else near it: see `skipsToKeyframe`) and resets the codec.
    /// Returns false when the demuxer cannot seek; the position is then unchanged.
    func seek(toKeyframeBefore pts: Int64) -> Bool {
        guard av_seek_frame(file.context, Int32(streamIndex), pts, AVSEEK_FLAG_BACKWARD) >= 0 else { return false }
        avcodec_flush_buffers(codec)
        draining = false
        skipsToKeyframe = true
        return true
    }
}
