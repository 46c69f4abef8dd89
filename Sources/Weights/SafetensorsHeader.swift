/// The parsed, fully validated header of a safetensors file.
///
/// Layout (https://github.com/huggingface/safetensors#format):
///
///     bytes [0, 8)          N, the header length, u64 little-endian
///     bytes [8, 8 + N)      the header: a UTF-8 JSON object
///                           { "<name>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …,
///                             "__metadata__": {"<key>": "<value>", …} }   (metadata optional)
///     bytes [8 + N, size)   the data section; data_offsets are relative to its start
///
/// Parsing checks everything a reader relies on before any tensor byte is touched: the length
/// prefix, UTF-8, JSON syntax, each entry's fields, shape × dtype size against the offsets,
/// ranges inside the data section, not overlapping and covering it without gaps, metadata of strings, no repeated names.
/// Gaps between tensors are allowed (the reference implementation rejects them).
struct SafetensorsHeader {
    /// The largest header accepted, as in the reference implementation (`MAX_HEADER_SIZE`).
    static let maxHeaderLength = 100_000_000
    /// The key of the metadata object in the header.
    static let metadataKey = "__metadata__"

    /// The `__metadata__` object; empty when absent.
    let metadata: [String: String]
    /// The tensors, in data-offset order (ties broken by end offset, then name).
    let entries: [SafetensorsEntry]
    /// The byte offset of the data section in the file: 8 + N.
    let dataStart: Int
    /// The byte length of the data section.
    let dataLength: Int

    /// Parses and validates the header of a whole file's bytes.
    ///
    /// - Parameters:
    ///   - file: the file's bytes, from offset 0 to its end.
    ///   - path: the file's name for error messages.
    init(parsing file: UnsafeRawBufferPointer, path: String) throws(SafetensorsError) {
        guard file.count >= 8 else { throw .tooShort(file: path, size: file.count) }
        let length = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard length <= UInt64(Self.maxHeaderLength) else {
            throw .headerTooLarge(file: path, length: length, limit: Self.maxHeaderLength)
        }
        guard length <= UInt64(file.count - 8) else {
            throw .headerPastEnd(file: path, length: length, available: file.count - 8)
        }
        dataStart = 8 + Int(length)
        dataLength = file.count - dataStart
        let text = UnsafeRawBufferPointer(rebasing: file[8..<dataStart])

        var parser = EntryParser(path: path, dataLength: dataLength)
        for (key, value) in try Self.topLevelMembers(text, path: path) {
            if key == Self.metadataKey {
                try parser.addMetadata(value)
            } else {
                try parser.addEntry(name: key, value)
            }
        }
        metadata = parser.metadata ?? [:]
        entries = try Self.sortedCheckingLayout(parser.entries, dataLength: dataLength, path: path)
    }

    /// The members of the header's JSON object, in file order, duplicates kept.
    private static func topLevelMembers(
        _ text: UnsafeRawBufferPointer, path: String
    ) throws(SafetensorsError) -> [(key: String, value: JSONValue)] {
        guard let first = text.first else {
            throw .malformedHeader(file: path, reason: "the header is empty; expected a JSON object")
        }
        guard first == UInt8(ascii: "{") else {
            throw .malformedHeader(
                file: path, reason: "the header starts with byte 0x\(String(first, radix: 16)); expected '{'")
        }
        if let offset = firstInvalidUTF8(text) {
            throw .malformedHeader(file: path, reason: "the header is not valid UTF-8 (at byte \(offset))")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw .malformedHeader(file: path, reason: "the header is not valid JSON: \(error)")
        }
        guard case let .object(members) = value else {
            throw .malformedHeader(file: path, reason: "the header is \(value.brief); expected a JSON object")
        }
        return members
    }

    /// The offset of the first byte that starts an invalid UTF-8 sequence, or `nil`.
    private static func firstInvalidUTF8(_ text: UnsafeRawBufferPointer) -> Int? {
        var decoder = UTF8()
        var iterator = text.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The entries in data-offset order; throws if two non-empty ranges share a byte, or if the
    /// ranges leave a gap or unused bytes at the end (as the reference `safetensors` library
    /// does: a tensor's bytes start where the previous one's end, and the last ends the file).
    private static func sortedCheckingLayout(
        _ entries: [SafetensorsEntry], dataLength: Int, path: String
    ) throws(SafetensorsError) -> [SafetensorsEntry] {
        let sorted = entries.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name)
                < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        var previous: SafetensorsEntry?  // the last non-empty entry
        for entry in sorted where !entry.dataOffsets.isEmpty {
            if let previous, entry.dataOffsets.lowerBound < previous.dataOffsets.upperBound {
                throw .overlapping(
                    file: path, tensor: entry.name, offsets: [entry.dataOffsets.lowerBound, entry.dataOffsets.upperBound],
                    other: previous.name, otherOffsets: [previous.dataOffsets.lowerBound, previous.dataOffsets.upperBound])
            }
            previous = entry
        }
        var end = 0
        for entry in sorted {
            guard entry.dataOffsets.lowerBound == end else {
                throw .notContiguous(file: path, tensor: entry.name, begin: entry.dataOffsets.lowerBound, expected: end)
            }
            end = entry.dataOffsets.upperBound
        }
        guard end == dataLength else { throw .trailingBytes(file: path, used: end, dataLength: dataLength) }
        return sorted
    }
}

/// Turns the header's JSON members into validated entries and metadata, one at a time.
private struct EntryParser {
    let path: String
    let dataLength: Int
    private(set) var entries: [SafetensorsEntry] = []
    private(set) var metadata: [String: String]?
    private var names: Set<String> = []

    init(path: String, dataLength: Int) {
        self.path = path
        self.dataLength = dataLength
    }

    /// Validates `__metadata__`: an object of string → string, each key once.
    mutating func addMetadata(_ value: JSONValue) throws(SafetensorsError) {
        guard metadata == nil else { throw .malformedMetadata(file: path, reason: "it occurs more than once") }
        guard case let .object(members) = value else {
            throw .malformedMetadata(file: path, reason: "it is \(value.brief); expected an object of string → string")
        }
        var result: [String: String] = [:]
        for (key, value) in members {
            guard case let .string(text) = value else {
                throw .malformedMetadata(file: path, reason: "the value of '\(key)' is \(value.brief); expected a string")
            }
            guard result.updateValue(text, forKey: key) == nil else {
                throw .malformedMetadata(file: path, reason: "key '\(key)' occurs more than once")
            }
        }
        metadata = result
    }

    /// Validates one tensor's entry: `{"dtype": String, "shape": [Int], "data_offsets": [Int, Int]}`.
    mutating func addEntry(name: String, _ value: JSONValue) throws(SafetensorsError) {
        guard names.insert(name).inserted else { throw .duplicateTensor(file: path, name: name) }
        func malformed(_ reason: String) -> SafetensorsError {
            .malformedEntry(file: path, tensor: name, reason: reason)
        }
        guard case let .object(members) = value else {
            throw malformed("the entry is \(value.brief); expected an object with dtype, shape and data_offsets")
        }
        var fields: [String: JSONValue] = [:]
        for (key, value) in members where ["dtype", "shape", "data_offsets"].contains(key) {
            guard fields.updateValue(value, forKey: key) == nil else { throw malformed("field '\(key)' occurs twice") }
        }
        guard let dtypeValue = fields["dtype"], let shapeValue = fields["shape"],
              let offsetsValue = fields["data_offsets"]
        else {
            let missing = ["dtype", "shape", "data_offsets"].filter { fields[$0] == nil }
            throw malformed("missing field \(missing.map { "'\($0)'" }.joined(separator: ", "))")
        }

        guard case let .string(dtypeName) = dtypeValue else {
            throw malformed("dtype is \(dtypeValue.brief); expected a string such as \"F32\"")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw .unknownDType(file: path, tensor: name, dtype: dtypeName)
        }
        let shape = try integers(shapeValue, field: "shape", count: nil, malformed)
        let offsets = try integers(offsetsValue, field: "data_offsets", count: 2, malformed)
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw malformed("data_offsets \(offsets) begin is after end") }

        var byteCount = dtype.size
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw malformed("shape \(shape) × \(dtype) has more bytes than Int can count") }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw .sizeMismatch(
                file: path, tensor: name, shape: shape, dtype: dtype, expected: byteCount, found: end - begin)
        }
        guard end <= dataLength else {
            throw .outOfBounds(file: path, tensor: name, offsets: offsets, dataLength: dataLength)
        }
        entries.append(SafetensorsEntry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end))
    }

    /// The elements of a JSON array of non-negative integers (of exactly `count` if given).
    private func integers(
        _ value: JSONValue, field: String, count: Int?, _ malformed: (String) -> SafetensorsError
    ) throws(SafetensorsError) -> [Int] {
        let expected = count == 2 ? "[begin, end]" : "an array of non-negative integers"
        guard case let .array(elements) = value, count == nil || elements.count == count else {
            throw malformed("\(field) is \(value.brief)\(value.arrayCountNote); expected \(expected)")
        }
        var result: [Int] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard let integer = element.nonNegativeInteger else {
                throw malformed("\(field)[\(index)] is \(element.brief); expected a non-negative integer")
            }
            result.append(integer)
        }
        return result
    }
}

private extension JSONValue {
    /// " of N elements" for arrays, for messages about wrong lengths.
    var arrayCountNote: String {
        if case let .array(elements) = self { return " of \(elements.count) elements" }
        return ""
    }
}
