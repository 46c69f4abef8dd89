import Foundation
import Kernels
import Media
import VisualEncoder

/// Computes the feature set of one input record with the loaded encoders and writes it as a
/// feature file: decoding in `prepare`, encoding and writing in `finish` (see BatchJob).
///
/// - a video gives `visual.frames` [T, 1536] with the frame timestamps in the metadata;
/// - a cover image gives `cover` [1536]; a video without one takes the middle sampled frame's
///   features as its cover and records `cover_from_frame`.
public struct FeatureExtractor: BatchJob {
    public let encoders: EncoderSet
    public let plan: SamplingPlan
    public let mode: SamplingMode
    public let limits: MediaLimits
    /// Where feature files go.
    public let outputDirectory: String

    public init(encoders: EncoderSet, plan: SamplingPlan, mode: SamplingMode, limits: MediaLimits = MediaLimits(),
                outputDirectory: String) {
        (self.encoders, self.plan, self.mode, self.limits, self.outputDirectory) = (encoders, plan, mode, limits, outputDirectory)
    }

    var imageSize: Int { encoders.preprocessing.imageSize }

    /// Decoded pictures of one record.
    public struct Decoded: @unchecked Sendable {
        var video: VideoSample?
        var cover: RGBImage?
    }

    public func prepare(_ record: InputRecord) throws -> Decoded {
        var decoded = Decoded()
        guard encoders.visual != nil else { return decoded }
        if let path = record.video {
            let file = try MediaFile(path: path, limits: limits)
            if file.isStillImage {
                decoded.cover = try ImageLoader.load(path, width: imageSize, height: imageSize, limits: limits)
            } else if file.videoStream != nil {
                decoded.video = try FrameSampler.sample(file, plan: plan, mode: mode, width: imageSize, height: imageSize)
            } else if record.cover == nil {
                throw MediaError(.probe, .noVideoStream, "the file has no picture for the visual encoder", path: path)
            }
        }
        if let cover = record.cover {
            decoded.cover = try ImageLoader.load(cover, width: imageSize, height: imageSize, limits: limits)
        }
        return decoded
    }

    public func finish(_ decoded: Decoded, record: InputRecord) throws -> String {
        let features = try encode(decoded, record: record)
        let path = try features.write(to: outputDirectory)
        return JSONText.encode(ExtractLine(id: record.id, input: record.input, output: path,
                                           tensors: features.tensors.mapValues(\.shape)))
    }

    /// The feature set of one decoded record.
    public func encode(_ decoded: Decoded, record: InputRecord) throws -> FeatureSet {
        var features = FeatureSet(id: record.id)
        var sources: [String: String] = [:]
        sources["video"] = record.video
        sources["cover"] = record.cover
        features.metadata["sources"] = JSONText.encode(sources)
        features.metadata["encoders"] = JSONText.encode(encoders.hashes)
        guard let visual = encoders.visual else { return features }
        if let video = decoded.video {
            let frames = encode(visual, video.frames.map(\.image))
            features.tensors["visual.frames"] = frames
            features.metadata["frame_timestamps"] = JSONText.encode(video.frames.map(\.time))
            features.metadata["sampling"] = mode.rawValue
            if video.truncated { features.metadata["truncated"] = "true" }
            if decoded.cover == nil {
                let middle = frames.shape[0] / 2
                let width = InceptionResNetV2.featureWidth
                features.tensors["cover"] = Tensor(shape: [width], data: Array(frames.data[middle * width..<(middle + 1) * width]))
                features.metadata["cover_from_frame"] = "true"
            }
        }
        if let cover = decoded.cover {
            features.tensors["cover"] = encode(visual, [cover]).reshaped([InceptionResNetV2.featureWidth])
        }
        return features
    }

    /// `images` → `[N, 1536]`, all pictures of one item as one batch.
    private func encode(_ model: InceptionResNetV2, _ images: [RGBImage]) -> Tensor {
        model.forward(ImagePreprocessing.normalise(images.map(\.pixels), width: imageSize, height: imageSize))
    }
}

/// The line `vidtag extract` prints for an extracted input.
struct ExtractLine: Encodable {
    let id: String
    let input: String
    let output: String
    let tensors: [String: [Int]]
}
