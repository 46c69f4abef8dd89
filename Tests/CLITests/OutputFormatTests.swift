import Foundation
import Testing

/// `classify --format csv|tsv`: a header line, then one row per record holding the same values
/// as the JSON record (a name with a comma and quotes survives CSV quoting), error records in
/// the error columns, `--resume` continuing a file without repeating a row or the header, and
/// a file of one format never continued in another.
@Suite(.serialized) struct OutputFormatTests {
    static let media = CLI.fixtures.appendingPathComponent("media")
    static let columns = ["id", "input", "level1", "level1_name", "level1_name_en", "level1_score", "level2", "level2_name",
                          "level2_name_en", "level2_score", "error_code", "error_message"]

    /// A folder with a video named `a, "b".mp4`, and a text file named bad.mp4.
    static func dump(_ name: String) throws -> URL {
        let folder = TestFolder.fresh("format-\(name)")
        try FileManager.default.copyItem(at: media.appendingPathComponent("h264_aac.mp4"),
                                         to: folder.appendingPathComponent("a, \"b\".mp4"))
        try FileManager.default.copyItem(at: media.appendingPathComponent("text.mp4"), to: folder.appendingPathComponent("bad.mp4"))
        return folder
    }

    /// RFC 4180 fields of one line (no line breaks inside fields: the writer never makes them).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted && c == "\"" {
                // A doubled quote is one quote; a single one closes the field.
                if index + 1 < characters.count && characters[index + 1] == "\"" { field.append("\""); index += 1 } else { quoted = false }
            } else if !quoted && c == "\"" && field.isEmpty {
                quoted = true
            } else if !quoted && c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
            index += 1
        }
        fields.append(field)
        return fields
    }

    static func expectedRow(_ record: [String: Any]) -> [String] {
        func text(_ value: Any?) -> String {
            if let string = value as? String { return string }
            if let number = value as? NSNumber { return "\(number.doubleValue)" }
            return ""
        }
        let l1 = record["level1"] as? [String: Any], l2 = record["level2"] as? [String: Any]
        let error = record["error"] as? [String: Any]
        return [text(record["id"]), text(record["input"])]
            + ["id", "name", "name_en", "score"].map { text(l1?[$0]) } + ["id", "name", "name_en", "score"].map { text(l2?[$0]) }
            + [text(error?["code"]), text(error?["message"])]
    }

    @Test func csvAndTSVRowsHoldTheJSONRecordsValues() throws {
        let folder = try Self.dump("rows")
        let base = ["classify", "--bundle", ClassifyBundle.path, "--quiet", "--threads", "1", folder.path]
        let json = try CLI.run(base)
        #expect(json.status == 2)
        let records = json.lines.map(CLI.object)
        #expect(records.count == 2)
        for format in ["csv", "tsv"] {
            let result = try CLI.run(base + ["--format", format])
            #expect(result.status == 2, "\(result.stderr)")
            let rows = result.lines.map { format == "csv" ? Self.csvFields($0) : $0.components(separatedBy: "\t") }
            #expect(rows.first == Self.columns, "\(format) header: \(result.lines.first ?? "")")
            #expect(Array(rows.dropFirst()) == records.map(Self.expectedRow), "\(format):\n\(result.stdout)")
        }
        #expect(records.first?["id"] as? String == "a, \"b\"", "the quoted name is the first record")
        #expect(Self.expectedRow(records[1])[10] == "not_media")
    }

    @Test func resumeContinuesARowFileAndRefusesAnotherFormat() throws {
        let folder = try Self.dump("resume")
        let output = folder.appendingPathComponent("out.tsv")
        let first = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--format", "tsv", "--output", output.path,
                                 folder.appendingPathComponent("bad.mp4").path])
        #expect(first.status == 2)
        let resumed = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--format", "tsv", "--output", output.path,
                                   "--resume", folder.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "header, bad, a: \(lines)")
        #expect(lines.filter { $0.hasPrefix("id\t") }.count == 1)
        #expect(lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false).first.map(String.init) ?? "" }
            == ["id", "bad", "a, \"b\""])
        let other = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--format", "csv", "--output", output.path,
                                 "--resume", folder.path])
        #expect(other.status == 1)
        #expect(other.stderr.contains("was written with --format tsv, not csv"), "\(other.stderr)")
    }
}
