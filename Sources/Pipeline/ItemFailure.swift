import Batch
import Bundles
import Head
import Media
import Weights

/// The error records of extraction and classification: the stage, code and message of every
/// error an item can meet on its way through decoding, the encoders and the head (the batch's
/// own errors as ``ErrorLine/detail(_:)`` gives them).
public enum ItemFailure {
    public static func detail(_ error: Error) -> ErrorLine.Detail {
        switch error {
        case let media as MediaError:
            return .init(stage: media.stage.rawValue, code: media.code.rawValue, message: media.message)
        case let nothing as NothingToEncode:
            return .init(stage: "probe", code: nothing.code, message: nothing.description)
        case let classify as ClassifyError:
            return .init(stage: "head", code: classify.code, message: classify.description)
        case let input as HeadInputError:
            return .init(stage: "head", code: "feature_shape", message: input.description)
        case let features as FeatureLoadError:
            return .init(stage: "input", code: "bad_feature_file", message: features.description)
        case let weights as SafetensorsError:
            return .init(stage: "input", code: "bad_feature_file", message: weights.description)
        default:
            return ErrorLine.detail(error)
        }
    }
}

extension FeatureExtractor {
    public func detail(of error: Error) -> ErrorLine.Detail { ItemFailure.detail(error) }
}

extension Classifier {
    public func detail(of error: Error) -> ErrorLine.Detail { ItemFailure.detail(error) }
}
