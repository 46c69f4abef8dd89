import ArgumentParser
import Foundation
import Weights

/// `vidtag weights inspect FILE`: the tensors and metadata of a safetensors file.
struct WeightsInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the tensors (name, dtype, shape, bytes) and metadata of a safetensors file.",
        discussion: """
            Prints a table of the tensors in file order with a total line, then the metadata. \
            With --json, prints one JSON line per tensor, {"name", "dtype", "shape", "bytes"}, \
            then one line {"metadata": {...}}.

            The whole header is validated first; a malformed file is an error (exit status 1) \
            naming the file, the tensor, and what was expected and found.
            """
    )

    @Argument(help: "A safetensors file.")
    var file: String

    @Flag(help: "Print JSON lines instead of a table.")
    var json = false

    func run() throws {
        let weights: SafetensorsFile
        do {
            weights = try SafetensorsFile(path: file)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if json {
            try printJSONLines(weights)
        } else {
            printTable(weights)
        }
    }

    /// One line per tensor, then the metadata.
    private func printJSONLines(_ weights: SafetensorsFile) throws {
        struct TensorLine: Encodable {
            let name: String
            let dtype: String
            let shape: [Int]
            let bytes: Int
        }
        struct MetadataLine: Encodable {
            let metadata: [String: String]
        }
        for entry in weights.entries {
            JSONLine.write(try JSONLine.encode(
                TensorLine(name: entry.name, dtype: entry.dtype.rawValue, shape: entry.shape, bytes: entry.byteCount)))
        }
        JSONLine.write(try JSONLine.encode(MetadataLine(metadata: weights.metadata)))
    }

    /// Aligned columns name, dtype, shape, bytes; a total line; the metadata sorted by key.
    private func printTable(_ weights: SafetensorsFile) {
        let rows = [["name", "dtype", "shape", "bytes"]] + weights.entries.map {
            [$0.name, $0.dtype.rawValue, "\($0.shape)", String($0.byteCount)]
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + "  " + String(repeating: " ", count: widths[3] - row[3].count) + row[3]
        }
        let totalBytes = weights.entries.reduce(0) { $0 + $1.byteCount }
        let totalElements = weights.entries.reduce(0) { $0 + $1.elementCount }
        lines.append("total: \(weights.entries.count) tensors, \(totalElements) elements, "
            + "\(totalBytes) bytes (\(Self.humanReadable(bytes: totalBytes)))")
        if weights.metadata.isEmpty {
            lines.append("metadata: none")
        } else {
            lines.append("metadata:")
            for (key, value) in weights.metadata.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(Self.escapingControls(key)): \(Self.escapingControls(value))")
            }
        }
        print(lines.joined(separator: "\n"))
    }

    /// `1536` → `1.5 KiB`.
    static func humanReadable(bytes: Int) -> String {
        var value = Double(bytes)
        for unit in ["B", "KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" {
                return unit == "B" ? "\(bytes) B" : String(format: "%.1f %@", value, unit)
            }
            value /= 1024
        }
        return "\(bytes) B"
    }

    /// The text with control characters (newlines, tabs, …) written as escapes, so that each
    /// metadata entry stays on one line.
    static func escapingControls(_ text: String) -> String {
        text.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
            .joined()
    }
}
