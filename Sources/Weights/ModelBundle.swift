import Foundation
import Kernels

/// A model bundle: a directory with `bundle.json` naming each encoder's
/// architecture, weight files and their SHA-256, preprocessing settings, and (once trained)
/// the head and the taxonomy.
///
/// ```json
/// {"format": "vidtag-bundle", "version": 1, "name": "demo",
///  "head": {"path": "head/head.json", "sha256": "…"},
///  "encoders": {
///    "visual": {"architecture": "inception_resnet_v2", "format": "timm-safetensors",
///               "files": {"weights": {"path": "visual.safetensors", "sha256": "…"}},
///               "pretrained": false},
///    …},
///  "preprocessing": {"frames": 16, "sampling": "exact", "image_size": 299, "text_max_length": 256}}
/// ```
public struct ModelBundle: Codable, Sendable, Equatable {
    public static let fileName = "bundle.json"

    public var format: String
    public var version: Int
    public var name: String
    public var encoders: [String: Encoder]
    public var preprocessing: Preprocessing
    /// The trained head's `head.json` (which carries the taxonomy and its weights' hash); nil
    /// for an encoders-only bundle (enough for `vidtag extract`, not for `vidtag classify`).
    public var head: File?
    /// The bundle's folder (not stored in the JSON).
    public var directory: URL = URL(fileURLWithPath: ".")
    /// SHA-256 of `bundle.json` as read: with the name, the bundle's identity in prediction
    /// records (it covers every file's hash).
    public var manifestSHA256 = ""

    public struct Encoder: Codable, Sendable, Equatable {
        /// "inception_resnet_v2", "vggish", "bert".
        public var architecture: String
        /// How the files are laid out, e.g. "timm-safetensors", "torchvggish-pth", "huggingface".
        public var format: String
        /// Role ("weights", "pca", "config", "vocab"…) → file relative to the bundle, with its hash.
        public var files: [String: File]
        /// False for seeded stand-in weights (the demo bundle): results mean nothing.
        public var pretrained: Bool

        public init(architecture: String, format: String, files: [String: File], pretrained: Bool) {
            (self.architecture, self.format, self.files, self.pretrained) = (architecture, format, files, pretrained)
        }
    }

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public init(path: String, sha256: String) { (self.path, self.sha256) = (path, sha256) }
    }

    public struct Preprocessing: Codable, Sendable, Equatable {
        public var frames: Int
        public var sampling: String
        public var imageSize: Int
        public var textMaxLength: Int?

        enum CodingKeys: String, CodingKey {
            case frames, sampling
            case imageSize = "image_size", textMaxLength = "text_max_length"
        }

        public init(frames: Int = 16, sampling: String = "exact", imageSize: Int = 299, textMaxLength: Int? = nil) {
            (self.frames, self.sampling, self.imageSize, self.textMaxLength) = (frames, sampling, imageSize, textMaxLength)
        }
    }

    enum CodingKeys: String, CodingKey { case format, version, name, encoders, preprocessing, head }

    public init(name: String, encoders: [String: Encoder], preprocessing: Preprocessing = Preprocessing(),
                head: File? = nil) {
        (format, version, self.name, self.encoders, self.preprocessing, self.head) =
            ("vidtag-bundle", 1, name, encoders, preprocessing, head)
    }

    /// Reads and checks `DIR/bundle.json` (structure only; `verify()` checks the files).
    public static func load(directory: String) throws -> ModelBundle {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let manifest = folder.appendingPathComponent(fileName)
        let data: Data
        do {
            data = try Data(contentsOf: manifest)
        } catch {
            throw BundleError.unreadable(path: manifest.path, reason: (error as NSError).localizedDescription)
        }
        var bundle: ModelBundle
        do {
            bundle = try JSONDecoder().decode(ModelBundle.self, from: data)
        } catch let error as DecodingError {
            throw BundleError.malformed(path: manifest.path, reason: Self.describe(error))
        }
        guard bundle.format == "vidtag-bundle" else {
            throw BundleError.malformed(path: manifest.path, reason: "format is '\(bundle.format)', expected 'vidtag-bundle'")
        }
        guard bundle.version == 1 else {
            throw BundleError.malformed(path: manifest.path, reason: "version \(bundle.version) is not supported (expected 1)")
        }
        bundle.directory = folder
        bundle.manifestSHA256 = SHA256.hexDigest(data)
        try bundle.checkContainment(manifest: manifest.path)
        return bundle
    }

    /// Every file the manifest names must lie inside the bundle folder once symbolic links are
    /// resolved: no absolute paths, no `..` out of it, no link to elsewhere.
    func checkContainment(manifest: String) throws {
        let root = directory.resolvingSymlinksInPath().path
        let named = encoders.sorted { $0.key < $1.key }.flatMap { $0.value.files.sorted { $0.key < $1.key }.map(\.value) }
            + (head.map { [$0] } ?? [])
        for file in named {
            guard !file.path.hasPrefix("/") else {
                throw BundleError.malformed(path: manifest, reason: "'\(file.path)' is an absolute path; bundle files are named relative to the bundle")
            }
            let resolved = URL(fileURLWithPath: path(file)).resolvingSymlinksInPath().path
            guard resolved.hasPrefix(root + "/") else {
                throw BundleError.malformed(path: manifest, reason: "'\(file.path)' resolves to \(resolved), outside the bundle \(root)")
            }
        }
    }

    /// Writes `bundle.json` into `directory` (atomically).
    public func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(Self.fileName)
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// The absolute path of a file named in the bundle.
    public func path(_ file: File) -> String { directory.appendingPathComponent(file.path).path }

    /// The encoder for `modality` ("visual", "audio", "text") or nil.
    public func encoder(_ modality: String) -> Encoder? { encoders[modality] }

    /// Checks that every named file exists and has its SHA-256. Returns one line per file.
    @discardableResult
    public func verify() throws -> [String] {
        var named: [(label: String, file: File)] = []
        for (modality, encoder) in encoders.sorted(by: { $0.key < $1.key }) {
            for (role, file) in encoder.files.sorted(by: { $0.key < $1.key }) { named.append(("\(modality) \(role)", file)) }
        }
        if let head { named.append(("head", head)) }
        try verify(named.map(\.file))
        return named.map { "\($0.label): \($0.file.path) sha256 \($0.file.sha256) ok" }
    }

    /// Checks files' presence and hashes (``DigestCache`` remembers files hashed before),
    /// several at a time (`Threading.forEach`, largest first). Throws the first failure in
    /// `files`' order.
    public func verify(_ files: [File]) throws {
        let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: path($0))[.size] as? Int) ?? 0 }
        let order = files.indices.sorted { sizes[$0] > sizes[$1] }
        let lock = NSLock()
        var failures: [Int: Error] = [:]
        Threading.forEach(order.count) { position in
            let index = order[position]
            do { try verify(files[index]) } catch { lock.withLock { failures[index] = error } }
        }
        if let first = failures.keys.min() { throw failures[first]! }
    }

    /// Checks one file's presence and hash.
    public func verify(_ file: File) throws {
        let path = path(file)
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw BundleError.missingFile(bundle: directory.path, path: file.path)
        }
        let actual = try DigestCache.digest(ofFile: path)
        guard actual == file.sha256.lowercased() else {
            throw BundleError.hashMismatch(path: path, expected: file.sha256, found: actual)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' should be \(type)"
        case let .dataCorrupted(context):
            return context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

/// Why a bundle cannot be used.
public enum BundleError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case missingFile(bundle: String, path: String)
    case hashMismatch(path: String, expected: String, found: String)
    case unsupported(bundle: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read the bundle manifest: \(reason)"
        case let .malformed(path, reason): return "\(path): malformed bundle manifest: \(reason)"
        case let .missingFile(bundle, path): return "\(bundle): file '\(path)' named in bundle.json is missing"
        case let .hashMismatch(path, expected, found):
            return "\(path): SHA-256 is \(found), bundle.json expects \(expected) (damaged or replaced file)"
        case let .unsupported(bundle, reason): return "\(bundle): \(reason)"
        }
    }
}
