/// The pickle opcodes that make values, by kind: literals, containers, and the memo, globals
/// and objects (see ``Unpickler/load()``, which runs the stack and protocol opcodes itself).
extension Unpickler {
    /// None, booleans, integers, floats, strings and bytes: pushes the value; false for another opcode.
    mutating func pushLiteral(_ opcode: UInt8) throws(CheckpointError) -> Bool {
        switch opcode {
        case 0x4E:  // NONE
            stack.append(.none)
        case 0x88:  // NEWTRUE
            stack.append(.bool(true))
        case 0x89:  // NEWFALSE
            stack.append(.bool(false))
        case 0x4A:  // BININT
            stack.append(.int(Int(try integer(Int32.self))))
        case 0x4B:  // BININT1
            stack.append(.int(Int(try byte())))
        case 0x4D:  // BININT2
            stack.append(.int(Int(try integer(UInt16.self))))
        case 0x8A:  // LONG1
            stack.append(Self.long(Array(try take(Int(try byte())))))
        case 0x8B:  // LONG4
            stack.append(Self.long(Array(try take(try length(Int32.self)))))
        case 0x47:  // BINFLOAT: big-endian double
            let raw = try take(8)
            stack.append(.float(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)))))
        case 0x58:  // BINUNICODE
            stack.append(.string(try utf8String(try length(UInt32.self))))
        case 0x8C:  // SHORT_BINUNICODE
            stack.append(.string(try utf8String(Int(try byte()))))
        case 0x8D:  // BINUNICODE8
            stack.append(.string(try utf8String(try length(UInt64.self))))
        case 0x54:  // BINSTRING (a Python 2 str)
            stack.append(.bytes(Array(try take(try length(Int32.self)))))
        case 0x55:  // SHORT_BINSTRING
            stack.append(.bytes(Array(try take(Int(try byte())))))
        case 0x42:  // BINBYTES
            stack.append(.bytes(Array(try take(try length(UInt32.self)))))
        case 0x43:  // SHORT_BINBYTES
            stack.append(.bytes(Array(try take(Int(try byte())))))
        case 0x8E:  // BINBYTES8
            stack.append(.bytes(Array(try take(try length(UInt64.self)))))
        default:
            return false
        }
        return true
    }

    /// Tuples, lists and dicts, and adding to them; false for another opcode.
    mutating func buildContainer(_ opcode: UInt8) throws(CheckpointError) -> Bool {
        switch opcode {
        case 0x29:  // EMPTY_TUPLE
            stack.append(.tuple([]))
        case 0x74:  // TUPLE
            stack.append(try tuple(try popToMark()))
        case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
            let count = Int(opcode - 0x84)
            var items: [PickleValue] = []
            for _ in 0..<count { items.insert(try pop(), at: 0) }
            stack.append(try tuple(items))
        case 0x5D:  // EMPTY_LIST
            stack.append(.list(arena.list()))
        case 0x6C:  // LIST
            let list = arena.list()
            list.items = try popToMark()
            for item in list.items { list.nesting = try nested(list.nesting, item) }
            stack.append(.list(list))
        case 0x61:  // APPEND
            let value = try pop()
            guard case .list(let list) = try top() else { throw malformed("APPEND to a \(try top().kind)") }
            list.nesting = try nested(list.nesting, value)
            list.items.append(value)
        case 0x65:  // APPENDS
            let items = try popToMark()
            guard case .list(let list) = try top() else { throw malformed("APPENDS to a \(try top().kind)") }
            for item in items { list.nesting = try nested(list.nesting, item) }
            list.items.append(contentsOf: items)
        case 0x7D:  // EMPTY_DICT
            stack.append(.dict(arena.dict()))
        case 0x64:  // DICT
            let items = try popToMark()
            let dict = arena.dict()
            let value = PickleValue.dict(dict)
            try setItems(items[...], into: value)
            stack.append(value)
        case 0x73:  // SETITEM
            let value = try pop()
            let key = try pop()
            try setItems([key, value], into: try top())
        case 0x75:  // SETITEMS
            let items = try popToMark()
            try setItems(items[...], into: try top())
        default:
            return false
        }
        return true
    }

    /// The memo, globals (resolved against ``AllowedGlobal``), REDUCE, BUILD and persistent ids;
    /// false for another opcode.
    mutating func runObjectOpcode(_ opcode: UInt8) throws(CheckpointError) -> Bool {
        switch opcode {
        case 0x68:  // BINGET
            try get(Int(try byte()))
        case 0x6A:  // LONG_BINGET
            try get(Int(try integer(UInt32.self)))
        case 0x71:  // BINPUT
            memo[Int(try byte())] = try top()
        case 0x72:  // LONG_BINPUT
            memo[Int(try integer(UInt32.self))] = try top()
        case 0x94:  // MEMOIZE
            memo[memo.count] = try top()
        case 0x63:  // GLOBAL
            let module = try line()
            let name = try line()
            stack.append(.global(try resolve(module: module, name: name)))
        case 0x93:  // STACK_GLOBAL
            let name = try pop()
            let module = try pop()
            guard case .string(let nameText) = name, case .string(let moduleText) = module else {
                throw malformed("STACK_GLOBAL needs two strs, found \(module.kind) and \(name.kind)")
            }
            stack.append(.global(try resolve(module: moduleText, name: nameText)))
        case 0x52:  // REDUCE
            let arguments = try pop()
            let callable = try pop()
            stack.append(try reduce(callable, arguments))
        case 0x62:  // BUILD
            let state = try pop()
            try build(try top(), state)
        case 0x51:  // BINPERSID
            stack.append(.storage(try persistent(try pop())))
        default:
            return false
        }
        return true
    }
}
