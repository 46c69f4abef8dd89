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
