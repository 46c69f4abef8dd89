// The PyTorch and numpy objects a state dict's pickle is made of, as the unpickler builds them
// (inert descriptions, never Python objects): storages, tensor views of them, numpy arrays and
// dtypes, and the globals the unpickler allows.

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
