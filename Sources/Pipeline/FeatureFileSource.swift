import Batch
import Foundation
import Head
import Weights

/// The items of `classify --features DIR`: one record per feature file, in sorted order, with
/// the id stored in the file (an unreadable file becomes an input error, and the run goes on).
public struct FeatureFileSource: Sequence, IteratorProtocol, @unchecked Sendable {
    private var paths: [String]
    private var index = 0

    /// - Throws: ``FeatureLoadError`` when `directory` cannot be listed.
    public init(directory: String) throws {
        paths = try FeatureDirectory.files(in: directory)
    }

    public var count: Int { paths.count }

    public mutating func next() -> InputSource.Element? {
        guard index < paths.count else { return nil }
        let path = paths[index]
        index += 1
        do {
            let file = try SafetensorsFile(path: path)
            let id = file.metadata["id"] ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            var record = InputRecord(id: id)
            record.features = path
            return .success(record)
        } catch {
            return .failure(InputError(location: path, message: "not a readable feature file: \(error)"))
        }
    }
}
