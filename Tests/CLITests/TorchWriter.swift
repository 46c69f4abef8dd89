import Foundation
import Kernels
@testable import Weights

/// Writes a float32 state dict the way `torch.save` does by default (PyTorch ≥ 1.6): a zip
/// archive of stored entries holding `archive/data.pkl`, `archive/byteorder`, one
/// `archive/data/<key>` per tensor and `archive/version` (see `torch/serialization.py`,
/// `_save`, and `caffe2/serialize/inline_container.cc`, `PyTorchStreamWriter`: data aligned
/// to 64 bytes by an "FB" extra field). The pickle (protocol 2) is what `_save` emits for an
/// `OrderedDict` of contiguous CPU float tensors:
///
///     OrderedDict([(name, torch._utils._rebuild_tensor_v2(
///         persistent_id(('storage', torch.FloatStorage, key, 'cpu', numel)),
///         0, size, stride, False, OrderedDict())), …])
///
/// Test-side only: vidtag itself never writes checkpoints. Used to hand `vidtag bundle import`
/// a torchvggish-style `.pth` file. Checked once by hand: `torch.load(path, weights_only=True)`
/// (PyTorch 2.x) reads the files BundleImportTests writes, and their values are bit-identical to
/// `Scripts/reference/vggish_seeded.py`'s.
enum TorchWriter {
    /// Writes `tensors` (in dict order) to `url`.
    static func write(_ tensors: [(name: String, tensor: Tensor)], to url: URL) throws {
        var zip = ZipWriter()
        zip.add("archive/data.pkl", pickle(tensors))
        zip.add("archive/byteorder", Data("little".utf8))
        for (key, (_, tensor)) in tensors.enumerated() {
            let data = tensor.data.withUnsafeBufferPointer { Data(buffer: $0) }
            zip.add("archive/data/\(key)", data)
        }
        zip.add("archive/version", Data("3\n".utf8))
        try zip.finish().write(to: url)
    }

    /// The state dict's pickle, protocol 2.
    static func pickle(_ tensors: [(name: String, tensor: Tensor)]) -> Data {
        var p = Pickle()
        p.op(0x80); p.byte(2)  // PROTO 2
        p.global("collections", "OrderedDict"); p.op(0x29); p.op(0x52)  // EMPTY_TUPLE, REDUCE
        p.op(0x28)  // MARK
        for (key, (name, tensor)) in tensors.enumerated() {
            p.unicode(name)
            p.global("torch._utils", "_rebuild_tensor_v2")
            p.op(0x28)  // MARK: the arguments
            p.op(0x28)  // MARK: the persistent id
            p.unicode("storage"); p.global("torch", "FloatStorage"); p.unicode("\(key)"); p.unicode("cpu")
            p.int(tensor.count)
            p.op(0x74); p.op(0x51)  // TUPLE, BINPERSID
            p.int(0)  // storage offset
            p.tuple(tensor.shape)
            var strides = [Int](repeating: 1, count: tensor.shape.count)
            for axis in strides.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * tensor.shape[axis + 1] }
            p.tuple(strides)
            p.op(0x89)  // NEWFALSE: requires_grad
            p.global("collections", "OrderedDict"); p.op(0x29); p.op(0x52)  // backward hooks
            p.op(0x74); p.op(0x52)  // TUPLE, REDUCE
        }
        p.op(0x75)  // SETITEMS
        p.op(0x2E)  // STOP
        return p.data
    }

    /// Pickle opcodes, appended.
    struct Pickle {
        var data = Data()
        mutating func op(_ code: UInt8) { data.append(code) }
        mutating func byte(_ value: UInt8) { data.append(value) }
        mutating func global(_ module: String, _ name: String) {
            op(0x63)  // GLOBAL
            data.append(contentsOf: Array((module + "\n" + name + "\n").utf8))
        }
        mutating func unicode(_ text: String) {
            let bytes = Array(text.utf8)
            op(0x58)  // BINUNICODE: 4-byte length
            append32(UInt32(bytes.count))
            data.append(contentsOf: bytes)
        }
        mutating func int(_ value: Int) {
            precondition(value >= 0 && value <= Int(Int32.max), "int \(value) does not fit BININT")
            op(0x4A)  // BININT
            append32(UInt32(value))
        }
        mutating func tuple(_ values: [Int]) {
            op(0x28)
            for value in values { int(value) }
            op(0x74)
        }
        mutating func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    }
}

/// A zip archive of stored (uncompressed) entries, each entry's data aligned to 64 bytes as
/// PyTorch's writer does; no zip64 (entries and archive under 4 GiB).
struct ZipWriter {
    private var body = Data()
    private var central = Data()
    private var count = 0

    mutating func add(_ name: String, _ contents: Data) {
        let nameBytes = Array(name.utf8)
        let offset = body.count
        // Local header (30 bytes) + name + an "FB" extra field padding the data to 64 bytes.
        let unpadded = offset + 30 + nameBytes.count + 4
        let padding = (64 - unpadded % 64) % 64
        let crc = Self.crc32(contents)
        var local = Data()
        local.le32(0x0403_4B50); local.le16(20); local.le16(0); local.le16(0)  // version, flags, method: stored
        local.le16(0); local.le16(0x21)  // time, date (1980-01-01)
        local.le32(crc); local.le32(UInt32(contents.count)); local.le32(UInt32(contents.count))
        local.le16(UInt16(nameBytes.count)); local.le16(UInt16(4 + padding))
        local.append(contentsOf: nameBytes)
        local.le16(0x4246); local.le16(UInt16(padding))  // "FB"
        local.append(Data(repeating: 0x5A, count: padding))  // 'Z'
        body.append(local)
        body.append(contents)

        central.le32(0x0201_4B50); central.le16(20); central.le16(20); central.le16(0); central.le16(0)
        central.le16(0); central.le16(0x21)
        central.le32(crc); central.le32(UInt32(contents.count)); central.le32(UInt32(contents.count))
        central.le16(UInt16(nameBytes.count)); central.le16(0); central.le16(0)  // extra, comment
        central.le16(0); central.le16(0); central.le32(0)  // disk, internal, external attributes
        central.le32(UInt32(offset))
        central.append(contentsOf: nameBytes)
        count += 1
    }

    func finish() -> Data {
        var out = body
        out.append(central)
        out.le32(0x0605_4B50); out.le16(0); out.le16(0)
        out.le16(UInt16(count)); out.le16(UInt16(count))
        out.le32(UInt32(central.count)); out.le32(UInt32(body.count))
        out.le16(0)
        return out
    }

    /// CRC-32 as zip stores it: the checkpoint reader's own (`Weights`), which the reader's tests
    /// check against torch.save's files.
    static func crc32(_ data: Data) -> UInt32 { data.withUnsafeBytes { CRC32.checksum($0) } }
}

private extension Data {
    mutating func le16(_ value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func le32(_ value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
