/// Decoding every frame of the main video stream: the cost a whole-video decode has, which
/// frame sampling is measured against.
@_spi(Tools) public enum FullDecode {
    /// Decodes every frame of the main video stream, converting none; returns the frame count.
    public static func countFrames(_ file: MediaFile) throws(MediaError) -> Int {
        guard let info = file.videoStream else {
            throw MediaError(.probe, .noVideoStream, "the file has no video stream", path: file.path)
        }
        let decoder = try StreamDecoder(file: file, streamIndex: info.index)
        var count = 0
        while try decoder.next() != nil { count += 1 }
        return count
    }
}
