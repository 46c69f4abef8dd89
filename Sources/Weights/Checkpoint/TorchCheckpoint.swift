import Kernels

/// Reads the tensors of a state dict saved by `torch.save`, without Python, in both formats:
///
/// - **zip** (PyTorch ≥ 1.6 default): `<name>/data.pkl` (the pickled dict, tensors as
///   persistent ids `('storage', torch.FloatStorage, key, location, count)`) and one stored
///   entry `<name>/data/<key>` per storage, little-endian (`<name>/byteorder`);
///   see `torch/serialization.py`, `_save` and `_load`.
/// - **legacy** (before 1.6, or `_use_new_zipfile_serialization=False`): five pickles in a row
///   (magic number 0x1950a86a20f9469cfc6c, protocol version 1001, system info, the dict, the
///   list of storage keys), then each storage as an 8-byte element count and its raw bytes;
///   see `torch/serialization.py`, `_legacy_save` and `_legacy_load`.
///
/// Values may be tensors (`torch._utils._rebuild_tensor_v2`, with any strides and storage
/// offset; float32, float16, bfloat16, float64), `nn.Parameter`s, or numpy float arrays
/// (how torchvggish's PCA file `vggish_pca_params-970ea276.pth` holds its parameters). All
/// become float32 ``Tensor``s, contiguous, in the dict's order. The pickles go through
/// ``Unpickler``, which executes nothing and refuses anything else.
@_spi(Tools) public enum TorchCheckpoint {
    /// The legacy magic number 0x1950a86a20f9469cfc6c, little-endian, as LONG1 pickles it.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    /// PROTO 2, LONG1 of 10 bytes, the magic: how every legacy checkpoint starts.
    static let legacyPrefix: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + legacyMagic
    static let legacyProtocolVersion = 1001

    /// The state dict's tensors, by name, in the dict's order.
    public static func read(path: String) throws(CheckpointError) -> [(name: String, tensor: Tensor)] {
        let mapping = try MappedFile(path: path) { CheckpointError.unreadable(file: path, reason: $0) }
        return try read(bytes: mapping.bytes, file: path)
    }

    /// The same from bytes in memory; `file` names them in errors.
    static func read(bytes: UnsafeRawBufferPointer, file: String) throws(CheckpointError) -> [(name: String, tensor: Tensor)] {
        let arena = PickleArena()
        defer { arena.breakCycles() }
        if bytes.starts(with: ZipArchive.localHeaderSignatureBytes) {
            return try stateDict(try unpickleZip(bytes, file: file, arena: arena), file: file)
        }
        if bytes.starts(with: legacyPrefix.prefix(4)) {
            return try stateDict(try unpickleLegacy(bytes, file: file, arena: arena), file: file)
        }
        throw .malformedLegacy(file: file, reason: "neither a zip archive nor a legacy checkpoint (first bytes "
                                 + bytes.prefix(4).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
                                    .joined(separator: " ") + ")")
    }

    // MARK: - Zip

    static func unpickleZip(_ bytes: UnsafeRawBufferPointer, file: String, arena: PickleArena = PickleArena())
        throws(CheckpointError) -> PickleValue
    {
        let archive = try ZipArchive(bytes: bytes, file: file)
        // The pickle is `<archive name>/data.pkl`, the archive name being the file's stem in
        // older versions and "archive" in newer ones.
        guard let pickle = archive.entries.first(where: {
            $0.name.hasSuffix("/data.pkl") && $0.name.dropLast("/data.pkl".count).firstIndex(of: "/") == nil
        }) else {
            throw .missingEntry(file: file, entry: "<archive>/data.pkl")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: try archive.contents(of: order), as: UTF8.self)
            guard text == "little" else {
                throw .unsupportedStorage(file: file, reason: "byte order '\(text)'; only little-endian checkpoints are read")
            }
        }
        var storages: [String: StorageRef] = [:]
        var unpickler = Unpickler(bytes: try archive.contents(of: pickle), file: file, arena: arena) { pid throws(CheckpointError) in
            if let known = storages[pid.key] {
                guard known.type == pid.type else {
                    throw .unsupportedStorage(file: file, reason: "storage '\(pid.key)' used as \(known.type.rawValue) and "
                                                + "\(pid.type.rawValue)")
                }
                return known
            }
            let name = prefix + "data/" + pid.key
            guard let entry = archive.entry(named: name) else { throw .missingEntry(file: file, entry: name) }
            let data = try archive.contents(of: entry)
            guard data.count == pid.count * pid.type.elementSize else {
                throw .storageOutOfBounds(file: file, tensor: "storage \(pid.key)", reason: "\(pid.count) × "
                                            + "\(pid.type.elementSize) bytes expected, entry '\(name)' has \(data.count)")
            }
            let storage = StorageRef(key: pid.key, type: pid.type, count: pid.count, bytes: data)
            storages[pid.key] = storage
            return storage
        }
        return try unpickler.load()
    }

    // MARK: - Legacy

    static func unpickleLegacy(_ bytes: UnsafeRawBufferPointer, file: String, arena: PickleArena = PickleArena())
        throws(CheckpointError) -> PickleValue
    {
        func noStorages(_: Unpickler.PersistentID) throws(CheckpointError) -> StorageRef {
            throw .malformedLegacy(file: file, reason: "a storage in a header pickle")
        }
        var position = 0
        func next(_ persistentLoad: @escaping (Unpickler.PersistentID) throws(CheckpointError) -> StorageRef = noStorages)
            throws(CheckpointError) -> PickleValue
        {
            var unpickler = Unpickler(bytes: bytes, at: position, file: file, arena: arena, persistentLoad: persistentLoad)
            let value = try unpickler.load()
            position = unpickler.position
            return value
        }
        guard case .bigInt(let magic) = try next(), magic == legacyMagic else {
            throw .malformedLegacy(file: file, reason: "the magic number is not 0x1950a86a20f9469cfc6c")
        }
        guard case .int(let version) = try next(), version == legacyProtocolVersion else {
            throw .malformedLegacy(file: file, reason: "protocol version is not \(legacyProtocolVersion)")
        }
        guard case .dict(let info) = try next() else { throw .malformedLegacy(file: file, reason: "no system info dict") }
        if case .bool(false)? = info.values[.string("little_endian")] {
            throw .unsupportedStorage(file: file, reason: "saved on a big-endian machine")
        }

        // Storages are described in the main pickle and their bytes follow the key list.
        var roots: [String: StorageRef] = [:]
        var views: [StorageRef] = []
        let root = try next { pid throws(CheckpointError) in
            // `pid.key` is the root storage; a view (pre-1.0) adds (view key, offset, count).
            let rootKey = pid.key
            if roots[rootKey] == nil {
                roots[rootKey] = StorageRef(key: rootKey, type: pid.type, count: pid.count)
            }
            guard let view = pid.view else { return roots[rootKey]! }
            let storage = StorageRef(key: rootKey, type: pid.type, count: view.count, elementOffset: view.offset)
            views.append(storage)
            return storage
        }
        guard case .list(let keyList) = try next() else {
            throw .malformedLegacy(file: file, reason: "no storage key list after the state dict")
        }
        for item in keyList.items {
            guard let key = item.stringValue else { throw .malformedLegacy(file: file, reason: "a storage key is a \(item.kind)") }
            guard position + 8 <= bytes.count else {
                throw .malformedLegacy(file: file, reason: "storage '\(key)' is missing (truncated at byte \(position))")
            }
            let count = Int(clamping: bytes.littleEndian(position, as: Int64.self))
            position += 8
            guard let storage = roots[key] else {
                throw .malformedLegacy(file: file, reason: "storage '\(key)' is in the key list but no tensor uses it")
            }
            let byteCount = count.multipliedReportingOverflow(by: storage.type.elementSize)
            guard count >= 0, !byteCount.overflow, byteCount.partialValue <= bytes.count - position else {
                throw .malformedLegacy(file: file, reason: "storage '\(key)' of \(count) elements runs past the end of the "
                                         + "file (truncated?)")
            }
            storage.bytes = UnsafeRawBufferPointer(rebasing: bytes[position..<position + byteCount.partialValue])
            position += byteCount.partialValue
        }
        for (key, storage) in roots where storage.bytes == nil {
            throw .malformedLegacy(file: file, reason: "storage '\(key)' has no data")
        }
        for view in views {
            // A legacy view (pre-1.0 checkpoints) shares its root's bytes from `elementOffset` on.
            view.bytes = roots[view.key]?.bytes
        }
        return root
    }

    // MARK: - Tensors

    /// The unpickled object as name → float tensor.
    static func stateDict(_ value: PickleValue, file: String) throws(CheckpointError) -> [(name: String, tensor: Tensor)] {
        guard case .dict(let dict) = value else {
            throw .notAStateDict(file: file, reason: "the pickle holds a \(value.kind), not a dict")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        for key in dict.keys {
            guard case .string(let name) = key else {
                throw .notAStateDict(file: file, reason: "a key is \(key), not a str")
            }
            switch dict.values[key]! {
            case .tensor(let tensor):
                tensors.append((name, try materialize(tensor, name: name, file: file)))
            case .array(let array):
                tensors.append((name, try materialize(array, name: name, file: file)))
            case let other:
                throw .notAStateDict(file: file, reason: "'\(name)' is a \(other.kind), not a tensor")
            }
        }
        return tensors
    }

    /// Element count of `shape`, or nil when an extent is negative or the product overflows.
    private static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let product = count.multipliedReportingOverflow(by: extent)
            guard !product.overflow else { return nil }
            count = product.partialValue
        }
        return count
    }

    /// A strided view of a storage, gathered into a contiguous float32 tensor.
    static func materialize(_ ref: TensorRef, name: String, file: String) throws(CheckpointError) -> Tensor {
        func outOfBounds(_ reason: String) -> CheckpointError { .storageOutOfBounds(file: file, tensor: name, reason: reason) }
        guard let count = elementCount(ref.size) else { throw outOfBounds("invalid size \(ref.size)") }
        guard ref.offset >= 0, ref.stride.allSatisfy({ $0 >= 0 }) else {
            throw outOfBounds("negative offset \(ref.offset) or stride \(ref.stride)")
        }
        guard let bytes = ref.storage.bytes else { throw outOfBounds("its storage has no data") }
        if count == 0 { return Tensor(shape: ref.size, data: []) }
        // The last element read: offset + Σ (size − 1)·stride, within the storage.
        var last = ref.offset
        for (extent, stride) in zip(ref.size, ref.stride) {
            let step = (extent - 1).multipliedReportingOverflow(by: stride)
            let sum = last.addingReportingOverflow(step.partialValue)
            guard !step.overflow, !sum.overflow else { throw outOfBounds("size \(ref.size) × stride \(ref.stride) overflows") }
            last = sum.partialValue
        }
        let available = ref.storage.count
        guard last < available, (ref.storage.elementOffset + available) * ref.storage.type.elementSize <= bytes.count else {
            throw outOfBounds("size \(ref.size), stride \(ref.stride) and offset \(ref.offset) reach element \(last) "
                                + "of a storage of \(available)")
        }
        let base = ref.storage.elementOffset + ref.offset
        let type = ref.storage.type
        var values = [Float](repeating: 0, count: count)
        // Row-major walk over the view; a contiguous view is a straight run.
        let contiguous = zip(ref.stride, ref.size).reversed().reduce((true, 1)) { state, pair in
            (state.0 && (pair.1 == 1 || pair.0 == state.1), state.1 * pair.1)
        }.0
        values.withUnsafeMutableBufferPointer { out in
            if contiguous {
                for i in 0..<count { out[i] = decode(bytes, type, base + i) }
                return
            }
            var index = [Int](repeating: 0, count: ref.size.count)
            var position = base
            for i in 0..<count {
                out[i] = decode(bytes, type, position)
                var axis = ref.size.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    position += ref.stride[axis]
                    if index[axis] < ref.size[axis] { break }
                    position -= ref.stride[axis] * ref.size[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return Tensor(shape: ref.size, data: values)
    }

    @inline(__always)
    private static func decode(_ bytes: UnsafeRawBufferPointer, _ type: StorageType, _ index: Int) -> Float {
        switch type {
        case .float: return Float(bitPattern: bytes.littleEndian(4 * index, as: UInt32.self))
        case .double: return Float(Double(bitPattern: bytes.littleEndian(8 * index, as: UInt64.self)))
        case .half: return floatFromFloat16Bits(bytes.littleEndian(2 * index, as: UInt16.self))
        case .bfloat16: return Float(bitPattern: UInt32(bytes.littleEndian(2 * index, as: UInt16.self)) << 16)
        }
    }

    /// A numpy float array (C or Fortran order, any byte order) as a contiguous float32 tensor.
    static func materialize(_ array: NumpyArray, name: String, file: String) throws(CheckpointError) -> Tensor {
        func unsupported(_ reason: String) -> CheckpointError { .unsupportedArray(file: file, tensor: name, reason: reason) }
        guard let shape = array.shape, let dtype = array.dtype, let data = array.data else {
            throw unsupported("the array was never given its state (BUILD)")
        }
        guard let count = elementCount(shape) else { throw unsupported("invalid shape \(shape)") }
        var code = dtype.code
        var order = dtype.byteOrder
        if let first = code.first, "<>=|".contains(first) {
            order = String(first)
            code.removeFirst()
        }
        let size: Int
        switch code {
        case "f2": size = 2
        case "f4": size = 4
        case "f8": size = 8
        default: throw unsupported("dtype '\(dtype.code)'; only float16, float32 and float64 arrays are read")
        }
        let bigEndian = order == ">"
        guard data.count == count * size else {
            throw unsupported("shape \(shape) × \(size) bytes = \(count * size) bytes, the data has \(data.count)")
        }
        var values = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for i in 0..<count {
                switch size {
                case 2:
                    let bits = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                    values[i] = floatFromFloat16Bits(bigEndian ? UInt16(bigEndian: bits) : UInt16(littleEndian: bits))
                case 4:
                    let bits = raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                    values[i] = Float(bitPattern: bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits))
                default:
                    let bits = raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                    values[i] = Float(Double(bitPattern: bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits)))
                }
            }
        }
        if array.fortranOrder && shape.count > 1 {
            // Fortran order: the first axis varies fastest. Re-walk in row-major order.
            var reordered = [Float](repeating: 0, count: count)
            var columnStrides = [Int](repeating: 1, count: shape.count)
            for axis in 1..<shape.count { columnStrides[axis] = columnStrides[axis - 1] * shape[axis - 1] }
            var index = [Int](repeating: 0, count: shape.count)
            for i in 0..<count {
                reordered[i] = values[zip(index, columnStrides).reduce(0) { $0 + $1.0 * $1.1 }]
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < shape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
            values = reordered
        }
        return Tensor(shape: shape, data: values)
    }
}
