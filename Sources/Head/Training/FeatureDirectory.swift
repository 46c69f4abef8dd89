import Foundation
import Kernels
import Weights

/// Reads a directory of feature files (one safetensors file per item, tensors
/// `visual.frames`, `cover`, `audio.frames`, `text.title`, `text.summary`, `product.items`,
/// metadata `id` and `encoders`) into head examples.
///
/// All files must carry the same encoder hashes (the `encoders` metadata, a JSON object of
/// modality → SHA-256): features from different encoder weights live in different spaces and
/// must not be mixed. A head is tied to the hashes it was trained on.
public enum FeatureDirectory {
    public struct Contents: Sendable {
        public var examples: [HeadExample]
        /// The feature file of each example.
        public var paths: [String]
        /// The modalities found (training) or given (evaluation), with their widths.
        public var modalities: [ModalitySpec]
        public var encoders: [String: String]
        /// Feature files whose id has no label (skipped when labels are given).
        public var unlabelled: [String]
        /// Labelled ids without a feature file.
        public var withoutFeatures: [String]
        /// The share of CJK characters among the letters and digits of the kept items' texts
        /// (``CharNgrams/letterCounts(_:)``); 0 without texts.
        public var textCJKShare = 0.0

        /// The same contents without the modalities `drop` picks.
        public func removingModalities(where drop: (ModalitySpec) -> Bool) -> Contents {
            let kept = modalities.indices.filter { !drop(modalities[$0]) }
            var copy = self
            copy.modalities = kept.map { modalities[$0] }
            copy.examples = examples.map { $0.keeping(modalities: kept) }
            return copy
        }
    }

    /// The `.safetensors` files below `directory` (its folders walked, as `vidtag extract`
    /// mirrors nested ids; hidden files and folders skipped), sorted by path. `directory` may be
    /// a symbolic link to the folder.
    public static func files(in directory: String) throws(FeatureLoadError) -> [String] {
        var isDirectory: ObjCBool = false
        let root = URL(fileURLWithPath: directory, isDirectory: true).resolvingSymlinksInPath()
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles])
        else {
            throw .unreadableDirectory(path: directory, reason: "not a readable directory")
        }
        var files: [String] = []
        for case let url as URL in walker where url.pathExtension == "safetensors"
            && (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url.path)
        }
        if files.isEmpty { throw .noFeatureFiles(path: directory) }
        return files.sorted()
    }

    /// Loads every feature file of `directory`.
    /// - labels: when given, only labelled items are kept and carry their classes.
    /// - modalities: the head's modalities (evaluation); nil infers them from the files
    ///   (training): every catalogue modality present in at least one file, with its width.
    /// - encoders: the hashes the files must carry (evaluation against a trained head).
    /// - centre: with inferred modalities, give each one a centre — the mean over the items
    ///   (labelled ones when labels are given) of their frames, vectors or product means.
    /// - textChannel: the text channel's tokenizer; with inferred modalities, a bag modality is
    ///   added for each text field some file has (``ModalitySpec/textBags(dim:)``).
    public static func load(
        directory: String, labels: Labels?, modalities given: [ModalitySpec]? = nil,
        encoders expected: [String: String]? = nil, centre: Bool = false, textChannel: CharNgrams? = nil
    ) throws(FeatureLoadError) -> Contents {
        let (opened, encoders, encodersFile, widths, textFields) = try open(try files(in: directory))
        let hashes = encoders ?? [:]
        if let expected, expected != hashes {
            throw .encodersDiffer(expected: expected, found: hashes, file: encodersFile)
        }
        var modalities = given ?? ModalitySpec.catalogue.compactMap { spec in
            widths[spec.tensor].map { var m = spec; m.dim = $0.0; return m }
        }
        if centre && given == nil {
            let items = opened.filter { labels?.entries[$0.id] != nil || labels == nil }
            for m in modalities.indices { modalities[m].centre = try mean(of: modalities[m], in: items.map { ($0.path, $0.file) }) }
        }
        if let textChannel, given == nil {
            modalities += ModalitySpec.textBags(dim: textChannel.dim).filter { textFields.contains($0.textField!) }
        }
        if modalities.isEmpty { throw .noModalities(path: directory) }
        var letters = (cjk: 0, letters: 0)
        var examples: [HeadExample] = []
        var examplePaths: [String] = []
        var unlabelled: [String] = []
        var seen = Set<String>()
        for (path, file, id, texts) in opened {
            if !seen.insert(id).inserted { throw .duplicateId(id: id, file: path) }
            var level1 = -1, level2 = -1
            if let labels {
                guard let entry = labels.entries[id] else {
                    unlabelled.append(id)
                    continue
                }
                (level1, level2) = (entry.level1, entry.level2)
            }
            var tensors: [String: Tensor] = [:]
            do {
                for spec in modalities where file.names.contains(spec.tensor) {
                    tensors[spec.tensor] = try file.tensor(spec.tensor)
                }
            } catch {
                throw .unreadableFile(path: path, reason: String(describing: error))
            }
            do {
                examples.append(try HeadExample(id: id, tensors: tensors, modalities: modalities, texts: texts,
                                                textChannel: textChannel, level1: level1, level2: level2))
                for text in texts.values.joined() {
                    let counts = CharNgrams.letterCounts(text)
                    letters = (letters.cjk + counts.cjk, letters.letters + counts.letters)
                }
                examplePaths.append(path)
            } catch {
                throw .badItem(file: path, error: error)
            }
        }
        let withoutFeatures = labels.map { $0.order.filter { !seen.contains($0) } } ?? []
        return Contents(examples: examples, paths: examplePaths, modalities: modalities, encoders: hashes, unlabelled: unlabelled,
                        withoutFeatures: withoutFeatures,
                        textCJKShare: letters.letters == 0 ? 0 : Double(letters.cjk) / Double(letters.letters))
    }

    /// One opened feature file: its id (metadata, else the file name) and texts.
    typealias OpenedFile = (path: String, file: SafetensorsFile, id: String, texts: [String: [String]])

    /// Opens every file: their encoder hashes (which must agree), the width of each tensor
    /// (which must agree), and the text fields any file has.
    static func open(_ paths: [String]) throws(FeatureLoadError)
        -> (files: [OpenedFile], encoders: [String: String]?, encodersFile: String, widths: [String: (Int, String)],
            textFields: Set<String>)
    {
        var opened: [OpenedFile] = []
        var textFields = Set<String>()
        var encoders: [String: String]?
        var encodersFile = ""
        var widths: [String: (Int, String)] = [:]
        for path in paths {
            let file: SafetensorsFile
            do {
                file = try SafetensorsFile(path: path)
            } catch {
                throw .unreadableFile(path: path, reason: String(describing: error))
            }
            let hashes = try stringMap(file.metadata["encoders"], key: "encoders", path: path)
            if let encoders, encoders != hashes {
                throw .mixedEncoders(first: encodersFile, firstHashes: encoders, file: path, hashes: hashes)
            }
            if encoders == nil { (encoders, encodersFile) = (hashes, path) }
            let id = file.metadata["id"] ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            for entry in file.entries {
                guard let spec = ModalitySpec.forTensor(entry.name) else { continue }
                let width = entry.shape.last ?? 0
                if let (known, where_) = widths[spec.tensor], known != width {
                    throw .inconsistentWidth(tensor: spec.tensor, first: where_, firstWidth: known, file: path, width: width)
                }
                widths[spec.tensor] = (width, path)
            }
            let texts = try textLists(file.metadata["texts"], path: path)
            textFields.formUnion(texts.filter { !$0.value.isEmpty }.keys)
            opened.append((path, file, id, texts))
        }
        return (opened, encoders, encodersFile, widths, textFields)
    }

    /// The centre of a modality over files (``CentreSum``). Nil when no file has it.
    static func mean(of spec: ModalitySpec, in files: [(path: String, file: SafetensorsFile)])
        throws(FeatureLoadError) -> [Float]?
    {
        var sum = CentreSum(spec)
        for (path, file) in files where file.names.contains(spec.tensor) {
            do {
                sum.add(try file.floats(spec.tensor))
            } catch {
                throw .unreadableFile(path: path, reason: String(describing: error))
            }
        }
        return sum.centre
    }

    /// A feature file's metadata entry holding a JSON object of strings ("encoders": modality →
    /// SHA-256, "missing": modality → reason); empty when the entry is absent.
    public static func stringMap(_ text: String?, key: String, path: String) throws(FeatureLoadError) -> [String: String] {
        try metadataObject(text, key: key, path: path, values: "a string")
    }

    /// The `texts` metadata: a JSON object of field (`title`, `summary`, `product`) → list of texts.
    public static func textLists(_ text: String?, path: String) throws(FeatureLoadError) -> [String: [String]] {
        try metadataObject(text, key: "texts", path: path, values: "a list of strings")
    }

    /// A metadata value that is a JSON object whose values are all `Value`s (`values` names
    /// them for the message); empty when the key is absent.
    static func metadataObject<Value>(_ text: String?, key: String, path: String, values: String)
        throws(FeatureLoadError) -> [String: Value]
    {
        guard let text else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw .badMetadata(file: path, reason: "\"\(key)\" is not a JSON object")
        }
        var map: [String: Value] = [:]
        for (name, value) in object {
            guard let typed = value as? Value else {
                throw .badMetadata(file: path, reason: "\"\(key)\".\(name) is not \(values)")
            }
            map[name] = typed
        }
        return map
    }
}

public enum FeatureLoadError: Error, CustomStringConvertible {
    case unreadableDirectory(path: String, reason: String)
    case noFeatureFiles(path: String)
    case unreadableFile(path: String, reason: String)
    case badMetadata(file: String, reason: String)
    case mixedEncoders(first: String, firstHashes: [String: String], file: String, hashes: [String: String])
    case encodersDiffer(expected: [String: String], found: [String: String], file: String)
    case inconsistentWidth(tensor: String, first: String, firstWidth: Int, file: String, width: Int)
    case noModalities(path: String)
    case duplicateId(id: String, file: String)
    case badItem(file: String, error: HeadInputError)

    static func show(_ hashes: [String: String]) -> String {
        hashes.isEmpty ? "(none)" : hashes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.prefix(12))…" }.joined(separator: ", ")
    }

    public var description: String {
        switch self {
        case let .unreadableDirectory(path, reason): return "cannot list feature directory \(path): \(reason)"
        case let .noFeatureFiles(path): return "no .safetensors feature files in \(path)"
        case let .unreadableFile(path, reason): return "cannot read feature file \(path): \(reason)"
        case let .badMetadata(file, reason): return "\(file): \(reason)"
        case let .mixedEncoders(first, firstHashes, file, hashes):
            return "feature files from different encoders: \(first) has \(Self.show(firstHashes)), \(file) has \(Self.show(hashes)); extract all features with the same bundle"
        case let .encodersDiffer(expected, found, file):
            return "the head was trained on features of encoders \(Self.show(expected)), but \(file) comes from \(Self.show(found))"
        case let .inconsistentWidth(tensor, first, firstWidth, file, width):
            return "\(tensor) is \(firstWidth) wide in \(first) but \(width) wide in \(file)"
        case let .noModalities(path): return "no feature file in \(path) has any modality the head uses"
        case let .duplicateId(id, file): return "id \(id) appears twice (again in \(file))"
        case let .badItem(file, error): return "\(file): \(error)"
        }
    }
}
