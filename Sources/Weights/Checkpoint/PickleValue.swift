/// The values the checkpoint unpickler builds: plain data, plus the few PyTorch and numpy
/// objects a state dict is made of, each as an inert Swift description (never a Python object).
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer wider than 64 bits (LONG1/LONG4): little-endian two's complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A function or class from ``AllowedGlobal``, to be applied by REDUCE.
    case global(AllowedGlobal)
    case storage(StorageRef)
    case tensor(TensorRef)
    case array(NumpyArray)
    case dtype(NumpyDType)

    /// How deeply containers (lists, dicts, tuples) nest in the value: 0 for a scalar. Lists
    /// and dicts keep theirs as they grow; a tuple, built whole, from its items.
    var nesting: Int {
        switch self {
        case .list(let list): return list.nesting
        case .dict(let dict): return dict.nesting
        case .tuple(let items): return 1 + items.reduce(0) { max($0, $1.nesting) }
        default: return 0
        }
    }

    /// What the value is, for messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple(let items): return "tuple of \(items.count)"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let global): return global.qualifiedName
        case .storage: return "storage"
        case .tensor: return "tensor"
        case .array: return "numpy array"
        case .dtype: return "numpy dtype"
        }
    }

    /// A str, or a Python 2 str (BINSTRING) read as UTF-8.
    var stringValue: String? {
        switch self {
        case .string(let text): return text
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// Bytes, or a str whose code points are all below 256 (latin-1, as Python 2 strs and
    /// `_codecs.encode(text, 'latin1')` carry binary data).
    var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let bytes): return bytes
        case .string(let text):
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { return nil }
                out.append(UInt8(scalar.value))
            }
            return out
        default: return nil
        }
    }

    var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .bool(let value): return value ? 1 : 0
        default: return nil
        }
    }

    var tupleValue: [PickleValue]? {
        if case .tuple(let items) = self { return items }
        return nil
    }

    /// A tuple of ints (sizes, strides, shapes).
    var intsValue: [Int]? {
        guard let items = tupleValue else { return nil }
        var ints: [Int] = []
        for item in items {
            guard case .int(let value) = item else { return nil }
            ints.append(value)
        }
        return ints
    }
}

/// A dict key: pickled state dicts only use str (and, rarely, int) keys.
enum PickleKey: Hashable {
    case string(String)
    case int(Int)
}

/// Every list and dict one reading made. A hostile pickle can put a container inside itself
/// (through the memo), and such a cycle of references is never freed: the reader empties them
/// all once it is done with the values.
final class PickleArena {
    private var lists: [PickleList] = []
    private var dicts: [PickleDict] = []

    func list() -> PickleList {
        let list = PickleList()
        lists.append(list)
        return list
    }

    func dict() -> PickleDict {
        let dict = PickleDict()
        dicts.append(dict)
        return dict
    }

    /// Empties every container, so that none keeps another alive.
    func breakCycles() {
        for list in lists { list.items.removeAll() }
        for dict in dicts { dict.removeAll() }
    }
}

/// A list, by reference: the memo may hold it while APPENDS fill it.
final class PickleList {
    var items: [PickleValue] = []
    /// How deeply containers nest inside, this one counted (see ``PickleValue/nesting``).
    var nesting = 1
}

/// A dict or OrderedDict, by reference, keeping insertion order.
final class PickleDict {
    /// How deeply containers nest inside, this one counted.
    var nesting = 1
    private(set) var keys: [PickleKey] = []
    private(set) var values: [PickleKey: PickleValue] = [:]

    func set(_ key: PickleKey, _ value: PickleValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    func removeAll() {
        keys.removeAll()
        values.removeAll()
    }
}

/// A storage from a persistent id: `('storage', torch.FloatStorage, key, location, count)`.
/// Its bytes are attached when found (zip: at once; legacy: after the pickles).
final class StorageRef {
    let key: String
    let type: StorageType
    /// Elements in the storage.
    let count: Int
    /// Elements skipped at the start of the root storage (legacy views; else 0).
    let elementOffset: Int
    /// The root storage's bytes (count × element size from `elementOffset` on), once known.
    var bytes: UnsafeRawBufferPointer?

    init(key: String, type: StorageType, count: Int, elementOffset: Int = 0, bytes: UnsafeRawBufferPointer? = nil) {
        (self.key, self.type, self.count, self.elementOffset, self.bytes) = (key, type, count, elementOffset, bytes)
    }
}

/// The element types of storages that convert to Float.
enum StorageType: String, CaseIterable {
    case float = "FloatStorage", half = "HalfStorage", bfloat16 = "BFloat16Storage", double = "DoubleStorage"

    var elementSize: Int {
        switch self {
        case .float: return 4
        case .half, .bfloat16: return 2
        case .double: return 8
        }
    }
}

/// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)`: a strided view of a storage.
struct TensorRef {
    let storage: StorageRef
    let offset: Int
    let size: [Int]
    let stride: [Int]
}

/// `numpy.dtype(code, align, copy)`; BUILD sets the byte order.
final class NumpyDType {
    let code: String
    /// "<", ">", "=" or "|".
    var byteOrder = "="

    init(code: String) { self.code = code }
}

/// `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')`, filled by BUILD with
/// (version, shape, dtype, is_fortran, raw bytes).
final class NumpyArray {
    var shape: [Int]?
    var dtype: NumpyDType?
    var fortranOrder = false
    var data: [UInt8]?
}

/// Everything a pickled state dict may name with GLOBAL; anything else is refused.
enum AllowedGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2, rebuildTensor, rebuildParameter, rebuildParameterWithState
    case storage(StorageType)
    case numpyReconstruct, numpyNDArray, numpyDType
    case codecsEncode

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"):
            self = .numpyReconstruct
        case ("numpy", "ndarray"): self = .numpyNDArray
        case ("numpy", "dtype"): self = .numpyDType
        case ("_codecs", "encode"): self = .codecsEncode
        case ("torch", _):
            guard let type = StorageType(rawValue: name) else { return nil }
            self = .storage(type)
        default: return nil
        }
    }

    var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildTensor: return "torch._utils._rebuild_tensor"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case .storage(let type): return "torch.\(type.rawValue)"
        case .numpyReconstruct: return "numpy.core.multiarray._reconstruct"
        case .numpyNDArray: return "numpy.ndarray"
        case .numpyDType: return "numpy.dtype"
        case .codecsEncode: return "_codecs.encode"
        }
    }
}
