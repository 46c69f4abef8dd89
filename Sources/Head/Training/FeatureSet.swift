import Foundation
import Kernels
import Weights

/// The features of one item, as stored in a feature file: float32 tensors
/// `visual.frames` [T, 1536], `cover` [1536], `audio.frames` [A, 128], `text.title` [D],
/// `text.summary` [D], `product.items` [P, D] — each present only when its modality is — and
/// string metadata (id, sources, frame timestamps, encoder hashes, the texts…).
public struct FeatureSet: Sendable {
    public static let tensorNames = ModalitySpec.catalogue.map(\.tensor)

    public var id: String
    public var tensors: [String: Tensor] = [:]
    /// Modality → SHA-256 of the encoder weights the tensors came from (metadata "encoders").
    public var encoders: [String: String] = [:]
    /// Modality → why it is absent (metadata "missing"), e.g. "audio": "no_audio_stream".
    public var missing: [String: String] = [:]
    /// The texts the text channel reads (metadata "texts"): field (`title`, `summary`,
    /// `product`) → texts, junk titles and summaries left out.
    public var texts: [String: [String]] = [:]
    /// The other metadata (sources, frame timestamps…).
    public var metadata: [String: String] = [:]

    public init(id: String) { self.id = id }

    /// Writes `<directory>/<id>.safetensors` atomically, in the id's folders (`a/clip` →
    /// `a/clip.safetensors`); returns its path. A file there that holds another id (two ids
    /// that map to one name) is not replaced.
    @discardableResult
    public func write(to directory: String) throws -> String {
        let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(FeatureSet.fileName(for: id))
        let path = url.path
        if let other = (try? SafetensorsFile(path: path))?.metadata["id"], other != id {
            throw FeatureFileCollision(path: path, id: id, other: other)
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let ordered = Self.tensorNames.compactMap { name in tensors[name].map { (name: name, tensor: $0) } }
        var stored = metadata
        stored["id"] = id
        stored["encoders"] = JSONText.encode(encoders)
        if !missing.isEmpty { stored["missing"] = JSONText.encode(missing) }
        if !texts.isEmpty { stored["texts"] = JSONText.encode(texts) }
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
        set.texts = try FeatureDirectory.textLists(set.metadata.removeValue(forKey: "texts"), path: path)
        return set
    }

    /// The ids of the feature files below `directory` (each file is written whole or not at all).
    public static func ids(in directory: String) -> Set<String> {
        Set(((try? FeatureDirectory.files(in: directory)) ?? []).compactMap { (try? SafetensorsFile(path: $0))?.metadata["id"] })
    }

    /// The file name of an id below the output folder: its `/`-separated parts become folders;
    /// parts that would leave the folder or hide (empty, `.`, `..`, a leading dot) and
    /// backslashes, control characters and NUL are replaced by `_`; each part is cut to 200
    /// bytes.
    static func fileName(for id: String) -> String {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            var safe = String(part.map { $0 == "\\" || $0.isNewline || $0 == "\0" || $0.asciiValue.map { $0 < 0x20 } == true ? "_" : $0 })
            if safe.isEmpty || safe.hasPrefix(".") { safe = "_" + safe.dropFirst(safe.hasPrefix(".") ? 1 : 0) }
            while safe.utf8.count > 200 { safe.removeLast() }
            return safe
        }
        return parts.joined(separator: "/") + ".safetensors"
    }
}

/// Two ids that map to the same feature file name.
public struct FeatureFileCollision: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let id: String
    public let other: String
    public var description: String {
        "\(path) already holds the features of '\(other)'; '\(id)' maps to the same file name"
    }
}
