import Foundation

/// Any JSON value, as decoded from a model directory's configuration files.
enum JSONValue: Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return String(value)
        case let .number(value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case let .string(value): return "\"\(value)\""
        case let .array(values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case let .object(members): return "{" + members.keys.sorted().joined(separator: ", ") + "}"
        }
    }
}

/// A JSON object read from one of a model directory's configuration files, with typed
/// accessors whose errors name the file and the key.
struct JSONObject {
    let path: String
    let members: [String: JSONValue]

    /// Reads the object at `path`; nil when the file does not exist.
    static func read(optional path: String) throws(TextEncoderError) -> JSONObject? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try read(path, what: "a JSON file")
    }

    /// Reads the object at `path`; `what` names the file's role in the missing-file error.
    static func read(_ path: String, what: String) throws(TextEncoderError) -> JSONObject {
        guard case let .object(members) = try parse(path, what: what) else {
            throw .malformedFile(path: path, reason: "expected a JSON object at the top level")
        }
        return JSONObject(path: path, members: members)
    }

    /// Reads a top-level JSON array of objects (e.g. `modules.json`).
    static func readArray(_ path: String, what: String) throws(TextEncoderError) -> [JSONObject] {
        guard case let .array(values) = try parse(path, what: what) else {
            throw .malformedFile(path: path, reason: "expected a JSON array at the top level")
        }
        var objects: [JSONObject] = []
        for value in values {
            guard case let .object(members) = value else {
                throw .malformedFile(path: path, reason: "expected an array of objects, found \(value)")
            }
            objects.append(JSONObject(path: path, members: members))
        }
        return objects
    }

    private static func parse(_ path: String, what: String) throws(TextEncoderError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw .missingFile(path: path, what: what) }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .malformedFile(path: path, reason: "not valid JSON")
        }
    }

    /// The value at `key`, nil when absent or null.
    subscript(key: String) -> JSONValue? {
        if case .null = members[key] ?? .null { return nil }
        return members[key]
    }

    /// Whether `key` is present and not null.
    func has(_ key: String) -> Bool { self[key] != nil }

    private func mismatch(_ key: String, _ expected: String, _ found: JSONValue) -> TextEncoderError {
        .malformedFile(path: path, reason: "'\(key)' should be \(expected), found \(found)")
    }

    func bool(_ key: String) throws(TextEncoderError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard case let .bool(bool) = value else { throw mismatch(key, "true or false", value) }
        return bool
    }

    /// An integer; values beyond `Int` (transformers writes 1e30 for "no limit") become `Int.max`.
    func int(_ key: String) throws(TextEncoderError) -> Int? {
        guard let value = self[key] else { return nil }
        guard case let .number(number) = value, number == number.rounded() else {
            throw mismatch(key, "an integer", value)
        }
        return number >= 9.2e18 ? Int.max : Int(number)
    }

    func double(_ key: String) throws(TextEncoderError) -> Double? {
        guard let value = self[key] else { return nil }
        guard case let .number(number) = value else { throw mismatch(key, "a number", value) }
        return number
    }

    func string(_ key: String) throws(TextEncoderError) -> String? {
        guard let value = self[key] else { return nil }
        guard case let .string(string) = value else { throw mismatch(key, "a string", value) }
        return string
    }

    func object(_ key: String) throws(TextEncoderError) -> JSONObject? {
        guard let value = self[key] else { return nil }
        guard case let .object(members) = value else { throw mismatch(key, "an object", value) }
        return JSONObject(path: path, members: members)
    }

    func array(_ key: String) throws(TextEncoderError) -> [JSONValue]? {
        guard let value = self[key] else { return nil }
        guard case let .array(values) = value else { throw mismatch(key, "an array", value) }
        return values
    }

    /// A token given as a string or as an `AddedToken` object `{"content": ...}`.
    func token(_ key: String) throws(TextEncoderError) -> String? {
        guard let value = self[key] else { return nil }
        guard let content = Self.tokenContent(value) else {
            throw mismatch(key, "a token (a string or an object with \"content\")", value)
        }
        return content
    }

    static func tokenContent(_ value: JSONValue) -> String? {
        switch value {
        case let .string(string): return string
        case let .object(members):
            if case let .string(string) = members["content"] ?? .null { return string }
            return nil
        default: return nil
        }
    }
}
