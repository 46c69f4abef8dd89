import Weights

/// Why a trained head could not be loaded: its head.json, the weights' hash, or the weights.
public enum HeadCheckpointError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case hashMismatch(path: String, expected: String, found: String)
    /// The weight file's tensors are not the config's layout, or the file is unreadable.
    case weights(WeightLoadError)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        case let .malformed(path, reason): return "\(path): \(reason)"
        case let .hashMismatch(path, expected, found):
            return "\(path): SHA-256 \(found) does not match head.json's \(expected)"
        case let .weights(error): return error.description
        }
    }
}
