#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AudioEncoder
import Foundation
import Head
import TextEncoder
import VisualEncoder
import Weights

/// Builds a model bundle from pretrained weights in their published formats:
/// timm's `inception_resnet_v2` safetensors, torchvggish's `.pth` (or safetensors) with its
/// optional PCA file, and a Hugging Face BERT directory. `vidtag bundle import` is its CLI.
///
/// Two steps:
/// 1. ``validate()`` loads every file strictly with the loaders `vidtag extract` and
///    `vidtag classify` use (``InceptionResNetV2``, ``VGGishWeights``, ``VGGishPCA``,
///    ``TextEncoder``, ``Taxonomy``, ``HeadCheckpoint``): a file that would fail later fails
///    here, with the loader's message; a head must have been trained on this taxonomy and on
///    features of exactly these encoders;
/// 2. ``write(_:to:)`` hard-links (or copies, across file systems) the files into a new folder,
///    hashes what landed there into `bundle.json` (`pretrained: true`), and moves the folder to
///    its place in one rename, so a failed import leaves nothing behind. It never overwrites.
///
/// Bundle layout:
///
/// | path | what |
/// | --- | --- |
/// | `bundle.json` | the manifest (``ModelBundle``) |
/// | `visual.safetensors` | IRv2 weights, as given |
/// | `audio.pth` or `audio.safetensors` (`audio-pca.*`) | VGGish weights (and PCA), as given |
/// | `text/<name>/` | the BERT directory's model.safetensors and its .json/.txt files |
/// | `taxonomy.json` | the taxonomy, as given (training reads it; a head carries its own copy) |
/// | `head/` | `head.json` and `head.safetensors` (a mixture's `head.2.safetensors`, …), when a head is given |
public struct BundleImporter: Sendable {
    /// What to import; every path as the user gave it.
    public struct Sources: Sendable {
        public var visual: String?
        public var audio: String?
        public var audioPCA: String?
        /// A Hugging Face BERT directory (config.json, vocab.txt, model.safetensors).
        public var text: String?
        public var taxonomy: String
        /// A head directory written by `vidtag train` (head.json, head.safetensors).
        public var head: String?

        public init(visual: String? = nil, audio: String? = nil, audioPCA: String? = nil, text: String? = nil,
                    taxonomy: String, head: String? = nil) {
            (self.visual, self.audio, self.audioPCA, self.text, self.taxonomy, self.head) =
                (visual, audio, audioPCA, text, taxonomy, head)
        }
    }

    /// The bundle to write, once every source has been checked.
    public struct Plan: Sendable {
        /// Modality → entry; file paths relative to the bundle, hashes of the sources.
        public var encoders: [String: ModelBundle.Encoder]
        /// The hashes feature files record, as ``EncoderSet/hashes`` names them ("visual",
        /// "audio", "audio.pca", "text"): a head trained on this bundle's features carries them.
        public var featureHashes: [String: String]
        /// (source, path relative to the bundle) for every file to place, head and taxonomy included.
        public var files: [(source: String, path: String)]
        /// The head's `head.json` in the bundle, when a head is given.
        public var head: ModelBundle.File?
    }

    public static let taxonomyFile = "taxonomy.json"
    public static let headFolder = "head"

    public var sources: Sources
    public var name: String
    public var preprocessing: ModelBundle.Preprocessing

    public init(sources: Sources, name: String, preprocessing: ModelBundle.Preprocessing = .init()) {
        (self.sources, self.name, self.preprocessing) = (sources, name, preprocessing)
    }

    // MARK: - Step 1: validation

    /// Loads every source strictly and hashes it.
    ///
    /// - Throws: ``BundleImportError/noEncoders``, ``BundleImportError/missingSource(role:path:)``,
    ///   ``BundleImportError/invalidWeights(modality:path:reason:)``,
    ///   ``BundleImportError/invalidTaxonomy(path:reason:)``, ``BundleImportError/invalidHead(path:reason:)``
    ///   with the loader's message; ``BundleImportError/headTaxonomyMismatch(head:taxonomy:expected:found:)``,
    ///   ``BundleImportError/headEncoderMismatch(head:modality:expected:found:)``.
    public func validate() throws(BundleImportError) -> Plan {
        guard sources.visual != nil || sources.audio != nil || sources.text != nil else { throw .noEncoders }
        if sources.audioPCA != nil && sources.audio == nil {
            throw .invalidWeights(modality: "audio", path: sources.audioPCA!, reason: "--audio-pca needs --audio")
        }
        var plan = Plan(encoders: [:], featureHashes: [:], files: [], head: nil)
        try Self.requireFile(sources.taxonomy, role: "taxonomy")
        let taxonomy: Taxonomy
        do {
            taxonomy = try Taxonomy.load(path: sources.taxonomy)
        } catch {
            throw .invalidTaxonomy(path: sources.taxonomy, reason: String(describing: error))
        }
        plan.files.append((sources.taxonomy, Self.taxonomyFile))

        if let path = sources.visual {
            try Self.requireFile(path, role: "visual weights")
            do {
                _ = try InceptionResNetV2(weights: try SafetensorsFile(path: path))
            } catch {
                throw .invalidWeights(modality: "visual", path: path, reason: String(describing: error))
            }
            let hash = try Self.hash(path)
            plan.files.append((path, "visual.safetensors"))
            plan.encoders["visual"] = .init(architecture: "inception_resnet_v2", format: "timm-safetensors",
                                            files: ["weights": .init(path: "visual.safetensors", sha256: hash)], pretrained: true)
            plan.featureHashes["visual"] = hash
        }

        if let path = sources.audio {
            try Self.requireFile(path, role: "audio weights")
            let weights: VGGishWeights
            do {
                weights = try VGGishWeights.load(path: path)
            } catch {
                throw .invalidWeights(modality: "audio", path: path, reason: String(describing: error))
            }
            let (format, fileExtension) = try Self.checkpointKind(path)
            var files: [String: ModelBundle.File] = [:]
            let hash = try Self.hash(path)
            files["weights"] = .init(path: "audio." + fileExtension, sha256: hash)
            plan.files.append((path, "audio." + fileExtension))
            plan.featureHashes["audio"] = hash
            if let pcaPath = sources.audioPCA {
                try Self.requireFile(pcaPath, role: "audio PCA")
                do {
                    _ = try VGGishPCA.load(path: pcaPath, width: weights.architecture.embeddingWidth)
                } catch {
                    throw .invalidWeights(modality: "audio.pca", path: pcaPath, reason: String(describing: error))
                }
                let pcaHash = try Self.hash(pcaPath)
                let (_, pcaExtension) = try Self.checkpointKind(pcaPath)
                files["pca"] = .init(path: "audio-pca." + pcaExtension, sha256: pcaHash)
                plan.files.append((pcaPath, "audio-pca." + pcaExtension))
                plan.featureHashes["audio.pca"] = pcaHash
            }
            plan.encoders["audio"] = .init(architecture: "vggish", format: format, files: files, pretrained: true)
        }

        if let directory = sources.text {
            let (entry, copies, hash) = try Self.textModel(directory)
            plan.encoders["text"] = entry
            plan.files += copies
            plan.featureHashes["text"] = hash
        }

        if let head = sources.head {
            let checkpoint = try Self.check(head: head, taxonomy: taxonomy, taxonomyPath: sources.taxonomy, encoders: plan.featureHashes)
            for name in [HeadCheckpoint.configFile] + checkpoint.weightFiles {
                let path = URL(fileURLWithPath: head).appendingPathComponent(name).path
                try Self.requireFile(path, role: "head")
                plan.files.append((path, Self.headFolder + "/" + name))
            }
            let json = URL(fileURLWithPath: head).appendingPathComponent(HeadCheckpoint.configFile).path
            plan.head = .init(path: Self.headFolder + "/" + HeadCheckpoint.configFile, sha256: try Self.hash(json))
        }
        return plan
    }

    /// The head loads (weights' hash, every tensor's shape), was trained on `taxonomy`, and on
    /// features of exactly `encoders` (feature-file hash names: visual, audio, audio.pca, text).
    @discardableResult
    static func check(head: String, taxonomy: Taxonomy, taxonomyPath: String, encoders: [String: String])
        throws(BundleImportError) -> HeadCheckpoint
    {
        let checkpoint: HeadCheckpoint
        do {
            (checkpoint, _) = try HeadCheckpoint.load(directory: head)
        } catch {
            throw .invalidHead(path: head, reason: String(describing: error))
        }
        guard checkpoint.taxonomy == taxonomy else {
            throw .headTaxonomyMismatch(head: head, taxonomy: taxonomyPath, expected: checkpoint.taxonomy.sha256,
                                        found: taxonomy.sha256)
        }
        for modality in Set(checkpoint.encoders.keys).union(encoders.keys).sorted()
        where checkpoint.encoders[modality] != encoders[modality] {
            throw .headEncoderMismatch(head: head, modality: modality, expected: checkpoint.encoders[modality],
                                       found: encoders[modality])
        }
        return checkpoint
    }

    /// The BERT directory's files: model.safetensors and every .json/.txt file (sub-folders
    /// such as 1_Pooling included, hidden files skipped), loaded once as `vidtag extract` would.
    static func textModel(_ directory: String) throws(BundleImportError)
        -> (ModelBundle.Encoder, [(source: String, path: String)], String)
    {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingSource(role: "text model directory", path: directory)
        }
        for required in ["config.json", "vocab.txt", "model.safetensors"] {
            try requireFile(root.appendingPathComponent(required).path, role: "text model's \(required)")
        }
        do {
            let layout = try ModelDirectory(path: root.path)
            guard URL(fileURLWithPath: layout.bertPath).standardizedFileURL.path == root.path else {
                throw BundleImportError.invalidWeights(
                    modality: "text", path: directory,
                    reason: "modules.json puts the BERT files in '\(layout.bertPath)'; give a directory with "
                        + "config.json, vocab.txt and model.safetensors at its top")
            }
            _ = try TextEncoder(directory: root.path)
        } catch let error as BundleImportError {
            throw error
        } catch {
            throw .invalidWeights(modality: "text", path: directory, reason: String(describing: error))
        }
        let folder = "text/" + root.lastPathComponent
        var files: [String: ModelBundle.File] = [:]
        var copies: [(source: String, path: String)] = []
        var weightsHash = ""
        let relatives = ((FileManager.default.subpaths(atPath: root.path)) ?? []).sorted()
        for relative in relatives {
            let components = relative.split(separator: "/")
            guard !components.contains(where: { $0.hasPrefix(".") }) else { continue }
            let source = root.appendingPathComponent(relative)
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder)
            guard !isFolder.boolValue else { continue }
            guard relative == "model.safetensors" || ["json", "txt"].contains(source.pathExtension) else { continue }
            try requireInside(source, root: root)
            let hash = try Self.hash(source.path)
            let role: String
            switch relative {
            case "model.safetensors": role = "weights"; weightsHash = hash
            case "config.json": role = "config"
            case "vocab.txt": role = "vocab"
            default: role = relative
            }
            files[role] = .init(path: folder + "/" + relative, sha256: hash)
            copies.append((source.path, folder + "/" + relative))
        }
        return (.init(architecture: "bert", format: "huggingface", files: files, pretrained: true), copies, weightsHash)
    }

    // MARK: - Step 2: writing

    /// Places the plan's files and `bundle.json` in `output`, which must not exist yet (or be an
    /// empty folder). Returns the bundle as written.
    ///
    /// - Throws: ``BundleImportError/outputExists(path:)``, ``BundleImportError/writeFailed(path:reason:)``,
    ///   ``BundleImportError/sourceChanged(path:expected:found:)`` when a file changed since ``validate()``.
    @discardableResult
    public func write(_ plan: Plan, to output: String) throws(BundleImportError) -> ModelBundle {
        let target = URL(fileURLWithPath: output, isDirectory: true).standardizedFileURL
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) {
            let contents = (try? manager.contentsOfDirectory(atPath: target.path)) ?? ["(not a folder)"]
            guard contents.isEmpty else { throw .outputExists(path: target.path) }
        }
        let parent = target.deletingLastPathComponent()
        Self.removeAbandonedStaging(of: target.lastPathComponent, in: parent)
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())", isDirectory: true)
        do {
            try? manager.removeItem(at: staging)
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: staging.path, reason: (error as NSError).localizedDescription)
        }
        var succeeded = false
        defer { if !succeeded { try? manager.removeItem(at: staging) } }

        for (source, relative) in plan.files {
            try Self.place(source, at: staging.appendingPathComponent(relative))
        }
        // What landed in the bundle must be what was validated.
        var expected: [String: String] = [:]
        for entry in plan.encoders.values { for file in entry.files.values { expected[file.path] = file.sha256 } }
        if let head = plan.head { expected[head.path] = head.sha256 }
        for (relative, hash) in expected.sorted(by: { $0.key < $1.key }) {
            let found = try Self.hash(staging.appendingPathComponent(relative).path)
            guard found == hash else { throw .sourceChanged(path: relative, expected: hash, found: found) }
        }
        let bundle = ModelBundle(name: name, encoders: plan.encoders, preprocessing: preprocessing, head: plan.head)
        do {
            try bundle.write(to: staging.path)
        } catch {
            throw .writeFailed(path: staging.appendingPathComponent(ModelBundle.fileName).path,
                               reason: (error as NSError).localizedDescription)
        }
        if manager.fileExists(atPath: target.path) { try? manager.removeItem(at: target) }  // an empty folder
        guard rename(staging.path, target.path) == 0 else {
            throw .writeFailed(path: target.path, reason: String(cString: strerror(errno)))
        }
        succeeded = true
        do {
            return try ModelBundle.load(directory: target.path)
        } catch {
            throw .writeFailed(path: target.path, reason: String(describing: error))
        }
    }

    /// Removes `.NAME.partial-PID` folders left in `parent` by imports that were killed (their
    /// process no longer exists), so that an interrupted import costs no disk after the next one.
    static func removeAbandonedStaging(of name: String, in parent: URL) {
        let prefix = ".\(name).partial-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] where entry.hasPrefix(prefix) {
            guard let pid = pid_t(entry.dropFirst(prefix.count)), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
        }
    }

    /// A hard link to `source` at `destination` (the same bytes without a copy), or a copy when
    /// linking is impossible (another file system, no permission).
    static func place(_ source: String, at destination: URL) throws(BundleImportError) {
        let manager = FileManager.default
        let resolved = URL(fileURLWithPath: source).resolvingSymlinksInPath().path
        do {
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if link(resolved, destination.path) != 0 {
                try manager.copyItem(atPath: resolved, toPath: destination.path)
            }
        } catch {
            throw .writeFailed(path: destination.path, reason: (error as NSError).localizedDescription)
        }
    }

    /// The bundle format and file extension of a VGGish checkpoint, from its first bytes.
    static func checkpointKind(_ path: String) throws(BundleImportError) -> (format: String, fileExtension: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .missingSource(role: "audio weights", path: path) }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 9)) ?? Data())
        if head.count == 9 && head[8] == UInt8(ascii: "{") { return ("torchvggish-safetensors", "safetensors") }
        return ("torchvggish-pth", "pth")
    }

    /// A file of a source folder must be a regular file inside it once links are resolved: a link
    /// out of the folder (to `/etc/shadow`, or a cache's blob store) or to a device is refused.
    static func requireInside(_ file: URL, root: URL) throws(BundleImportError) {
        let resolved = file.resolvingSymlinksInPath()
        let base = root.resolvingSymlinksInPath().path
        guard resolved.path.hasPrefix(base + "/") else {
            throw .invalidWeights(modality: "text", path: file.path,
                                  reason: "a symbolic link to \(resolved.path), outside \(base); copy the folder with its links resolved (cp -rL) and import the copy")
        }
        var info = stat()
        guard stat(resolved.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw .invalidWeights(modality: "text", path: file.path, reason: "not a regular file")
        }
    }

    static func requireFile(_ path: String, role: String) throws(BundleImportError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            throw .missingSource(role: role, path: path)
        }
    }

    static func hash(_ path: String) throws(BundleImportError) -> String {
        do {
            return try SHA256.hexDigest(ofFile: path)
        } catch {
            throw .missingSource(role: "file", path: path)
        }
    }
}
