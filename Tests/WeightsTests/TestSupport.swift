import Foundation
import Testing
@testable import Weights

/// `Fixtures/safetensors/`, written by `Scripts/reference/make_safetensors_fixtures.py`.
let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/safetensors")

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("WeightsTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Writes `bytes` to `name` and returns its path.
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The names of the files in the directory.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

/// The bytes of a safetensors file: the length prefix (the header's byte count unless
/// `length` overrides it), the header, the data.
func safetensorsBytes(header: [UInt8], data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    withUnsafeBytes(of: (length ?? UInt64(header.count)).littleEndian, Array.init) + header + data
}

/// ``safetensorsBytes(header:data:length:)`` with a header given as text.
func safetensorsBytes(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    safetensorsBytes(header: Array(header.utf8), data: data, length: length)
}

/// The bytes of a hex string such as `"00ff"`.
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
}

/// The name of an error's enum case, e.g. `sizeMismatch`.
func caseName(_ error: SafetensorsError) -> String {
    Mirror(reflecting: error).children.first?.label ?? String(describing: error)
}

