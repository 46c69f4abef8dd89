import Foundation
import Kernels

/// Reads every tensor of a weight file, whatever its format: safetensors, or a PyTorch
/// checkpoint (`torch.save` of a state dict, zip or legacy format; see ``TorchCheckpoint``).
/// The format is told by the first bytes, not by the file name.
public enum WeightFile {
    public enum Format: Equatable, Sendable {
        case safetensors, torchZip, torchLegacy
    }

    /// The format of the file at `path`, from its first 16 bytes.
    public static func format(of path: String) throws(WeightFileError) -> Format {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .checkpoint(.unreadable(file: path, reason: "cannot open the file"))
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        if head.starts(with: ZipArchive.localHeaderSignatureBytes) { return .torchZip }
        if head.starts(with: TorchCheckpoint.legacyPrefix) { return .torchLegacy }
        // safetensors: an 8-byte little-endian header length, then a JSON object.
        if head.count >= 9, head[8] == UInt8(ascii: "{") { return .safetensors }
        let shown = head.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw .unknownFormat(file: path, reason: "it starts with bytes \(shown.isEmpty ? "(none: empty file)" : shown)")
    }

    /// The file's tensors as a ``WeightSource``: a safetensors file mapped (float32 tensors can
    /// be read in place, ``SafetensorsFile/borrowed(_:)``; the others are converted as asked
    /// for), a PyTorch checkpoint read whole (``NamedTensors``).
    public static func source(_ path: String) throws(WeightLoadError) -> any WeightSource {
        let kind: Format
        do { kind = try format(of: path) } catch { throw .file(error) }
        guard kind == .safetensors else { return try NamedTensors(path: path) }
        do { return try SafetensorsFile(path: path) } catch { throw .file(.safetensors(error)) }
    }

    /// Every float tensor of the file, by name, in file order.
    public static func read(_ path: String) throws(WeightFileError) -> [(name: String, tensor: Tensor)] {
        switch try format(of: path) {
        case .safetensors:
            do {
                let file = try SafetensorsFile(path: path)
                return try file.entries.map { entry throws(SafetensorsError) in (entry.name, try file.tensor(entry.name)) }
            } catch {
                throw .safetensors(error)
            }
        case .torchZip, .torchLegacy:
            do {
                return try TorchCheckpoint.read(path: path)
            } catch {
                throw .checkpoint(error)
            }
        }
    }
}
