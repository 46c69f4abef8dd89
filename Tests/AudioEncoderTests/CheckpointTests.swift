import Foundation
import Kernels
import Testing
@_spi(Tools) @testable import Weights
@testable import AudioEncoder

/// PyTorch checkpoints written by `torch.save` (Fixtures/vggish/*.pth, made by
/// make_vggish_goldens.py) in both formats, and hostile or broken ones.
@Suite struct CheckpointTests {
    static let tiny = VGGishArchitecture(convolutionWidths: [4, 8, 16, 16, 32, 32], hiddenWidth: 64, embeddingWidth: 16)

    @Test(arguments: ["pth_cases.pth", "pth_cases_legacy.pth", "pth_cases_protocol4.pth"])
    func tensorsOfEveryKindAreRead(_ file: String) throws {
        let tensors = try TorchCheckpoint.read(path: Fixture.vggish(file))
        let expected = try SafetensorsFile(path: Fixture.vggish("pth_expected.safetensors"))
        #expect(tensors.map(\.name) == ["f32", "f16", "bf16", "f64", "transposed", "slice", "shared_a", "shared_b",
                                        "scalar", "empty", "param"])
        var worst: Float = 0
        for (name, tensor) in tensors {
            let reference = try expected.tensor(name)
            #expect(tensor.shape == reference.shape, "\(file) \(name)")
            worst = max(worst, maxAbsDifference(tensor, reference))
        }
        print("\(file): \(tensors.count) tensors (F32, F16, BF16, F64, strided, offset, shared, 0-d, empty, "
              + "Parameter), max |Δ| \(worst) (tolerance 0: every conversion is exact)")
        #expect(worst == 0)
    }

    @Test(arguments: ["tiny_vggish.pth", "tiny_vggish_legacy.pth"])
    func tinyCheckpointRunsTheWholePath(_ file: String) throws {
        let weights = try VGGishWeights.load(path: Fixture.vggish(file), architecture: Self.tiny)
        let embeddings = VGGish(weights: weights).embed(try Goldens.tensor("logmel.wav44"))
        let expected = try Goldens.tensor("tiny.embedding")
        let difference = maxAbsDifference(embeddings, expected)
        let worstCosine = (0..<expected.shape[0]).map { cosine(embeddings, expected, row: $0) }.min() ?? 0
        print("\(file) → VGGish (tiny widths) on wav44: max |Δ| \(difference) (tolerance 1e-5), min cosine \(worstCosine) (tolerance 1 − 1e-6)")
        #expect(difference <= 1e-5)
        #expect(worstCosine >= 1 - 1e-6)
    }

    @Test func aSafetensorsFileLendsFc1InPlaceWithTheSameEmbeddings() throws {
        let copied = try VGGishWeights.load(path: Fixture.vggish("tiny_vggish.pth"), architecture: Self.tiny)
        #expect(copied.inPlace.isEmpty, "a torch checkpoint is copied whole")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vggish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tiny.safetensors").path
        try SafetensorsWriter.write(copied.tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: path)
        let mapped = try VGGishWeights.load(path: path, architecture: Self.tiny)
        #expect(Array(mapped.inPlace.keys) == [VGGishWeights.streamedWeight])
        #expect(mapped.tensors[VGGishWeights.streamedWeight] == nil, "fc1_1 is not also copied")
        let examples = try Goldens.tensor("logmel.wav44")
        let fromFile = VGGish(weights: mapped).embed(examples)
        let fromCopy = VGGish(weights: copied).embed(examples)
        let difference = maxAbsDifference(fromFile, try Goldens.tensor("tiny.embedding"))
        print("tiny VGGish from safetensors (fc1_1 read in place): max |Δ| \(difference) against torchvggish "
              + "(tolerance 1e-5); the same bits as from the copied checkpoint")
        #expect(fromFile.data.map(\.bitPattern) == fromCopy.data.map(\.bitPattern))
        #expect(difference <= 1e-5)
    }

    @Test(arguments: ["tiny_pca_numpy_legacy.pth", "tiny_pca_tensors.pth"])
    func pcaParametersAreRead(_ file: String) throws {
        // numpy float64 arrays (as torchvggish's published PCA file) or float32 tensors, means [16] or [16, 1].
        let pca = try VGGishPCA.load(path: Fixture.vggish(file), width: 16)
        let codes = VGGishPostprocessor(pca: pca)(try Goldens.tensor("tiny.embedding"))
        let expected = try Goldens.tensor("tiny.google").data
        let differ = zip(codes, expected).filter { Float($0) != $1 }.count
        print("\(file): PCA [16, 16] + [16]; Google codes from the reference embeddings: \(differ) of \(codes.count) "
              + "differ (parameters read as float32, the reference used float64)")
        #expect(differ <= 1)
    }

    @Test func numpyArraysOfEveryLayoutAreRead() throws {
        let tensors = try TorchCheckpoint.read(path: Fixture.vggish("numpy_cases_legacy.pth"))
        let expected = try SafetensorsFile(path: Fixture.vggish("numpy_expected.safetensors"))
        #expect(tensors.map(\.name) == ["fortran", "big_endian", "f16"])
        var worst: Float = 0
        for (name, tensor) in tensors {
            let reference = try expected.tensor(name)
            #expect(tensor.shape == reference.shape, "\(name)")
            worst = max(worst, maxAbsDifference(tensor, reference))
        }
        print("numpy_cases_legacy.pth: Fortran-order f8, big-endian f4, f2 arrays, max |Δ| \(worst) (tolerance 0)")
        #expect(worst == 0)
    }

    @Test func bothPCAFormsHoldTheSameValues() throws {
        let numpy = try VGGishPCA.load(path: Fixture.vggish("tiny_pca_numpy_legacy.pth"), width: 16)
        let tensors = try VGGishPCA.load(path: Fixture.vggish("tiny_pca_tensors.pth"), width: 16)
        #expect(numpy.eigenVectors == tensors.eigenVectors)
        #expect(numpy.means == tensors.means)
    }

    // MARK: - Strict loading

    @Test func missingWrongAndUnusedTensorsAreNamed() throws {
        let good = try TorchCheckpoint.read(path: Fixture.vggish("tiny_vggish.pth"))
        let missing = good.filter { $0.name != "features.3.bias" }
        #expect(throws: WeightLoadError.missing(source: "(memory)", tensor: "features.3.bias", shape: [8])) {
            try VGGishWeights(tensors: missing, architecture: Self.tiny)
        }
        let reshaped = good.map { $0.name == "embeddings.2.weight" ? ($0.name, $0.tensor.reshaped([32, 128])) : $0 }
        #expect(throws: WeightLoadError.wrongShape(source: "(memory)", tensor: "embeddings.2.weight", expected: [64, 64],
                                                   found: [32, 128])) {
            try VGGishWeights(tensors: reshaped, architecture: Self.tiny)
        }
        let extra = good + [("features.14.weight", Tensor(zeros: [2]))]
        #expect(throws: WeightLoadError.unused(source: "(memory)", tensors: ["features.14.weight"])) {
            try VGGishWeights(tensors: extra, architecture: Self.tiny)
        }
        let path = Fixture.vggish("tiny_vggish.pth")
        #expect(throws: WeightLoadError.wrongShape(source: path, tensor: "features.0.weight", expected: [64, 1, 3, 3],
                                                   found: [4, 1, 3, 3])) {
            try VGGishWeights.load(path: path)
        }
        let pcaOnlyVectors = [("pca_eigen_vectors", Tensor(zeros: [16, 16]))]
        #expect(throws: WeightLoadError.missing(source: "(memory)", tensor: "pca_means", shape: [16])) {
            try VGGishPCA(tensors: pcaOnlyVectors, width: 16)
        }
        // Error text names file, tensor, expected and found shapes.
        let message = WeightLoadError.wrongShape(source: "w.pth", tensor: "embeddings.0.weight", expected: [4096, 12288],
                                                 found: [4096, 1536]).description
        #expect(message.contains("w.pth") && message.contains("[4096, 12288]") && message.contains("[4096, 1536]"))
    }

    // MARK: - Broken and hostile files

    func expectCheckpointError(_ path: String, _ check: (CheckpointError) -> Bool, _ label: String) {
        do {
            _ = try TorchCheckpoint.read(path: path)
            Issue.record("\(label): read without error")
        } catch {
            print("\(label): rejected: \(error)")
            #expect(check(error), "\(label): \(error)")
        }
    }

    @Test func hostileZipIsRefusedBeforeAnythingIsCalled() {
        expectCheckpointError(Fixture.vggish("hostile_global.pth"), {
            if case .forbiddenGlobal(_, _, "os", "system") = $0 { return true }
            return false
        }, "zip with GLOBAL os.system + REDUCE")
    }

    @Test func deflatedEntriesAreATypedError() {
        expectCheckpointError(Fixture.vggish("deflated.pth"), {
            if case .compressedEntry(_, _, 8) = $0 { return true }
            return false
        }, "deflated zip")
    }

    @Test func truncatedAndCorruptFiles() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixture.vggish("pth_cases.pth")))
        let legacy = try Data(contentsOf: URL(fileURLWithPath: Fixture.vggish("pth_cases_legacy.pth")))
        let cases: [(String, Data, (CheckpointError) -> Bool)] = [
            ("zip cut in half", original.prefix(original.count / 2), {
                if case .malformedZip = $0 { return true } else { return false } }),
            ("zip with a flipped storage byte", try flippingFirstByte(of: "pth_cases/data/0", in: original), {
                if case .malformedZip = $0 { return true } else { return false } }),
            ("legacy cut before its storages", legacy.prefix(legacy.count - 40), {
                if case .malformedLegacy = $0 { return true } else { return false } }),
            ("legacy cut inside the pickle", legacy.prefix(300), {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("wrong magic", Data([0x80, 0x02, 0x8A, 0x0A] + [UInt8](repeating: 7, count: 10) + [0x2E]), {
                if case .malformedLegacy = $0 { return true } else { return false } }),
            ("random bytes", Data((0..<64).map { UInt8(($0 * 37 + 11) & 0xFF) }), {
                if case .malformedLegacy = $0 { return true } else { return false } }),
        ]
        for (label, bytes, check) in cases {
            let path = temporaryPath("broken.pth")
            try bytes.write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            expectCheckpointError(path, check, label)
        }
        // Through the weights loader, a file of another kind says what it starts with.
        let path = temporaryPath("text.bin")
        try Data("hello, world".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: WeightLoadError.self) { try VGGishWeights.load(path: path) }
        do { _ = try VGGishWeights.load(path: path) } catch {
            print("text file as weights: \(error)")
            if case .file(.unknownFormat) = error {} else { Issue.record("expected unknownFormat, got \(error)") }
        }
    }

    /// `zip` with the first byte of entry `name`'s data inverted (its CRC no longer matches).
    func flippingFirstByte(of name: String, in zip: Data) throws -> Data {
        var bytes = [UInt8](zip)
        let start = try bytes.withUnsafeBytes { raw in
            try ZipArchive(bytes: raw, file: "zip").entry(named: name)!.data.lowerBound
        }
        bytes[start] ^= 0xFF
        return Data(bytes)
    }

    /// Runs raw pickle bytes through the unpickler (no storages available).
    func unpickle(_ bytes: [UInt8]) throws(CheckpointError) -> PickleValue {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
        defer { raw.deallocate() }
        raw.copyBytes(from: bytes)
        var unpickler = Unpickler(bytes: UnsafeRawBufferPointer(raw), file: "test.pkl") { pid throws(CheckpointError) in
            StorageRef(key: pid.key, type: pid.type, count: pid.count)
        }
        return try unpickler.load()
    }

    /// A list put inside itself through the memo (found by the checkpoint fuzzer): a cycle of
    /// references that would never be freed, unless the reader breaks it when done.
    @Test func containersInsideThemselvesAreFreed() throws {
        // PROTO 2, EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP.
        let bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]
        weak var made: PickleList?
        try bytes.withUnsafeBytes { raw in
            let arena = PickleArena()
            var unpickler = Unpickler(bytes: raw, file: "cycle.pkl", arena: arena) { pid throws(CheckpointError) in
                StorageRef(key: pid.key, type: pid.type, count: pid.count)
            }
            guard case .list(let list) = try unpickler.load() else { Issue.record("not a list"); return }
            #expect(list.items.count == 1)
            made = list
            arena.breakCycles()
        }
        #expect(made == nil, "the self-containing list is still alive")
    }

    @Test func hostilePicklesAreRefused() {
        let p = PickleBytes.self
        let cases: [(String, [UInt8], (CheckpointError) -> Bool)] = [
            ("GLOBAL builtins.eval + REDUCE", p.proto + p.global("builtins", "eval") + p.unicode("1+1") + [0x85, 0x52, 0x2E], {
                if case .forbiddenGlobal(_, _, "builtins", "eval") = $0 { return true } else { return false } }),
            ("GLOBAL os.system", p.proto + p.global("os", "system") + [0x2E], {
                if case .forbiddenGlobal(_, _, "os", "system") = $0 { return true } else { return false } }),
            ("STACK_GLOBAL subprocess.Popen", [0x80, 0x04] + p.shortUnicode("subprocess") + p.shortUnicode("Popen") + [0x93, 0x2E], {
                if case .forbiddenGlobal(_, _, "subprocess", "Popen") = $0 { return true } else { return false } }),
            ("torch.load itself", p.proto + p.global("torch", "load") + [0x2E], {
                if case .forbiddenGlobal(_, _, "torch", "load") = $0 { return true } else { return false } }),
            ("INST os.system", [0x28] + Array("ios\nsystem\n".utf8) + [0x2E], {
                if case .unsupportedOpcode(_, _, 0x69) = $0 { return true } else { return false } }),
            ("NEWOBJ", p.proto + p.global("collections", "OrderedDict") + [0x29, 0x81, 0x2E], {
                if case .unsupportedOpcode(_, _, 0x81) = $0 { return true } else { return false } }),
            ("EXT1", p.proto + [0x82, 0x01, 0x2E], {
                if case .unsupportedOpcode(_, _, 0x82) = $0 { return true } else { return false } }),
            ("REDUCE of a string", p.proto + p.unicode("os.system") + [0x29, 0x52, 0x2E], {
                if case .forbiddenCall = $0 { return true } else { return false } }),
            ("calling a storage class", p.proto + p.global("torch", "FloatStorage") + [0x29, 0x52, 0x2E], {
                if case .forbiddenCall = $0 { return true } else { return false } }),
            ("OrderedDict with arguments", p.proto + p.global("collections", "OrderedDict") + p.unicode("x") + [0x85, 0x52, 0x2E], {
                if case .forbiddenCall = $0 { return true } else { return false } }),
            ("_codecs.encode to another codec", p.proto + p.global("_codecs", "encode") + p.unicode("x") + p.unicode("rot13")
                + [0x86, 0x52, 0x2E], {
                if case .forbiddenCall = $0 { return true } else { return false } }),
            ("an integer storage", p.proto + p.global("torch", "LongStorage") + [0x2E], {
                if case .unsupportedStorage = $0 { return true } else { return false } }),
            ("truncated string", p.proto + [0x58, 0x10, 0, 0, 0, 0x61, 0x62], {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("huge length", p.proto + [0x58, 0xFF, 0xFF, 0xFF, 0xFF], {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("unknown memo key", p.proto + [0x68, 0x05, 0x2E], {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("stack underflow", p.proto + [0x52, 0x2E], {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("no STOP", p.proto + [0x4E], {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("protocol 0 text opcode", [0x49] + Array("1\n.".utf8), {
                if case .unsupportedOpcode(_, _, 0x49) = $0 { return true } else { return false } }),
            // 50,000 nested lists (a 100 KB file) overflowed the stack when freed.
            ("lists nested 50,000 deep", [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 50_000)
                + [UInt8](repeating: 0x61, count: 49_999) + [0x2E], {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("tuples nested 50,000 deep", [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 50_000) + [0x2E], {
                if case .malformedPickle = $0 { return true } else { return false } }),
            ("a dict nested in itself", [0x80, 0x02, 0x7D, 0x71, 0x00] + Array(repeating: [0x4B, 0x01, 0x68, 0x00, 0x73], count: 2000).flatMap { $0 }
                + [0x2E], {
                if case .malformedPickle = $0 { return true } else { return false } }),
        ]
        for (label, bytes, check) in cases {
            do {
                let value = try unpickle(bytes)
                Issue.record("\(label): unpickled to \(value.kind)")
            } catch {
                print("\(label): rejected: \(error)")
                #expect(check(error), "\(label): \(error)")
            }
        }
    }

    @Test func hostileLegacyCheckpointIsRefused() throws {
        let p = PickleBytes.self
        let header = p.legacyHeader
        let hostile = header + p.proto + p.global("os", "system") + p.unicode("echo owned") + [0x85, 0x52, 0x2E]
        let path = temporaryPath("hostile_legacy.pth")
        try Data(hostile).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        expectCheckpointError(path, {
            if case .forbiddenGlobal(_, _, "os", "system") = $0 { return true } else { return false }
        }, "legacy checkpoint with GLOBAL os.system")
    }

    @Test func tensorsReachingOutsideTheirStorageAreRefused() throws {
        let p = PickleBytes.self
        // {'w': _rebuild_tensor_v2(storage '0' of 2 floats, offset 0, size (3,), stride (1,), False, OrderedDict())}
        let pid = [0x28] + p.unicode("storage") + p.global("torch", "FloatStorage") + p.unicode("0") + p.unicode("cpu")
            + [0x4B, 0x02, 0x4E, 0x74, 0x51]
        func main(size: UInt8) -> [UInt8] {
            let tensor = p.global("torch._utils", "_rebuild_tensor_v2") + [0x28] + pid
                + [0x4B, 0x00, 0x4B, size, 0x85, 0x4B, 0x01, 0x85, 0x89]
                + p.global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]
            return p.proto + [0x7D] + p.unicode("w") + tensor + [0x73, 0x2E]
        }
        let keys = p.proto + [0x5D, 0x28] + p.unicode("0") + [0x65, 0x2E]
        let storage: [UInt8] = [2, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        let path = temporaryPath("out_of_bounds.pth")
        try Data(p.legacyHeader + main(size: 3) + keys + storage).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        expectCheckpointError(path, {
            if case .storageOutOfBounds(_, "w", _) = $0 { return true } else { return false }
        }, "tensor of 3 elements on a storage of 2")
        // The same with size (2,) reads fine.
        try Data(p.legacyHeader + main(size: 2) + keys + storage).write(to: URL(fileURLWithPath: path))
        let tensors = try TorchCheckpoint.read(path: path)
        #expect(tensors.count == 1 && tensors[0].tensor.shape == [2])
    }

    @Test func nonDictPicklesAreNotStateDicts() throws {
        let value = try unpickle(PickleBytes.proto + [0x5D, 0x2E])  // []
        #expect(throws: CheckpointError.notAStateDict(file: "x", reason: "the pickle holds a list, not a dict")) {
            try TorchCheckpoint.stateDict(value, file: "x")
        }
        let nested = try unpickle(PickleBytes.proto + [0x7D] + PickleBytes.unicode("a") + [0x4B, 0x01, 0x73, 0x2E])  // {'a': 1}
        #expect(throws: CheckpointError.notAStateDict(file: "x", reason: "'a' is a int, not a tensor")) {
            try TorchCheckpoint.stateDict(nested, file: "x")
        }
    }

    @Test func unreadablePathsGiveTheSystemsReason() throws {
        // The file is mapped by Weights' MappedFile; its failures become CheckpointError.unreadable.
        let missing = NSTemporaryDirectory() + "vidtag-audio-\(UUID().uuidString)-missing.pth"
        #expect(throws: CheckpointError.unreadable(file: missing, reason: "No such file or directory")) {
            try TorchCheckpoint.read(path: missing)
        }
        let directory = NSTemporaryDirectory()
        #expect(throws: CheckpointError.unreadable(file: directory, reason: "Is a directory")) {
            try TorchCheckpoint.read(path: directory)
        }
    }
}

/// Hand-assembled pickle fragments (protocol 2 opcodes, CPython's Lib/pickletools.py).
enum PickleBytes {
    static let proto: [UInt8] = [0x80, 0x02]

    static func global(_ module: String, _ name: String) -> [UInt8] {
        [0x63] + Array("\(module)\n\(name)\n".utf8)
    }

    static func unicode(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        let count = UInt32(utf8.count)
        return [0x58, UInt8(count & 0xFF), UInt8((count >> 8) & 0xFF), UInt8((count >> 16) & 0xFF), UInt8(count >> 24)] + utf8
    }

    static func shortUnicode(_ text: String) -> [UInt8] { [0x8C, UInt8(text.utf8.count)] + Array(text.utf8) }

    /// The three header pickles of a legacy checkpoint: magic, protocol 1001, {'little_endian': True}.
    static var legacyHeader: [UInt8] {
        TorchCheckpoint.legacyPrefix + [0x2E] + proto + [0x4D, 0xE9, 0x03, 0x2E]
            + proto + [0x7D] + unicode("little_endian") + [0x88, 0x73, 0x2E]
    }
}
