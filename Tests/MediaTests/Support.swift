import Foundation
import Media

/// Paths of the committed media fixtures (made by Scripts/fixtures/make_media_fixtures.sh).
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/media")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

/// The ffmpeg command-line tool, the independent reference for decoded pixels and samples.
enum FFmpegCLI {
    /// Runs ffmpeg with `arguments` and returns what it wrote to standard output.
    static func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-nostdin", "-v", "error"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError(message: "ffmpeg \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return data
    }

    struct CLIError: Error { let message: String }

    /// The frame the CLI gives at `time` (accurate seek, autorotation), scaled as FrameScaler does.
    /// With no time, the first frame (still images).
    static func frame(_ path: String, at time: Double?, width: Int, height: Int) throws -> [UInt8] {
        let seek = time.map { ["-ss", String(format: "%.6f", $0)] } ?? []
        let data = try run(seek + [
            "-i", path, "-frames:v", "1", "-an",
            "-vf", "scale=\(width):\(height):flags=bicubic+accurate_rnd+full_chroma_int",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ])
        return [UInt8](data)
    }

    /// Frame number `number` (from 0), scaled as FrameScaler does.
    static func frame(_ path: String, number: Int, width: Int, height: Int) throws -> [UInt8] {
        [UInt8](try run([
            "-i", path, "-an", "-vf",
            "select=eq(n\\,\(number)),scale=\(width):\(height):flags=bicubic+accurate_rnd+full_chroma_int",
            "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ]))
    }

    /// The file's audio as the CLI down-mixes and resamples it: mono, 16 kHz, float32.
    static func audio(_ path: String) throws -> [Float] {
        let data = try run(["-i", path, "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "-"])
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

/// Mean and largest absolute difference of two byte arrays of equal length.
func pixelDifference(_ a: [UInt8], _ b: [UInt8]) -> (mean: Double, max: Int) {
    guard a.count == b.count, !a.isEmpty else { return (.infinity, .max) }
    var total = 0
    var largest = 0
    for (x, y) in zip(a, b) {
        let d = abs(Int(x) - Int(y))
        total += d
        largest = max(largest, d)
    }
    return (Double(total) / Double(a.count), largest)
}
