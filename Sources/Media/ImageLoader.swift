/// Still pictures (cover images: JPEG, PNG, WebP, BMP, or the first frame of anything FFmpeg
/// decodes), converted with the same resize policy as video frames (FrameScaler).
public enum ImageLoader {
    public static func load(
        _ path: String, width: Int = 299, height: Int = 299, limits: MediaLimits = MediaLimits()
    ) throws(MediaError) -> RGBImage {
        let file = try MediaFile(path: path, limits: limits)
        guard let info = file.videoStream ?? file.attachedPictureStream else {
            throw MediaError(.probe, .noVideoStream, "the file holds no picture", path: path)
        }
        try FrameSampler.checkSize(info, file)
        let decoder = try StreamDecoder(file: file, streamIndex: info.index)
        guard let frame = try decoder.next() else {
            throw MediaError(.decode, .noFrames, "the picture could not be decoded", path: path)
        }
        return try FrameScaler(width: width, height: height).convert(frame, rotation: info.rotation ?? 0, path: path)
    }
}
