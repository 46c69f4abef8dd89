import Foundation
import Weights

/// A JSON object read from one of a model directory's configuration files (by the strict
/// parser of untrusted files, ``JSONParser``), with typed accessors whose errors name the file
/// and the key. A key given twice counts with its last value, as in Python's `json`.
struct ConfigFile {
    let path: String
    let members: [String: JSONValue]

    init(path: String, _ members: [(key: String, value: JSONValue)]) {
        self.path = path
        self.members = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Reads the object at `path`; nil when the file does not exist.
    static func read(optional path: String) throws(TextEncoderError) -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try read(path, what: "a JSON file")
    }

    /// Reads the object at `path`; `what` names the file's role in the missing-file error.
    static func read(_ path: String, what: String) throws(TextEncoderError) -> ConfigFile {
        guard case let .object(members) = try parse(path, what: what) else {
            throw .malformedFile(path: path, reason: "expected a JSON object at the top level")
        }
        return ConfigFile(path: path, members)
    }

    /// Reads a top-level JSON array of objects (e.g. `modules.json`).
    static func readArray(_ path: String, what: String) throws(TextEncoderError) -> [ConfigFile] {
        guard case let .array(values) = try parse(path, what: what) else {
            throw .malformedFile(path: path, reason: "expected a JSON array at the top level")
        }
        var objects: [ConfigFile] = []
        for value in values {
            guard case let .object(members) = value else {
                throw .malformedFile(path: path, reason: "expected an array of objects, found \(value.brief)")
            }
            objects.append(ConfigFile(path: path, members))
        }
        return objects
    }

    private static func parse(_ path: String, what: String) throws(TextEncoderError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw .missingFile(path: path, what: what) }
        guard String(data: data, encoding: .utf8) != nil else { throw .malformedFile(path: path, reason: "not valid UTF-8") }
        do {
            return try data.withUnsafeBytes { bytes throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
        } catch {
            throw .malformedFile(path: path, reason: "not valid JSON: \(error)")
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
        .malformedFile(path: path, reason: "'\(key)' should be \(expected), found \(found.brief)")
    }

    func bool(_ key: String) throws(TextEncoderError) -> Bool? {
        guard let value = self[key] else { return nil }
        guard case let .bool(bool) = value else { throw mismatch(key, "true or false", value) }
        return bool
    }

    /// An integer; values beyond `Int` (transformers writes 1e30 for "no limit") become `Int.max`.
    func int(_ key: String) throws(TextEncoderError) -> Int? {
        guard let value = self[key] else { return nil }
        guard let number = value.double, number == number.rounded() else {
            throw mismatch(key, "an integer", value)
        }
        return number >= 9.2e18 ? Int.max : Int(number)
    }

    func double(_ key: String) throws(TextEncoderError) -> Double? {
        guard let value = self[key] else { return nil }
        guard let number = value.double else { throw mismatch(key, "a number", value) }
        return number
    }

    func string(_ key: String) throws(TextEncoderError) -> String? {
        guard let value = self[key] else { return nil }
        guard case let .string(string) = value else { throw mismatch(key, "a string", value) }
        return string
    }

    func object(_ key: String) throws(TextEncoderError) -> ConfigFile? {
        guard let value = self[key] else { return nil }
        guard case let .object(members) = value else { throw mismatch(key, "an object", value) }
        return ConfigFile(path: path, members)
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
        case .object:
            if case let .string(string)? = value["content"] { return string }
            return nil
        default: return nil
        }
    }
}
