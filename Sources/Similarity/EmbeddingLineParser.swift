import Foundation

func isJSONSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }

/// What is wrong with a line; `truncated` when the bytes ran out inside the record.
struct LineProblem: Error {
    var kind: EmbeddingError.Kind = .malformed
    let message: String
    var truncated = false
}

/// Reads one JSON object `{"id": string, "embedding": [number, …], …}`, skipping other keys.
/// Numbers are parsed straight to float32 (`strtof`, correctly rounded); Python's `NaN`,
/// `Infinity` and `-Infinity` are recognised so that they are reported as non-finite values.
struct EmbeddingLineParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parse(into values: inout [Float]) throws(LineProblem) -> String {
        skipSpace()
        guard try peek() == UInt8(ascii: "{") else {
            throw LineProblem(message: "not valid JSON: expected an object {\"id\", \"embedding\"}, found \(describeValue())")
        }
        at += 1
        var id: String? = nil
        var sawEmbedding = false
        skipSpace()
        if try peek() == UInt8(ascii: "}") {
            at += 1
        } else {
            while true {
                skipSpace()
                guard try peek() == UInt8(ascii: "\"") else { throw syntax("expected a key string") }
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                switch key {
                case "id":
                    guard try peek() == UInt8(ascii: "\"") else {
                        throw LineProblem(message: "'id' must be a string, found \(describeValue())")
                    }
                    id = try string()
                case "embedding":
                    guard try peek() == UInt8(ascii: "[") else {
                        throw LineProblem(message: "'embedding' must be a list of numbers, found \(describeValue())")
                    }
                    values.removeAll(keepingCapacity: true)
                    try numbers(into: &values)
                    sawEmbedding = true
                default:
                    try skipValue(depth: 0)
                }
                skipSpace()
                let next = try peek()
                at += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { at -= 1; throw syntax("expected ',' or '}'") }
            }
        }
        skipSpace()
        guard at == bytes.count else { throw syntax("expected the end of the line after the object") }
        guard let id else { throw LineProblem(message: "no 'id', expected {\"id\": string, \"embedding\": [numbers]}") }
        guard sawEmbedding else { throw LineProblem(message: "no 'embedding', expected {\"id\": string, \"embedding\": [numbers]}") }
        return id
    }

    // Tokens

    mutating func skipSpace() { while at < bytes.count && isJSONSpace(bytes[at]) { at += 1 } }

    func peek() throws(LineProblem) -> UInt8 {
        guard at < bytes.count else {
            throw LineProblem(message: "not valid JSON: the line ends inside the record (a torn line?)", truncated: true)
        }
        return bytes[at]
    }

    mutating func expect(_ byte: UInt8) throws(LineProblem) {
        guard try peek() == byte else { throw syntax("expected '\(Character(Unicode.Scalar(byte)))'") }
        at += 1
    }

    func syntax(_ expected: String) -> LineProblem {
        let found = at < bytes.count ? "'\(Character(Unicode.Scalar(bytes[at])))'" : "the end of the line"
        return LineProblem(message: "not valid JSON at column \(at + 1): \(expected), found \(found)",
                           truncated: at >= bytes.count)
    }

    /// What the value at the cursor is, for messages.
    func describeValue() -> String {
        guard at < bytes.count else { return "the end of the line" }
        switch bytes[at] {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "a list"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case let byte: return "'\(Character(Unicode.Scalar(byte)))'"
        }
    }

    /// A JSON string (at its opening quote), unescaped.
    mutating func string() throws(LineProblem) -> String {
        at += 1
        var utf8: [UInt8] = []
        while true {
            let byte = try peek()
            at += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw LineProblem(message: "not valid JSON: a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                let escape = try peek()
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard try peek() == UInt8(ascii: "\\") else { throw syntax("expected a low surrogate \\uDC00–\\uDFFF") }
                        at += 1
                        guard try peek() == UInt8(ascii: "u") else { throw syntax("expected a low surrogate \\uDC00–\\uDFFF") }
                        at += 1
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw syntax("expected a low surrogate \\uDC00–\\uDFFF") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let character = Unicode.Scalar(scalar) else { throw syntax("expected a Unicode scalar") }
                    utf8.append(contentsOf: Array(String(Character(character)).utf8))
                default:
                    at -= 1
                    throw syntax("expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                }
            case 0..<0x20:
                at -= 1
                throw syntax("expected a printable character in a string")
            default:
                utf8.append(byte)
            }
        }
    }

    mutating func hex4() throws(LineProblem) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try peek()
            guard let digit = hexValue(byte) else { throw syntax("expected a hex digit") }
            value = value << 4 | digit
            at += 1
        }
        return value
    }

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// The end of a JSON number token starting at the cursor (grammar-checked), or nil if the
    /// cursor is not at a number.
    func numberEnd() throws(LineProblem) -> Int? {
        var end = at
        func digit(_ index: Int) -> Bool {
            index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
        }
        if end < bytes.count && bytes[end] == UInt8(ascii: "-") { end += 1 }
        guard digit(end) else {
            if end >= bytes.count { throw LineProblem(message: "not valid JSON: the line ends inside a number (a torn line?)", truncated: true) }
            return nil
        }
        if bytes[end] == UInt8(ascii: "0") { end += 1 } else { while digit(end) { end += 1 } }
        if end < bytes.count && bytes[end] == UInt8(ascii: ".") {
            end += 1
            guard digit(end) else { return try badNumber(end) }
            while digit(end) { end += 1 }
        }
        if end < bytes.count && (bytes[end] == UInt8(ascii: "e") || bytes[end] == UInt8(ascii: "E")) {
            end += 1
            if end < bytes.count && (bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-")) { end += 1 }
            guard digit(end) else { return try badNumber(end) }
            while digit(end) { end += 1 }
        }
        // A number must be followed by a delimiter inside the line (also what keeps strtof in bounds).
        guard end < bytes.count else {
            throw LineProblem(message: "not valid JSON: the line ends inside the list (a torn line?)", truncated: true)
        }
        return end
    }

    func badNumber(_ index: Int) throws(LineProblem) -> Int? {
        if index >= bytes.count { throw LineProblem(message: "not valid JSON: the line ends inside a number (a torn line?)", truncated: true) }
        throw LineProblem(message: "not valid JSON at column \(index + 1): a malformed number")
    }

    /// The float32 nearest to the (grammar-checked) number token `range`: strtof on a
    /// NUL-terminated copy, so it never reads past the token.
    func parseFloat(_ range: Range<Int>) -> Float {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { text in
            for (offset, index) in range.enumerated() { text[offset] = CChar(bitPattern: bytes[index]) }
            text[range.count] = 0
            return strtof(text.baseAddress!, nil)
        }
    }

    func hasWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        return at + utf8.count <= bytes.count && Array(bytes[at..<(at + utf8.count)]) == utf8
    }

    /// Throws a truncation when the line ends within one of `words` (e.g. "tr" of "true").
    func checkTornWord(_ words: [String]) throws(LineProblem) {
        let rest = Array(bytes[at...])
        if words.contains(where: { rest.count < $0.utf8.count && Array($0.utf8.prefix(rest.count)) == rest }) {
            throw LineProblem(message: "not valid JSON: the line ends inside a literal (a torn line?)", truncated: true)
        }
    }

    /// `[number, …]` into `values`.
    mutating func numbers(into values: inout [Float]) throws(LineProblem) {
        at += 1
        skipSpace()
        if try peek() == UInt8(ascii: "]") { at += 1; return }
        while true {
            skipSpace()
            let index = values.count
            guard let end = try numberEnd() else {
                for word in ["NaN", "Infinity", "-Infinity"] where hasWord(word) {
                    throw LineProblem(kind: .nonFinite, message: "embedding[\(index)] is \(word), expected a finite number")
                }
                try checkTornWord(["NaN", "Infinity", "-Infinity", "true", "false", "null"])
                throw LineProblem(message: "embedding[\(index)] must be a number, found \(describeValue())")
            }
            let value = parseFloat(at..<end)
            if !value.isFinite {
                let text = String(decoding: bytes[at..<end], as: UTF8.self)
                throw LineProblem(kind: .nonFinite, message: "embedding[\(index)] is \(text), beyond float32's range, expected a finite float32")
            }
            values.append(value)
            at = end
            skipSpace()
            let next = try peek()
            at += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { at -= 1; throw syntax("expected ',' or ']' in 'embedding'") }
        }
    }

    /// Skips any JSON value.
    mutating func skipValue(depth: Int) throws(LineProblem) {
        guard depth < 256 else { throw LineProblem(message: "not valid JSON: nested deeper than 256 levels") }
        switch try peek() {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[at] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            at += 1
            skipSpace()
            if try peek() == close { at += 1; return }
            while true {
                skipSpace()
                if isObject {
                    guard try peek() == UInt8(ascii: "\"") else { throw syntax("expected a key string") }
                    _ = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                let next = try peek()
                at += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { at -= 1; throw syntax("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
            }
        default:
            for word in ["true", "false", "null"] where hasWord(word) {
                at += word.utf8.count
                return
            }
            try checkTornWord(["true", "false", "null"])
            guard let end = try numberEnd() else { throw syntax("expected a JSON value") }
            at = end
        }
    }
}
