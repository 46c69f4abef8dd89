import Foundation
import Weights

/// The taxonomy file:
/// `{"name", "categories": [{"id", "name", "name_en", "children": [{"id", "name", "name_en"}, ...]}, ...]}`.
///
/// Parsing is strict: every category needs a non-empty string `id` and a string `name`
/// (`name_en` is optional), every level-1 category needs at least one child, and ids are
/// unique across both levels. Other keys are ignored. Level-2 classes are indexed in file
/// order.
extension Taxonomy {
    public static func load(path: String) throws(TaxonomyError) -> Taxonomy {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(data, source: path)
    }

    public static func parse(_ data: Data, source: String) throws(TaxonomyError) -> Taxonomy {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .malformed(source: source, reason: "not JSON: \(error.localizedDescription)")
        }
        guard let object = root as? [String: Any] else {
            throw .wrongType(source: source, path: "$", expected: "an object")
        }
        let name = try string(object, "name", "$", source)
        guard let categories = object["categories"] else { throw .missingField(source: source, path: "$", field: "categories") }
        guard let list = categories as? [Any] else {
            throw .wrongType(source: source, path: "$.categories", expected: "an array")
        }
        if list.isEmpty { throw .noCategories(source: source) }
        var seen: [String: String] = [:]
        func claim(_ id: String, _ path: String) throws(TaxonomyError) {
            if let first = seen[id] { throw .duplicateId(source: source, id: id, first: first, second: path) }
            seen[id] = path
        }
        var result: [(Category, [Category])] = []
        for (i, item) in list.enumerated() {
            let path = "$.categories[\(i)]"
            let category = try category(item, path, source)
            try claim(category.id, path)
            guard let rawChildren = (item as? [String: Any])?["children"] else {
                throw .missingField(source: source, path: path, field: "children")
            }
            guard let children = rawChildren as? [Any] else {
                throw .wrongType(source: source, path: path + ".children", expected: "an array")
            }
            if children.isEmpty { throw .emptyChildren(source: source, id: category.id) }
            var kids: [Category] = []
            for (j, child) in children.enumerated() {
                let childPath = path + ".children[\(j)]"
                let kid = try Self.category(child, childPath, source)
                try claim(kid.id, childPath)
                kids.append(kid)
            }
            result.append((category, kids))
        }
        return Taxonomy(name: name, categories: result)
    }

    private static func category(_ item: Any, _ path: String, _ source: String) throws(TaxonomyError) -> Category {
        guard let object = item as? [String: Any] else { throw .wrongType(source: source, path: path, expected: "an object") }
        let id = try string(object, "id", path, source)
        if id.isEmpty { throw .emptyId(source: source, path: path) }
        let name = try string(object, "name", path, source)
        var nameEN: String?
        if let value = object["name_en"], !(value is NSNull) {
            guard let text = value as? String else {
                throw .wrongType(source: source, path: path + ".name_en", expected: "a string")
            }
            nameEN = text
        }
        return Category(id: id, name: name, nameEN: nameEN)
    }

    private static func string(_ object: [String: Any], _ key: String, _ path: String, _ source: String) throws(TaxonomyError) -> String {
        guard let value = object[key] else { throw .missingField(source: source, path: path, field: key) }
        guard let text = value as? String else {
            throw .wrongType(source: source, path: path + "." + key, expected: "a string")
        }
        return text
    }

    // MARK: Writing

    /// The taxonomy as JSON, keys sorted (the same taxonomy always gives the same bytes).
    public func jsonData() -> Data {
        struct Node: Encodable {
            let id: String, name: String, name_en: String?
            let children: [Node]?
        }
        struct Root: Encodable {
            let name: String
            let categories: [Node]
        }
        let ranges = childRanges
        let root = Root(name: name, categories: level1.indices.map { i in
            Node(id: level1[i].id, name: level1[i].name, name_en: level1[i].nameEN,
                 children: ranges[i].map { Node(id: level2[$0].id, name: level2[$0].name, name_en: level2[$0].nameEN, children: nil) })
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(root)) ?? Data()
    }

    /// SHA-256 of ``jsonData()``: names this exact taxonomy in checkpoints.
    public var sha256: String { SHA256.hexDigest(jsonData()) }
}

public enum TaxonomyError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(source: String, reason: String)
    case missingField(source: String, path: String, field: String)
    case wrongType(source: String, path: String, expected: String)
    case noCategories(source: String)
    case emptyId(source: String, path: String)
    case emptyChildren(source: String, id: String)
    case duplicateId(source: String, id: String, first: String, second: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read taxonomy \(path): \(reason)"
        case let .malformed(source, reason): return "\(source): \(reason)"
        case let .missingField(source, path, field): return "\(source): \(path) has no \"\(field)\""
        case let .wrongType(source, path, expected): return "\(source): \(path) must be \(expected)"
        case let .noCategories(source): return "\(source): \"categories\" is empty"
        case let .emptyId(source, path): return "\(source): \(path) has an empty id"
        case let .emptyChildren(source, id): return "\(source): level-1 category \"\(id)\" has no children"
        case let .duplicateId(source, id, first, second):
            return "\(source): id \"\(id)\" is used twice, at \(first) and \(second)"
        }
    }
}
