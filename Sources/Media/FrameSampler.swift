import CFFmpeg

/// Frames taken from a video at planned instants, and how they were found.
public struct VideoSample: Sendable {
    public var frames: [SampledFrame]
    /// Seconds, from the container or, when it states none or a wrong one, from a scan.
    public var duration: Double
    /// True when the duration came from scanning the packets.
    public var durationScanned: Bool
    /// Clockwise display rotation applied to the frames.
    public var rotation: Int
    /// The stream ended well before its stated duration, or the demuxer stopped on damage.
    public var truncated: Bool
}

/// Takes frames from a file's main video stream (see SamplingPlan and SamplingMode).
public enum FrameSampler {
    public static func sample(
        _ file: MediaFile, plan: SamplingPlan, mode: SamplingMode, width: Int = 299, height: Int = 299
    ) throws(MediaError) -> VideoSample {
        guard let info = file.videoStream else {
            throw MediaError(.probe, .noVideoStream, "the file has no video stream", path: file.path)
        }
        try checkSize(info, file)
        let scaler = FrameScaler(width: width, height: height)
        var (duration, scanned) = (file.containerDuration ?? 0, false)
        if duration <= 0 {
            duration = try DurationScan.duration(of: file, streamIndex: info.index)
            scanned = true
        }
        var cutShort = false
        var run = try SamplerRun(file: file, stream: info.index, scaler: scaler, rotation: info.rotation ?? 0)
        var frames = try run.frames(at: plan.timestamps(duration: duration), mode: mode)
        if run.endedBeforeTarget && !scanned {
            // The stream may be shorter than stated: measure it, and sample again if it is.
            let measured = try DurationScan.duration(of: file, streamIndex: info.index)
            if measured > 0 && measured < duration * 0.98 {
                (duration, scanned, cutShort) = (measured, true, true)
                run = try SamplerRun(file: file, stream: info.index, scaler: scaler, rotation: info.rotation ?? 0)
                frames = try run.frames(at: plan.timestamps(duration: duration), mode: mode)
            }
        }
        return VideoSample(frames: frames, duration: duration, durationScanned: scanned,
                           rotation: info.rotation ?? 0, truncated: cutShort || run.decoder.truncated)
    }

    static func checkSize(_ info: StreamInfo, _ file: MediaFile) throws(MediaError) {
        try file.limits.checkPicture(width: info.width ?? 0, height: info.height ?? 0, path: file.path)
    }
}

/// One pass over a video stream, taking frames at ascending instants.
private struct SamplerRun {
    /// A converted frame; `seekPoint` is the keyframe target it answered in keyframe mode.
    typealias Picture = (time: Int64, image: RGBImage, seekPoint: Int64?)

    let decoder: StreamDecoder
    let scaler: FrameScaler
    let rotation: Int
    let stream: UnsafeMutablePointer<AVStream>
    /// pts of the stream's start, in its time base.
    let start: Int64
    /// False for streams without timestamps (raw elementary streams): they are read forward only.
    let seekable: Bool
    /// The presentation time of the latest decoded frame, or nil before any (or after a seek).
    private var current: Int64?
    /// The latest frame handed out.
    private var lastPicture: Picture?
    /// The latest frame decoded before a target, kept (by reference, unconverted) in case the
    /// stream ends before the target.
    private let held = HeldFrame()
    /// The stream ended before a planned instant was reached.
    private(set) var endedBeforeTarget = false

    init(file: MediaFile, stream index: Int, scaler: FrameScaler, rotation: Int) throws(MediaError) {
        // One decoding thread: frame threads decode ahead past the frame wanted, and every
        // seek throws that work away (measured: 0.5 core-seconds more per 60 s 720p video at 16
        // exact frames, for no gain in a batch, where other stages use the other cores).
        decoder = try StreamDecoder(file: file, streamIndex: index, threads: 1)
        self.scaler = scaler
        self.rotation = rotation
        stream = file.stream(index)
        let streamStart = stream.pointee.start_time
        start = streamStart == vidtag_av_nopts_value() ? 0 : streamStart
        seekable = streamStart != vidtag_av_nopts_value()
    }

    mutating func frames(at times: [Double], mode: SamplingMode) throws(MediaError) -> [SampledFrame] {
        var frames: [SampledFrame] = []
        for time in times {
            let target = start + Int64((time / av_q2d(stream.pointee.time_base)).rounded(.up))
            guard let picture = mode == .exact ? try exactFrame(at: target) : try keyframe(near: target) else { break }
            frames.append(SampledFrame(requested: time, time: seconds(picture.time), image: picture.image))
        }
        if frames.isEmpty {
            throw MediaError(.decode, .noFrames, "no frame could be decoded", path: decoder.file.path)
        }
        return frames
    }

    private func seconds(_ pts: Int64) -> Double { Double(pts - start) * av_q2d(stream.pointee.time_base) }

    private func convert(_ frame: UnsafeMutablePointer<AVFrame>, _ pts: Int64, _ seekPoint: Int64? = nil)
        throws(MediaError) -> Picture
    {
        (pts, try scaler.convert(frame, rotation: rotation, path: decoder.file.path), seekPoint)
    }

    /// The first frame at or after `target`, or the last frame when the stream ends before it.
    private mutating func exactFrame(at target: Int64) throws(MediaError) -> Picture? {
        if let last = lastPicture, last.time >= target { return last }
        // Frames shown before the target that no other frame references need not be decoded.
        decoder.discard = { pts in
            pts != vidtag_av_nopts_value() && pts < target ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
        }
        var first: UnsafeMutablePointer<AVFrame>?
        if seekable && shouldSeek(to: target), let seeked = try seek(before: target) {
            guard let frame = seeked else {
                endedBeforeTarget = true
                return lastPicture
            }
            first = frame
        }
        while true {
            let next: UnsafeMutablePointer<AVFrame>?
            if let pending = first { (next, first) = (pending, nil) } else { next = try decoder.next() }
            guard let frame = next else { break }
            let pts = presentationTime(frame)
            current = pts
            if pts >= target {
                held.clear()
                lastPicture = try convert(frame, pts)
                return lastPicture
            }
            held.hold(frame, pts: pts)
        }
        endedBeforeTarget = true
        if let frame = held.frame {
            lastPicture = try convert(frame, held.pts)
            held.clear()
        }
        return lastPicture
    }

    /// Seeks so that decoding starts at a keyframe at or before `target`, and decodes the first
    /// frame there. Where the demuxer only lands near a time (MPEG-TS, MPEG-PS: the decoder then
    /// skips to the next keyframe) that keyframe may lie past the target: the seek is tried
    /// again 1, 2, 4… seconds earlier, down to the stream's start. Returns nil when the demuxer
    /// cannot seek (the position is unchanged), else the first frame (nil: the stream ended).
    private mutating func seek(before target: Int64) throws(MediaError) -> UnsafeMutablePointer<AVFrame>?? {
        let second = max(1, Int64((1 / av_q2d(stream.pointee.time_base)).rounded()))
        var back: Int64 = 0
        while true {
            let point = target - back
            if point <= start { return .some(try restart()) }
            guard decoder.seek(toKeyframeBefore: point) else { return back == 0 ? nil : .some(try restart()) }
            current = nil
            held.clear()
            if let frame = try decoder.next(), presentationTime(frame) <= target { return .some(frame) }
            back = back == 0 ? second : back * 2
        }
    }

    /// Back to the file's start, everything decoded from there: the first frame, or nil.
    private mutating func restart() throws(MediaError) -> UnsafeMutablePointer<AVFrame>? {
        decoder.seekToStart()
        current = nil
        held.clear()
        return try decoder.next()
    }

    /// Whether a seek skips work: the keyframe before the target lies after the current
    /// position (judged from the index when the demuxer has one, else by distance).
    private func shouldSeek(to target: Int64) -> Bool {
        guard let current else { return true }
        if target <= current { return false }
        if let entry = avformat_index_get_entry_from_timestamp(stream, target, AVSEEK_FLAG_BACKWARD) {
            return entry.pointee.timestamp > current
        }
        return Double(target - current) * av_q2d(stream.pointee.time_base) > 2
    }

    /// The keyframe nearest `target` (by the index; without one, the keyframe before it),
    /// decoding nothing else.
    private mutating func keyframe(near target: Int64) throws(MediaError) -> Picture? {
        if seekable && decoder.file.findsTimesBySearch { return try keyframe(before: target) }
        var seekPoint = target
        let before = avformat_index_get_entry_from_timestamp(stream, target, AVSEEK_FLAG_BACKWARD)
        let after = avformat_index_get_entry_from_timestamp(stream, target, 0)
        switch (before?.pointee.timestamp, after?.pointee.timestamp) {
        case let (b?, a?): seekPoint = target - b <= a - target ? b : a
        case let (b?, nil): seekPoint = b
        case let (nil, a?): seekPoint = a
        default: break
        }
        if let last = lastPicture, last.seekPoint == seekPoint { return last }
        decoder.discard = { _ in AVDISCARD_NONKEY }
        if seekable { _ = decoder.seek(toKeyframeBefore: seekPoint) }
        guard let frame = try decoder.next() else {
            endedBeforeTarget = true
            return lastPicture
        }
        lastPicture = try convert(frame, presentationTime(frame), seekPoint)
        return lastPicture
    }

    /// The last keyframe at or before `target`, for demuxers whose index holds only the
    /// keyframes their searches happened to meet (MPEG-TS, MPEG-PS), where "nearest" by that
    /// index could be seconds away.
    private mutating func keyframe(before target: Int64) throws(MediaError) -> Picture? {
        if let last = lastPicture, last.seekPoint == target { return last }
        decoder.discard = { _ in AVDISCARD_NONKEY }
        guard let seeked = try seek(before: target), let frame = seeked else {
            endedBeforeTarget = true
            return lastPicture
        }
        lastPicture = try convert(frame, presentationTime(frame), target)
        return lastPicture
    }

    /// The frame's presentation time; for streams without timestamps (raw elementary
    /// streams), one frame duration after the previous frame.
    private func presentationTime(_ frame: UnsafeMutablePointer<AVFrame>) -> Int64 {
        let pts = frame.pointee.best_effort_timestamp
        if pts != vidtag_av_nopts_value() { return pts }
        guard let current else { return start }
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        let step = rate.num > 0 ? av_rescale_q(1, AVRational(num: rate.den, den: rate.num), stream.pointee.time_base) : 1
        return current + max(step, 1)
    }
}

/// A reference to a decoded frame, kept without copying its pixels.
private final class HeldFrame {
    private let storage = av_frame_alloc()
    private(set) var pts: Int64 = 0
    private(set) var isHeld = false

    var frame: UnsafeMutablePointer<AVFrame>? { isHeld ? storage : nil }

    func hold(_ frame: UnsafeMutablePointer<AVFrame>, pts: Int64) {
        clear()
        isHeld = av_frame_ref(storage, frame) >= 0
        self.pts = pts
    }

    func clear() {
        if isHeld { av_frame_unref(storage) }
        isHeld = false
    }

    deinit {
        var frame = storage
        av_frame_free(&frame)
    }
}
