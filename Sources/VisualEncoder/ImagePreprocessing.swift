import Kernels

/// Turns 8-bit RGB pictures into the encoder's input: x/127.5 − 1 (timm's mean 0.5, std 0.5
/// on [0, 1]), NHWC.
public enum ImagePreprocessing {
    /// `pictures`: N pictures of `[height, width, 3]` bytes → `[N, height, width, 3]`.
    public static func normalise(_ pictures: [[UInt8]], width: Int, height: Int) -> Tensor {
        let size = width * height * 3
        precondition(pictures.allSatisfy { $0.count == size }, "ImagePreprocessing: every picture must be \(width)×\(height) RGB")
        var data = [Float](repeating: 0, count: pictures.count * size)
        data.withUnsafeMutableBufferPointer { out in
            for (n, picture) in pictures.enumerated() {
                let base = out.baseAddress! + n * size
                for i in 0..<size { base[i] = Float(picture[i]) / 127.5 - 1 }
            }
        }
        return Tensor(shape: [pictures.count, height, width, 3], data: data)
    }
}
