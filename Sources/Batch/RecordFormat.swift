import Foundation

/// How `vidtag classify` writes its records: JSON lines (every field), or one flat row per
/// record as CSV (RFC 4180 quoting) or TSV, for spreadsheets and databases.
///
/// The rows have a header line and the columns below; a prediction fills the level columns,
/// an error record the error columns. A line break or (TSV) a tab inside a value becomes a
/// space, so that every record stays one line and `--resume` can read the ids back.
public enum RecordFormat: String, Sendable, CaseIterable {
    case jsonl, csv, tsv

    public static let columns = [
        "id", "input", "level1", "level1_name", "level1_name_en", "level1_score",
        "level2", "level2_name", "level2_name_en", "level2_score", "error_code", "error_message",
    ]

    /// The first line of a file in this format (none for JSON lines).
    public var header: String? { self == .jsonl ? nil : join(Self.columns) }

    /// `line` (one JSON record) in this format.
    public func row(_ line: String) -> String {
        guard self != .jsonl,
              let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        else { return line }
        func text(_ value: Any?) -> String {
            switch value {
            case let string as String: return string
            case let number as NSNumber: return "\(number.doubleValue)"
            default: return ""
            }
        }
        var values = [text(object["id"]), text(object["input"])]
        for level in ["level1", "level2"] {
            let category = object[level] as? [String: Any]
            values += ["id", "name", "name_en", "score"].map { text(category?[$0]) }
        }
        let error = object["error"] as? [String: Any]
        values += [text(error?["code"]), text(error?["message"])]
        return join(values)
    }

    /// The id and the fields named `keys` of a line written in this format; nil for a line that
    /// is not a record (the header, or damage).
    func fields(of line: Data, _ keys: [String]) -> [String: String]? {
        switch self {
        case .jsonl:
            guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any],
                  let id = object["id"] as? String else { return nil }
            var fields = ["id": id]
            for key in keys {
                if key == "error_code" { fields[key] = (object["error"] as? [String: Any])?["code"] as? String }
                else { fields[key] = object[key] as? String }
            }
            return fields
        case .csv, .tsv:
            let text = String(decoding: line, as: UTF8.self)
            guard text != header else { return nil }
            let values = split(text)
            guard values.count == Self.columns.count, !values[0].isEmpty else { return nil }
            return Dictionary(uniqueKeysWithValues: zip(Self.columns, values).filter { $0.0 == "id" || keys.contains($0.0) })
        }
    }

    private func join(_ values: [String]) -> String {
        switch self {
        case .jsonl: return values.joined()
        case .tsv:
            return values.map { String($0.map { $0 == "\t" || $0.isNewline ? " " : $0 }) }.joined(separator: "\t")
        case .csv:
            return values.map { value in
                let flat = String(value.map { $0.isNewline ? " " : $0 })
                return flat.contains(where: { $0 == "," || $0 == "\"" }) || flat.hasPrefix(" ") || flat.hasSuffix(" ")
                    ? "\"" + flat.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : flat
            }.joined(separator: ",")
        }
    }

    private func split(_ row: String) -> [String] {
        guard self == .csv else { return row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        var values: [String] = [], current = "", quoted = false, characters = Array(row), index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c == "\"" {
                    if index + 1 < characters.count && characters[index + 1] == "\"" { current.append("\""); index += 1 }
                    else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { values.append(current); current = "" }
            else { current.append(c) }
            index += 1
        }
        values.append(current)
        return values
    }
}
