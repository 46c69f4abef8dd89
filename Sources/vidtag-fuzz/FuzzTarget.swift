import Batch
import Foundation
import Head
import Media
@_spi(Tools) import Weights

/// One reader of untrusted bytes, driven as the fuzzers drive it: the bytes become a file in a
/// scratch folder and go through the same public entry point the `vidtag` commands use.
/// `run` returns on every input: a thrown error is the expected answer to bad bytes; a crash,
/// a hang or a sanitizer report is a bug.
enum FuzzTarget: String, CaseIterable {
    /// Manifest and standard-input lines (`InputSource`): JSON records and plain paths.
    case manifest
    /// A safetensors file: header, layout, every tensor read as floats.
    case safetensors
    /// A PyTorch checkpoint (`torch.save`, zip or legacy): zip reader, unpickler, storages.
    case checkpoint
    /// Taxonomy JSON, and the same bytes as a labels file against a fixed taxonomy.
    case taxonomy
    /// A media file as `vidtag classify` opens it: probing, frames, a cover picture, audio.
    case media

    func run(_ bytes: UnsafeRawBufferPointer, in scratch: Scratch) {
        switch self {
        case .manifest:
            // A fuzzed "/" or "../.." would walk the machine's disk: plain-path lines must stay
            // in the scratch folder, which holds a small tree to walk. JSON lines stay as they are.
            let path = scratch.write(Self.confiningPaths(bytes, inside: scratch.folder), name: "manifest.jsonl")
            for element in InputSource([.manifest(path)]).prefix(256) {
                if case .success(let record) = element { _ = record.texts; _ = record.productTexts }
            }
        case .safetensors:
            let path = scratch.write(bytes, name: "weights.safetensors")
            guard let file = try? SafetensorsFile(path: path) else { return }
            for entry in file.entries { _ = try? file.floats(entry.name) }
        case .checkpoint:
            _ = try? TorchCheckpoint.read(path: scratch.write(bytes, name: "weights.pth"))
        case .taxonomy:
            let data = Data(bytes)
            _ = try? Taxonomy.parse(data, source: "fuzz")
            _ = try? Labels.parse(String(decoding: data, as: UTF8.self), source: "fuzz", taxonomy: Self.labelTaxonomy)
        case .media:
            let path = scratch.write(bytes, name: "input.media")
            let limits = MediaLimits(secondsPerFile: 5, maxDimension: 4096, maxPixels: 4096 * 4096)
            _ = try? ImageLoader.load(path, width: 32, height: 32, limits: limits)
            guard let file = try? MediaFile(path: path, limits: limits) else { return }
            for mode in SamplingMode.allCases {
                _ = try? FrameSampler.sample(file, plan: .uniform(count: 3), mode: mode, width: 32, height: 32)
            }
            if let reader = try? AudioReader(file: file) {
                // A few seconds are enough to reach every decoding path.
                var chunks = 0
                _ = try? reader.read { _ in
                    chunks += 1
                    if chunks >= 4 { throw CancellationError() }
                }
            }
        }
    }

    /// Each line that is not JSON (and so would be read as a path, relative to `folder`) kept
    /// when it stays inside `folder`, else replaced by a path that does not exist.
    static func confiningPaths(_ bytes: UnsafeRawBufferPointer, inside folder: URL) -> Data {
        var out = Data()
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let data = Data(line)
            if (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) == nil {
                let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                let resolved = (text.hasPrefix("/") ? URL(fileURLWithPath: text) : folder.appendingPathComponent(text))
                    .standardizedFileURL.path
                if !(resolved + "/").hasPrefix(folder.path + "/") || text.contains("\0") {
                    out.append(contentsOf: "missing-folder/outside\n".utf8)
                    continue
                }
            }
            out.append(data)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Two level-1 categories with two children each, for the labels reader.
    static let labelTaxonomy = Taxonomy(name: "fuzz", categories: [
        (.init(id: "1", name: "一"), [.init(id: "101", name: "a"), .init(id: "102", name: "b")]),
        (.init(id: "2", name: "二"), [.init(id: "201", name: "c"), .init(id: "202", name: "d")]),
    ])
}

/// A private folder for the files a target reads, removed when the process exits.
final class Scratch {
    let folder = Scratch.location(of: getpid())

    static func location(of process: pid_t) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vidtag-fuzz-\(process)")
    }

    init() {
        // A few media names with sidecars and covers, for directory walks.
        for name in ["tree/a.mp4", "tree/a.json", "tree/a.jpg", "tree/sub/b.mkv", "tree/sub/notes.txt"] {
            let url = folder.appendingPathComponent(name)
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: url.path, contents: name.hasSuffix(".json") ? Data(#"{"title": "t"}"#.utf8) : Data())
        }
        // libFuzzer ends the process with exit(): no deinit runs.
        atexit { try? FileManager.default.removeItem(at: Scratch.location(of: getpid())) }
    }

    /// Replaces `name` in the folder with `bytes`; returns its path.
    func write<Bytes: DataProtocol>(_ bytes: Bytes, name: String) -> String {
        let path = folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}
