/// A safe unpickler for PyTorch state dicts: it understands the pickle opcodes `torch.save`
/// emits (protocol 2 by default; the data opcodes of protocols 3–5 too) and builds only
/// inert values (``PickleValue``). It never imports or calls anything: GLOBAL resolves
/// against ``AllowedGlobal`` (OrderedDict, torch's tensor rebuilders and float storage
/// types, numpy's array reconstruction, `_codecs.encode`) and REDUCE/BUILD apply Swift
/// code for those alone. Every other global, and the opcodes that create arbitrary objects
/// (INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1/2/4, PERSID), are refused with a typed error.
///
/// Opcodes as defined in CPython's `Lib/pickletools.py` and `Lib/pickle.py`.
struct Unpickler {
    /// A persistent id as torch.save writes it:
    /// `('storage', storage type, key, location, element count[, view metadata])`.
    struct PersistentID {
        let type: StorageType
        let key: String
        let location: String
        let count: Int
        /// Legacy format only: `(root key, element offset, element count)` of a storage view.
        let view: (key: String, offset: Int, count: Int)?
    }

    let file: String
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next opcode.
    private(set) var position: Int
    let persistentLoad: (PersistentID) throws(CheckpointError) -> StorageRef
    var stack: [PickleValue] = []
    var marks: [Int] = []
    var memo: [Int: PickleValue] = [:]
    /// Where the lists and dicts made are registered (see ``PickleArena``).
    let arena: PickleArena
    /// The offset of the opcode being run, for messages.
    var opcodeOffset = 0

    init(bytes: UnsafeRawBufferPointer, at position: Int = 0, file: String, arena: PickleArena = PickleArena(),
         persistentLoad: @escaping (PersistentID) throws(CheckpointError) -> StorageRef) {
        self.bytes = bytes
        self.arena = arena
        self.position = position
        self.file = file
        self.persistentLoad = persistentLoad
    }

    // MARK: - Reading the stream

    func malformed(_ reason: String) -> CheckpointError {
        .malformedPickle(file: file, offset: opcodeOffset, reason: reason)
    }

    mutating func take(_ count: Int) throws(CheckpointError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw malformed("needs \(count) bytes but only \(bytes.count - position) remain (truncated)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    mutating func byte() throws(CheckpointError) -> UInt8 { try take(1)[0] }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws(CheckpointError) -> T {
        let raw = try take(MemoryLayout<T>.size)
        return raw.littleEndian(0, as: T.self)
    }

    /// A length prefix of type T, as an Int that fits what is left of the stream.
    mutating func length<T: FixedWidthInteger>(_ type: T.Type) throws(CheckpointError) -> Int {
        let value = try integer(T.self)
        guard value >= 0, let count = Int(exactly: value), count <= bytes.count - position else {
            throw malformed("length \(value) exceeds the \(bytes.count - position) bytes left (truncated)")
        }
        return count
    }

    /// A newline-terminated line (GLOBAL's module and name), at most 256 bytes.
    mutating func line() throws(CheckpointError) -> String {
        var end = position
        while end < bytes.count && bytes[end] != 0x0A {
            end += 1
            guard end - position <= 256 else { throw malformed("GLOBAL name longer than 256 bytes") }
        }
        guard end < bytes.count else { throw malformed("unterminated GLOBAL name (truncated)") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        position = end + 1
        return text
    }

    mutating func utf8String(_ count: Int) throws(CheckpointError) -> String {
        String(decoding: try take(count), as: UTF8.self)
    }

    // MARK: - The stack

    mutating func pop() throws(CheckpointError) -> PickleValue {
        guard let value = stack.popLast() else { throw malformed("stack underflow") }
        if let mark = marks.last, stack.count < mark { throw malformed("pop across a MARK") }
        return value
    }

    mutating func popToMark() throws(CheckpointError) -> [PickleValue] {
        guard let mark = marks.popLast() else { throw malformed("no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    func top() throws(CheckpointError) -> PickleValue {
        guard let value = stack.last, stack.count > (marks.last ?? 0) else { throw malformed("stack underflow") }
        return value
    }

    func key(_ value: PickleValue) throws(CheckpointError) -> PickleKey {
        switch value {
        case .string(let text): return .string(text)
        case .bytes: return .string(value.stringValue!)
        case .int(let number): return .int(number)
        default: throw malformed("dict key of kind \(value.kind)")
        }
    }

    func setItems(_ items: ArraySlice<PickleValue>, into target: PickleValue) throws(CheckpointError) {
        guard case .dict(let dict) = target else { throw malformed("SETITEM(S) on a \(target.kind)") }
        guard items.count % 2 == 0 else { throw malformed("SETITEMS with an odd number of items") }
        var index = items.startIndex
        while index < items.endIndex {
            dict.nesting = try nested(dict.nesting, items[index + 1])
            dict.set(try key(items[index]), items[index + 1])
            index += 2
        }
    }

    /// Containers nested deeper than this are refused: real checkpoints nest a few levels, and
    /// a value nested tens of thousands deep would overflow the stack when it is freed.
    static let maximumNesting = 1000

    /// The nesting of a container at `nesting` once `item` is inside it; throws past the limit.
    func nested(_ nesting: Int, _ item: PickleValue) throws(CheckpointError) -> Int {
        let result = max(nesting, 1 + item.nesting)
        if result > Self.maximumNesting { throw malformed("containers nested deeper than \(Self.maximumNesting) levels") }
        return result
    }

    /// A tuple of `items`, checked for nesting.
    func tuple(_ items: [PickleValue]) throws(CheckpointError) -> PickleValue {
        for item in items { _ = try nested(1, item) }
        return .tuple(items)
    }

    // MARK: - Running

    /// Runs the pickle up to its STOP and returns the value it built; `position` is then just
    /// past the STOP.
    mutating func load() throws(CheckpointError) -> PickleValue {
        while true {
            opcodeOffset = position
            let opcode = try byte()
            switch opcode {
            case 0x80:  // PROTO
                let version = try byte()
                guard (2...5).contains(version) else { throw malformed("pickle protocol \(version); expected 2 to 5") }
            case 0x95:  // FRAME (protocol 4): an 8-byte frame length, nothing to do.
                _ = try integer(UInt64.self)
            case 0x2E:  // STOP
                return try pop()
            case 0x28:  // MARK
                marks.append(stack.count)
            case 0x30:  // POP
                if stack.count > (marks.last ?? 0) { _ = try pop() } else { _ = try popToMark() }
            case 0x31:  // POP_MARK
                _ = try popToMark()
            case 0x32:  // DUP
                stack.append(try top())
            default:
                if try pushLiteral(opcode) { continue }
                if try buildContainer(opcode) { continue }
                if try runObjectOpcode(opcode) { continue }
                throw CheckpointError.unsupportedOpcode(file: file, offset: opcodeOffset, opcode: opcode)
            }
        }
    }

    mutating func get(_ index: Int) throws(CheckpointError) {
        guard let value = memo[index] else { throw malformed("memo key \(index) was never stored") }
        stack.append(value)
    }

    /// LONG1/LONG4 payload: little-endian two's complement.
    static func long(_ bytes: [UInt8]) -> PickleValue {
        guard bytes.count <= 8 else { return .bigInt(bytes) }
        guard !bytes.isEmpty else { return .int(0) }
        var value: UInt64 = bytes.last! & 0x80 != 0 ? ~0 : 0  // sign extension
        for (index, byte) in bytes.enumerated() {
            value &= ~(UInt64(0xFF) << (8 * UInt64(index)))
            value |= UInt64(byte) << (8 * UInt64(index))
        }
        return .int(Int(Int64(bitPattern: value)))
    }

    func resolve(module: String, name: String) throws(CheckpointError) -> AllowedGlobal {
        if let global = AllowedGlobal(module: module, name: name) { return global }
        if module == "torch" && name.hasSuffix("Storage") {
            throw .unsupportedStorage(file: file, reason: "torch.\(name) at byte \(opcodeOffset); only Float, Half, "
                                        + "BFloat16 and Double storages convert to Float")
        }
        throw .forbiddenGlobal(file: file, offset: opcodeOffset, module: module, name: name)
    }

    // MARK: - REDUCE, BUILD, persistent ids

    func forbidden(_ callable: String, _ reason: String) -> CheckpointError {
        .forbiddenCall(file: file, offset: opcodeOffset, callable: callable, reason: reason)
    }

    /// Applies an allowed callable to its argument tuple.
    func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws(CheckpointError) -> PickleValue {
        guard case .global(let global) = callable else {
            throw forbidden(callable.kind, "only allowed globals can be called")
        }
        let name = global.qualifiedName
        guard let args = arguments.tupleValue else { throw forbidden(name, "arguments are a \(arguments.kind), not a tuple") }
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw forbidden(name, "expected no arguments, found \(args.count)") }
            return .dict(arena.dict())
        case .rebuildTensorV2, .rebuildTensor:
            // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])
            let expected = global == .rebuildTensor ? 4...4 : 6...7
            guard expected.contains(args.count), case .storage(let storage) = args[0],
                  let offset = args[1].intValue, let size = args[2].intsValue, let stride = args[3].intsValue
            else {
                throw forbidden(name, "expected (storage, offset, size, stride, …), found (\(args.map(\.kind).joined(separator: ", ")))")
            }
            guard size.count == stride.count else {
                throw forbidden(name, "size \(size) and stride \(stride) differ in rank")
            }
            return .tensor(TensorRef(storage: storage, offset: offset, size: size, stride: stride))
        case .rebuildParameter, .rebuildParameterWithState:
            // (data, requires_grad, backward_hooks[, state]): the tensor itself.
            guard args.count == (global == .rebuildParameter ? 3 : 4), case .tensor = args[0] else {
                throw forbidden(name, "expected (tensor, requires_grad, hooks…), found \(args.count) arguments")
            }
            return args[0]
        case .numpyReconstruct:
            guard args.count == 3, case .global(.numpyNDArray) = args[0] else {
                throw forbidden(name, "only numpy.ndarray can be reconstructed")
            }
            return .array(NumpyArray())
        case .numpyDType:
            guard args.count == 3, let code = args[0].stringValue else {
                throw forbidden(name, "expected (code, align, copy)")
            }
            return .dtype(NumpyDType(code: code))
        case .codecsEncode:
            // Protocol 2 pickles bytes as _codecs.encode(text, 'latin1').
            guard args.count == 2, case .string = args[0], let encoding = args[1].stringValue,
                  ["latin1", "latin-1"].contains(encoding.lowercased()), let bytes = args[0].bytesValue
            else {
                throw forbidden(name, "only (str, 'latin1') with code points below 256 is accepted")
            }
            return .bytes(bytes)
        case .numpyNDArray, .storage:
            throw forbidden(name, "a class that a state dict never calls")
        }
    }

    /// BUILD: sets an object's state.
    func build(_ object: PickleValue, _ state: PickleValue) throws(CheckpointError) {
        switch object {
        case .dict:
            // OrderedDict's instance dict (a state dict's `_metadata`): kept out of the items.
            switch state {
            case .dict, .none: return
            case .tuple(let items) where items.count == 2: return
            default: throw forbidden("BUILD", "dict state of kind \(state.kind)")
            }
        case .dtype(let dtype):
            // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
            guard let items = state.tupleValue, items.count >= 8, let order = items[1].stringValue else {
                throw forbidden("BUILD numpy.dtype", "unexpected state \(state.kind)")
            }
            for index in 2...4 {
                guard case .none = items[index] else {
                    throw forbidden("BUILD numpy.dtype", "structured or sub-array dtypes are not supported")
                }
            }
            dtype.byteOrder = order
        case .array(let array):
            // (version, shape, dtype, is_fortran, raw data), or without the version.
            guard var items = state.tupleValue, items.count == 5 || items.count == 4 else {
                throw forbidden("BUILD numpy.ndarray", "unexpected state \(state.kind)")
            }
            if items.count == 5 { items.removeFirst() }
            guard let shape = items[0].intsValue, case .dtype(let dtype) = items[1], let fortran = items[2].intValue else {
                throw forbidden("BUILD numpy.ndarray", "expected (shape, dtype, is_fortran, data)")
            }
            guard let data = items[3].bytesValue else {
                throw forbidden("BUILD numpy.ndarray", "data is a \(items[3].kind): object arrays are not supported")
            }
            (array.shape, array.dtype, array.fortranOrder, array.data) = (shape, dtype, fortran != 0, data)
        default:
            throw forbidden("BUILD", "cannot set the state of a \(object.kind)")
        }
    }

    func persistent(_ pid: PickleValue) throws(CheckpointError) -> StorageRef {
        guard let items = pid.tupleValue, items.count == 5 || items.count == 6,
              items[0].stringValue == "storage", case .global(let global) = items[1],
              let key = items[2].stringValue, let location = items[3].stringValue, let count = items[4].intValue,
              count >= 0
        else {
            throw .unsupportedStorage(file: file, reason: "persistent id \(pid.kind) at byte \(opcodeOffset) is not "
                                        + "('storage', type, key, location, count)")
        }
        guard case .storage(let type) = global else {
            throw .unsupportedStorage(file: file, reason: "\(global.qualifiedName) is not a storage type")
        }
        var view: (key: String, offset: Int, count: Int)? = nil
        if items.count == 6 {
            switch items[5] {
            case .none: break
            case .tuple(let parts) where parts.count == 3 && parts[0].stringValue != nil
                && (parts[1].intValue ?? -1) >= 0 && (parts[2].intValue ?? -1) >= 0:
                view = (parts[0].stringValue!, parts[1].intValue!, parts[2].intValue!)
            default:
                throw .unsupportedStorage(file: file, reason: "storage view metadata \(items[5].kind) at byte \(opcodeOffset)")
            }
        }
        return try persistentLoad(PersistentID(type: type, key: key, location: location, count: count, view: view))
    }
}
