/// Everything that can go wrong reading a PyTorch checkpoint (`torch.save` output).
///
/// Every case names the file; pickle errors give the byte offset of the opcode in the pickle
/// stream (for a zip checkpoint, in its `data.pkl`).
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be opened or mapped.
    case unreadable(file: String, reason: String)
    /// The zip container is damaged: truncated, a bad signature, an entry outside the file,
    /// a CRC mismatch, encryption, multiple disks.
    case malformedZip(file: String, reason: String)
    /// A zip entry is compressed (torch.save stores entries uncompressed; only method 0 is read).
    case compressedEntry(file: String, entry: String, method: Int)
    /// A zip entry the format requires is absent (e.g. `archive/data.pkl`, `archive/data/3`).
    case missingEntry(file: String, entry: String)
    /// The legacy format's header pickles are not PyTorch's (magic number, protocol 1001,
    /// little-endian system info), or its storages do not follow as described.
    case malformedLegacy(file: String, reason: String)
    /// The pickle stream is broken: truncated, stack underflow, unknown memo key, a value of the
    /// wrong kind for an opcode.
    case malformedPickle(file: String, offset: Int, reason: String)
    /// An opcode outside the subset state dicts use (e.g. INST, OBJ, NEWOBJ, EXT1, PERSID).
    case unsupportedOpcode(file: String, offset: Int, opcode: UInt8)
    /// A GLOBAL (or STACK_GLOBAL) naming anything but the few functions and classes a state
    /// dict needs (e.g. `os system`, `builtins eval`). Nothing is ever imported or called.
    case forbiddenGlobal(file: String, offset: Int, module: String, name: String)
    /// REDUCE or BUILD applied to something that cannot be called or built that way, or with
    /// arguments of the wrong form (e.g. `OrderedDict` with arguments, a storage class called).
    case forbiddenCall(file: String, offset: Int, callable: String, reason: String)
    /// A tensor's storage type is not a float type (Float, Half, BFloat16, Double), or a
    /// persistent id is not a `('storage', type, key, location, count)` tuple.
    case unsupportedStorage(file: String, reason: String)
    /// A tensor's size, stride and offset reach outside its storage, or a storage's bytes are
    /// not as long as its element count says.
    case storageOutOfBounds(file: String, tensor: String, reason: String)
    /// The unpickled object is not a dict of name → tensor (or numpy array).
    case notAStateDict(file: String, reason: String)
    /// A numpy array that is not a plain float16/32/64 array (object, structured, integer…).
    case unsupportedArray(file: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .malformedZip(file, reason):
            return "\(file): damaged zip archive: \(reason)"
        case let .compressedEntry(file, entry, method):
            return "\(file): zip entry '\(entry)' is compressed (method \(method)); PyTorch checkpoints store "
                + "entries uncompressed (method 0)"
        case let .missingEntry(file, entry):
            return "\(file): zip entry '\(entry)' is missing"
        case let .malformedLegacy(file, reason):
            return "\(file): not a readable PyTorch checkpoint (legacy format): \(reason)"
        case let .malformedPickle(file, offset, reason):
            return "\(file): damaged pickle at byte \(offset): \(reason)"
        case let .unsupportedOpcode(file, offset, opcode):
            return "\(file): pickle opcode 0x\(String(opcode, radix: 16)) at byte \(offset) is not allowed in a state dict"
        case let .forbiddenGlobal(file, offset, module, name):
            return "\(file): pickle at byte \(offset) refers to '\(module).\(name)', which a state dict "
                + "never needs; refusing to load"
        case let .forbiddenCall(file, offset, callable, reason):
            return "\(file): pickle at byte \(offset) applies \(callable): \(reason)"
        case let .unsupportedStorage(file, reason):
            return "\(file): unsupported storage: \(reason)"
        case let .storageOutOfBounds(file, tensor, reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case let .notAStateDict(file, reason):
            return "\(file): not a state dict of tensors: \(reason)"
        case let .unsupportedArray(file, tensor, reason):
            return "\(file): numpy array '\(tensor)': \(reason)"
        }
    }
}
