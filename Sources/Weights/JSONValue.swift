/// A JSON value as the strict parser (``JSONParser``, RFC 8259) reads it: the one JSON value of
/// the readers of untrusted files (safetensors headers, model directories' configuration).
///
/// Why not `JSONSerialization`: the files are untrusted, and the parser
/// - keeps object members in order with duplicates, so a repeated tensor name is reported
///   instead of silently dropped;
/// - keeps numbers as their literal text, so `3`, `3.0` and `true` are told apart and an
///   integer too large for `Int` is an error rather than a rounded `Double`;
/// - bounds nesting depth, so a hostile header cannot overflow the stack;
/// - reports the byte offset of a syntax error.
package enum JSONValue: Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The literal text of a number, e.g. `-12`, `3.5e2`.
    case number(String)
    case bool(Bool)
    case null

    /// The value if it is a non-negative integer literal (no fraction, no exponent) that fits
    /// in `Int`; `nil` otherwise.
    package var nonNegativeInteger: Int? {
        guard case let .number(text) = self,
              !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
              let value = Int(text), value >= 0
        else { return nil }
        return value
    }

    /// An object's member `key` (its last value when the key is repeated); nil when absent or
    /// when this is not an object.
    package subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The number's value as a Double (nil for anything but a number).
    package var double: Double? {
        guard case let .number(text) = self else { return nil }
        return Double(text)
    }

    /// The value in a few words, for error messages: numbers, booleans and null as written,
    /// strings quoted (cut at 40 characters), "an array" or "an object".
    package var brief: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case let .string(text):
            return text.count <= 40 ? Self.quoted(text) : Self.quoted(String(text.prefix(40)) + "…")
        case let .number(text): return text
        case let .bool(value): return String(value)
        case .null: return "null"
        }
    }

    /// `text` as a JSON string literal: quotes, backslash and control characters escaped,
    /// everything else as UTF-8.
    package static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
