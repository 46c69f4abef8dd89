import Foundation

/// Training and evaluation labels: JSON lines `{"id", "level1", "level2"}` with
/// category ids from the taxonomy. Blank lines are skipped; every other line must be a valid
/// label whose level-2 category is a child of its level-1 category, and ids must not repeat.
public struct Labels: Sendable {
    public struct Entry: Sendable, Equatable {
        public var level1: Int
        public var level2: Int
        /// 1-based line number in the file.
        public var line: Int
    }

    /// Item id → classes.
    public let entries: [String: Entry]
    /// Ids in file order.
    public let order: [String]

    public static func load(path: String, taxonomy: Taxonomy) throws(LabelError) -> Labels {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path, taxonomy: taxonomy)
    }

    public static func parse(_ text: String, source: String, taxonomy: Taxonomy) throws(LabelError) -> Labels {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let object: [String: Any]
            do {
                guard let value = try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                    throw LabelError.malformed(source: source, line: line, reason: "not a JSON object")
                }
                object = value
            } catch let error as LabelError {
                throw error
            } catch {
                throw .malformed(source: source, line: line, reason: "not JSON")
            }
            func field(_ key: String) throws(LabelError) -> String {
                guard let value = object[key] else { throw .missingField(source: source, line: line, field: key) }
                guard let text = value as? String, !text.isEmpty else {
                    throw .malformed(source: source, line: line, reason: "\"\(key)\" must be a non-empty string")
                }
                return text
            }
            let id = try field("id"), l1 = try field("level1"), l2 = try field("level2")
            guard let i = taxonomy.level1Index(of: l1) else {
                throw .unknownCategory(source: source, line: line, level: 1, id: l1)
            }
            guard let j = taxonomy.level2Index(of: l2) else {
                throw .unknownCategory(source: source, line: line, level: 2, id: l2)
            }
            guard taxonomy.parents[j] == i else {
                throw .notAChild(source: source, line: line, level1: l1, level2: l2,
                                 parent: taxonomy.level1[taxonomy.parents[j]].id)
            }
            if let first = entries[id] { throw .duplicateId(source: source, line: line, id: id, firstLine: first.line) }
            entries[id] = Entry(level1: i, level2: j, line: line)
            order.append(id)
        }
        return Labels(entries: entries, order: order)
    }
}

public enum LabelError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(source: String, line: Int, reason: String)
    case missingField(source: String, line: Int, field: String)
    case unknownCategory(source: String, line: Int, level: Int, id: String)
    case notAChild(source: String, line: Int, level1: String, level2: String, parent: String)
    case duplicateId(source: String, line: Int, id: String, firstLine: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read labels \(path): \(reason)"
        case let .malformed(source, line, reason): return "\(source):\(line): \(reason)"
        case let .missingField(source, line, field): return "\(source):\(line): no \"\(field)\""
        case let .unknownCategory(source, line, level, id):
            return "\(source):\(line): level\(level) \"\(id)\" is not in the taxonomy"
        case let .notAChild(source, line, level1, level2, parent):
            return "\(source):\(line): level2 \"\(level2)\" is not a child of level1 \"\(level1)\" (its parent is \"\(parent)\")"
        case let .duplicateId(source, line, id, firstLine):
            return "\(source):\(line): id \"\(id)\" already labelled on line \(firstLine)"
        }
    }
}
