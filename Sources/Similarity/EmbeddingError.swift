import Foundation

/// A problem with embeddings: where (`path:line`, `path`, `row r`, or the unknown id), what
/// kind, and what was expected and found.
public struct EmbeddingError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The file cannot be opened or read.
        case unreadable
        /// Not a JSON object with a string "id" and a list of numbers "embedding".
        case malformed
        /// The row's width differs from the first row's.
        case width
        /// NaN, ±Infinity, or a number beyond float32's range.
        case nonFinite
        /// An all-zero embedding, which has no direction.
        case zeroVector
        /// An id seen on an earlier line.
        case duplicateID
        /// A query id not in the index.
        case unknownID
        /// More near-duplicate pairs than the caller allowed.
        case tooManyPairs
    }

    public let kind: Kind
    public let location: String
    public let message: String

    public init(_ kind: Kind, _ location: String, _ message: String) {
        (self.kind, self.location, self.message) = (kind, location, message)
    }

    public var description: String { "\(location): \(message)" }
}
