import Foundation
import Head
import Kernels
import Weights

/// The features of one item, as stored in a feature file: float32 tensors
/// `visual.frames` [T, 1536], `cover` [1536], `audio.frames` [A, 128], `text.title` [D],
/// `text.summary` [D], `product.items` [P, D] — each present only when its modality is — and
/// string metadata (id, sources, frame timestamps, encoder hashes…).
public struct FeatureSet: Sendable {
    public static let tensorNames = ["visual.frames", "cover", "audio.frames", "text.title", "text.summary",
                                     "product.items"]

    public var id: String
    public var tensors: [String: Tensor] = [:]
    /// Modality → SHA-256 of the encoder weights the tensors came from (metadata "encoders").
    public var encoders: [String: String] = [:]
    /// Modality → why it is absent (metadata "missing"), e.g. "audio": "no_audio_stream".
    public var missing: [String: String] = [:]
    /// The other metadata (sources, frame timestamps…).
    public var metadata: [String: String] = [:]

    public init(id: String) { self.id = id }

    /// Writes `<directory>/<id>.safetensors` atomically; returns its path.
    @discardableResult
    public func write(to directory: String) throws -> String {
        let path = URL(fileURLWithPath: directory, isDirectory: true)
            .appendingPathComponent(FeatureSet.fileName(for: id)).path
        let ordered = Self.tensorNames.compactMap { name in tensors[name].map { (name: name, tensor: $0) } }
        var stored = metadata
        stored["id"] = id
        stored["encoders"] = JSONText.encode(encoders)
        if !missing.isEmpty { stored["missing"] = JSONText.encode(missing) }
        try SafetensorsWriter.write(ordered, metadata: stored, to: path)
        return path
    }

    /// Reads a feature file back.
    public static func read(path: String) throws -> FeatureSet {
        let file = try SafetensorsFile(path: path)
        var set = FeatureSet(id: file.metadata["id"] ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        for name in file.names where tensorNames.contains(name) { set.tensors[name] = try file.tensor(name) }
        set.metadata = file.metadata
        set.encoders = try FeatureDirectory.stringMap(set.metadata.removeValue(forKey: "encoders"), key: "encoders", path: path)
        set.missing = try FeatureDirectory.stringMap(set.metadata.removeValue(forKey: "missing"), key: "missing", path: path)
        return set
    }

    /// The ids of the feature files in `directory` (each file is written whole or not at all).
    public static func ids(in directory: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(names.filter { $0.hasSuffix(".safetensors") }.compactMap { name in
            (try? SafetensorsFile(path: URL(fileURLWithPath: directory).appendingPathComponent(name).path))?.metadata["id"]
        })
    }

    /// A file name for an id: path separators and control characters replaced.
    static func fileName(for id: String) -> String {
        let safe = id.map { $0 == "/" || $0 == "\\" || $0.isNewline || $0 == "\0" ? "_" : $0 }
        return String(safe.prefix(200)) + ".safetensors"
    }
}
