import Foundation

/// The part of JSON Schema (draft 2020-12) that vidtag's schemas use: type, const, enum,
/// properties, required, additionalProperties, propertyNames, items, minItems, minLength,
/// minimum, maximum, pattern, anyOf and local `$ref`s into `$defs`. Anything else in a schema is
/// an error, so a schema cannot silently check less than it says.
struct JSONSchemaValidator {
    let root: [String: Any]

    init(file: URL) throws {
        root = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
    }

    static let known: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum", "properties", "required",
        "additionalProperties", "propertyNames", "items", "minItems", "minLength", "minimum", "maximum", "pattern", "anyOf",
    ]

    /// The problems of `value` against the schema, each with its JSON path; empty when valid.
    func problems(_ value: Any) -> [String] { check(value, against: root, at: "$") }

    private func check(_ value: Any, against schema: [String: Any], at path: String) -> [String] {
        if let unknown = schema.keys.first(where: { !Self.known.contains($0) }) { return ["\(path): schema keyword \(unknown) unsupported"] }
        if let reference = schema["$ref"] as? String {
            let name = reference.replacingOccurrences(of: "#/$defs/", with: "")
            guard let target = (root["$defs"] as? [String: Any])?[name] as? [String: Any] else { return ["\(path): no \(reference)"] }
            return check(value, against: target, at: path)
        }
        var found: [String] = []
        if let types = schema["type"] {
            let allowed = (types as? [String]) ?? [types as! String]
            if !allowed.contains(where: { Self.isA(value, $0) }) { return ["\(path): expected \(allowed.joined(separator: " or ")), found \(value)"] }
        }
        if let constant = schema["const"], !Self.equal(constant, value) { found.append("\(path): expected \(constant)") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            found.append("\(path): \(value) is not one of \(options)")
        }
        if let anyOf = schema["anyOf"] as? [[String: Any]], !anyOf.contains(where: { check(value, against: $0, at: path).isEmpty }) {
            found.append("\(path): matches none of anyOf")
        }
        if let text = value as? String {
            if let minimum = schema["minLength"] as? Int, text.count < minimum { found.append("\(path): shorter than \(minimum)") }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                found.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        if let number = value as? NSNumber, !(value is Bool) {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { found.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum { found.append("\(path): above \(maximum)") }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path): missing \(key)") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, item) in object.sorted(by: { $0.key < $1.key }) {
                if let names = schema["propertyNames"] as? [String: Any] { found += check(key, against: names, at: "\(path).\(key) (name)") }
                if let property = properties[key] as? [String: Any] {
                    found += check(item, against: property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if let allowed = additional as? Bool {
                        if !allowed { found.append("\(path): unexpected property \(key)") }
                    } else if let itemSchema = additional as? [String: Any] {
                        found += check(item, against: itemSchema, at: "\(path).\(key)")
                    }
                }
            }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum { found.append("\(path): fewer than \(minimum) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() { found += check(item, against: items, at: "\(path)[\(i)]") }
            }
        }
        return found
    }

    static func isA(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        // JSONSerialization gives booleans as NSNumbers of type char ("c").
        case "boolean": return (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "number": return value is NSNumber && !isA(value, "boolean")
        case "integer": return (value as? NSNumber).map { !isA(value, "boolean") && $0.doubleValue == $0.doubleValue.rounded() } ?? false
        default: return false
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y && isA(a, "boolean") == isA(b, "boolean") }
        return false
    }
}
