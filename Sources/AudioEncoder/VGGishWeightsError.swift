import Kernels
import Weights

/// Everything that can go wrong loading VGGish weights or PCA parameters.
///
/// Each case names the file and, where there is one, the tensor, with what was expected and
/// what was found, e.g. `vggish.pth: tensor 'embeddings.0.weight' has shape [4096, 12288]
/// in the architecture but [4096, 1536] in the file`.
public enum VGGishWeightsError: Error, Equatable, CustomStringConvertible {
    /// A tensor the network needs is not in the file.
    case missingTensor(file: String, name: String, expectedShape: [Int])
    /// A tensor has another shape than the architecture needs.
    case wrongShape(file: String, name: String, expected: [Int], found: [Int])
    /// The file holds a tensor that nothing uses (a different model, or a typo in a name).
    case unusedTensor(file: String, name: String, shape: [Int])
    /// The file is neither safetensors nor a PyTorch checkpoint.
    case unknownFormat(file: String, reason: String)
    /// The safetensors reader failed.
    case safetensors(SafetensorsError)
    /// The PyTorch checkpoint reader failed.
    case checkpoint(CheckpointError)

    public var description: String {
        switch self {
        case let .missingTensor(file, name, shape):
            return "\(file): no tensor '\(name)' (expected shape \(shape))"
        case let .wrongShape(file, name, expected, found):
            return "\(file): tensor '\(name)' has shape \(expected) in the architecture but \(found) in the file"
        case let .unusedTensor(file, name, shape):
            return "\(file): tensor '\(name)' \(shape) is not part of VGGish"
        case let .unknownFormat(file, reason):
            return "\(file): not a safetensors file or a PyTorch checkpoint: \(reason)"
        case let .safetensors(error):
            return error.description
        case let .checkpoint(error):
            return error.description
        }
    }

    /// The same failure of the weight-file reader, in VGGish's vocabulary.
    init(_ error: WeightFileError) {
        switch error {
        case let .unknownFormat(file, reason): self = .unknownFormat(file: file, reason: reason)
        case let .safetensors(error): self = .safetensors(error)
        case let .checkpoint(error): self = .checkpoint(error)
        }
    }
}

extension WeightFile {
    /// ``read(_:)`` with VGGish's errors.
    static func tensors(_ path: String) throws(VGGishWeightsError) -> [(name: String, tensor: Tensor)] {
        do { return try read(path) } catch { throw VGGishWeightsError(error) }
    }
}
