import CFFmpeg

/// The best audio stream of a file, decoded, down-mixed to mono and resampled to 16 kHz
/// float32 by swresample, handed out in chunks so that a long file never sits in memory.
public final class AudioReader {
    public static let sampleRate = 16_000

    public let file: MediaFile
    public let stream: StreamInfo
    private let decoder: StreamDecoder
    private var resampler: OpaquePointer?
    /// The input format the resampler was set up for (format, rate, channel count).
    private var configuredFor: (Int32, Int32, Int32)?

    public init(file: MediaFile) throws(MediaError) {
        guard let stream = file.audioStream else {
            throw MediaError(.probe, .noAudioStream, "the file has no audio stream", path: file.path)
        }
        self.file = file
        self.stream = stream
        decoder = try StreamDecoder(file: file, streamIndex: stream.index)
    }

    deinit { swr_free(&resampler) }

    /// True when the demuxer stopped early on damaged data.
    public var truncated: Bool { decoder.truncated }

    /// Calls `body` with successive chunks of mono 16 kHz samples, `chunkSize` each but the last.
    /// Returns the number of samples delivered.
    @discardableResult
    public func read(chunkSize: Int = 16_000, _ body: ([Float]) throws -> Void) throws -> Int {
        precondition(chunkSize > 0, "AudioReader: chunk size must be positive")
        var pending: [Float] = []
        pending.reserveCapacity(chunkSize * 2)
        var delivered = 0
        func emitFull() throws {
            var start = 0
            while pending.count - start >= chunkSize {
                try body(Array(pending[start..<start + chunkSize]))
                start += chunkSize
                delivered += chunkSize
            }
            pending.removeFirst(start)
        }
        while let frame = try decoder.next() {
            try configure(for: frame)
            try convert(frame, into: &pending)
            try emitFull()
        }
        if resampler != nil { try convert(nil, into: &pending) }  // the resampler's tail
        try emitFull()
        if !pending.isEmpty {
            try body(pending)
            delivered += pending.count
        }
        return delivered
    }

    /// The whole track at once (for short files and tests).
    public func readAll() throws -> [Float] {
        var all: [Float] = []
        try read { all.append(contentsOf: $0) }
        return all
    }

    /// Sets up (or, when the input format changes mid-stream, resets) the resampler.
    private func configure(for frame: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        let key = (frame.pointee.format, frame.pointee.sample_rate, frame.pointee.ch_layout.nb_channels)
        if let configuredFor, configuredFor == key { return }
        if resampler != nil { swr_free(&resampler) }
        var input = AVChannelLayout()
        if frame.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || av_channel_layout_check(&frame.pointee.ch_layout) == 0 {
            av_channel_layout_default(&input, max(1, frame.pointee.ch_layout.nb_channels))
        } else {
            av_channel_layout_copy(&input, &frame.pointee.ch_layout)
        }
        defer { av_channel_layout_uninit(&input) }
        var mono = AVChannelLayout()
        av_channel_layout_default(&mono, 1)
        var status = swr_alloc_set_opts2(&resampler, &mono, AV_SAMPLE_FMT_FLT, Int32(Self.sampleRate),
                                         &input, AVSampleFormat(frame.pointee.format), frame.pointee.sample_rate, 0, nil)
        if status >= 0 { status = swr_init(resampler) }
        guard status >= 0 else {
            throw MediaError.ffmpeg(.resample, status, "cannot resample \(key.2) channels at \(key.1) Hz to mono 16 kHz",
                                    path: file.path)
        }
        configuredFor = key
    }

    /// Appends the resampled samples of `frame` (or, with nil, what the resampler still holds).
    private func convert(_ frame: UnsafeMutablePointer<AVFrame>?, into output: inout [Float]) throws(MediaError) {
        let inputCount = frame.map { Int32($0.pointee.nb_samples) } ?? 0
        let capacity = Int(swr_get_out_samples(resampler, inputCount)) + 32
        guard capacity > 0 else { return }
        let before = output.count
        output.append(contentsOf: repeatElement(0, count: capacity))
        let produced = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var destination: UnsafeMutablePointer<UInt8>? = UnsafeMutableRawPointer(buffer.baseAddress! + before)
                .assumingMemoryBound(to: UInt8.self)
            if let frame {
                let source = UnsafeMutableRawPointer(frame.pointee.extended_data!)
                    .assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
                return swr_convert(resampler, &destination, Int32(capacity), source, inputCount)
            }
            return swr_convert(resampler, &destination, Int32(capacity), nil, 0)
        }
        guard produced >= 0 else {
            output.removeLast(capacity)
            throw MediaError.ffmpeg(.resample, produced, "resampling failed", path: file.path)
        }
        output.removeLast(capacity - Int(produced))
    }
}
