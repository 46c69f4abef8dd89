/// Why a weight file of either format (``WeightFile``) could not be read.
public enum WeightFileError: Error, Equatable, CustomStringConvertible {
    /// The file is neither safetensors nor a PyTorch checkpoint.
    case unknownFormat(file: String, reason: String)
    /// The safetensors reader failed.
    case safetensors(SafetensorsError)
    /// The PyTorch checkpoint reader failed.
    case checkpoint(CheckpointError)

    public var description: String {
        switch self {
        case let .unknownFormat(file, reason): return "\(file): not a safetensors file or a PyTorch checkpoint: \(reason)"
        case let .safetensors(error): return error.description
        case let .checkpoint(error): return error.description
        }
    }
}
