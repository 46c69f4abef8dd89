import Foundation
import Kernels
import Media
import VisualEncoder

/// Computes the feature set of one input file with the loaded encoders.
///
/// - a still image (JPEG, PNG, WebP, BMP) gives `cover` [1536];
/// - a video gives `visual.frames` [T, 1536] with the frame timestamps in the metadata.
public struct FeatureExtractor: Sendable {
    public let encoders: EncoderSet
    public let plan: SamplingPlan
    public let mode: SamplingMode
    public let limits: MediaLimits

    public init(encoders: EncoderSet, plan: SamplingPlan, mode: SamplingMode, limits: MediaLimits = MediaLimits()) {
        (self.encoders, self.plan, self.mode, self.limits) = (encoders, plan, mode, limits)
    }

    var imageSize: Int { encoders.preprocessing.imageSize }

    /// The features of the file at `path`, under `id`.
    public func extract(path: String, id: String) throws -> FeatureSet {
        var features = FeatureSet(id: id)
        features.metadata["sources"] = MetadataJSON.encode(["input": path])
        features.metadata["encoders"] = MetadataJSON.encode(encoders.hashes)
        let file = try MediaFile(path: path, limits: limits)
        if file.isStillImage {
            if let visual = encoders.visual {
                let image = try ImageLoader.load(path, width: imageSize, height: imageSize, limits: limits)
                features.tensors["cover"] = encode(visual, [image]).reshaped([InceptionResNetV2.featureWidth])
            }
        } else if file.videoStream != nil {
            if let visual = encoders.visual {
                let sample = try FrameSampler.sample(file, plan: plan, mode: mode, width: imageSize, height: imageSize)
                features.tensors["visual.frames"] = encode(visual, sample.frames.map(\.image))
                features.metadata["frame_timestamps"] = MetadataJSON.encode(sample.frames.map(\.time))
                features.metadata["sampling"] = mode.rawValue
                if sample.truncated { features.metadata["truncated"] = "true" }
            }
        } else {
            throw MediaError(.probe, .noVideoStream, "the file has no picture for the visual encoder", path: path)
        }
        return features
    }

    /// `images` → `[N, 1536]`, all frames of one item as one batch.
    private func encode(_ model: InceptionResNetV2, _ images: [RGBImage]) -> Tensor {
        model.forward(ImagePreprocessing.normalise(images.map(\.pixels), width: imageSize, height: imageSize))
    }
}
