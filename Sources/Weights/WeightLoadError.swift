/// Why a model's weights could not be loaded: the one vocabulary of every model's loading (the
/// encoders and the head). Each case names the source (a file path, or a description), the
/// tensor, and what was expected and found.
public enum WeightLoadError: Error, Equatable, CustomStringConvertible {
    /// The model needs a tensor the source does not have.
    case missing(source: String, tensor: String, shape: [Int])
    /// The tensor exists with another shape.
    case wrongShape(source: String, tensor: String, expected: [Int], found: [Int])
    /// The source has tensors the model does not use (a sign of another architecture).
    case unused(source: String, tensors: [String])
    /// The source could not be read (the underlying error's text).
    case unreadable(source: String, reason: String)
    /// The file is not a readable weight file of a known format.
    case file(WeightFileError)

    /// How many unused names a message lists before "and N more".
    public static let unusedListed = 8

    public var description: String {
        switch self {
        case let .missing(source, tensor, shape):
            return "\(source): missing tensor '\(tensor)' (expected shape \(shape))"
        case let .wrongShape(source, tensor, expected, found):
            return "\(source): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .unused(source, tensors):
            let shown = tensors.prefix(Self.unusedListed).map { "'\($0)'" }.joined(separator: ", ")
            let more = tensors.count > Self.unusedListed ? " and \(tensors.count - Self.unusedListed) more" : ""
            return "\(source): \(tensors.count) tensor(s) not used by the model: \(shown)\(more)"
        case let .unreadable(source, reason):
            return "\(source): \(reason)"
        case let .file(error):
            return error.description
        }
    }
}
