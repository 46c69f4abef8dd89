import Foundation

/// The built `vidtag` executable, run as a user would.
enum CLI {
    /// The folder of the build products (the test bundle sits beside the executable).
    static let products: URL = {
        var url = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("vidtag").path)
            && url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs `vidtag arguments…` (or another of the package's executables) to completion.
    static func run(_ arguments: [String], program: String = "vidtag") throws -> Result {
        let process = Process()
        process.executableURL = products.appendingPathComponent(program)
        process.arguments = arguments
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently so neither fills up and blocks the child; the group's
        // wait orders the reader's write before the read below.
        nonisolated(unsafe) var errorData = Data()
        let reader = DispatchGroup()
        DispatchQueue.global().async(group: reader) { errorData = err.fileHandleForReading.readDataToEndOfFile() }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        reader.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
                      stderr: String(decoding: errorData, as: UTF8.self))
    }

    /// A `vidtag` process started in the background, its standard output and error going to
    /// files (so a test can watch lines appear), its standard input a pipe the test holds.
    final class Running {
        let process = Process()
        let input = Pipe()
        let stdout: URL
        let stderr: URL

        init(_ arguments: [String], environment: [String: String]? = nil) throws {
            let folder = TestFolder.root.appendingPathComponent("run-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            (stdout, stderr) = (folder.appendingPathComponent("stdout"), folder.appendingPathComponent("stderr"))
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.executableURL = products.appendingPathComponent("vidtag")
            process.arguments = arguments
            if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            process.standardInput = input
            try process.run()
        }

        /// The whole lines written so far to `file` (standard output by default).
        func lines(of file: URL? = nil) -> [String] {
            let text = (try? String(contentsOf: file ?? stdout, encoding: .utf8)) ?? ""
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }

        /// Waits until `file` holds at least `count` whole lines; false on timeout or exit.
        func waitForLines(_ count: Int, in file: URL? = nil, timeout: Double = 300) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if lines(of: file).count >= count { return true }
                if !process.isRunning { return lines(of: file).count >= count }
                usleep(20_000)
            }
            return false
        }

        func send(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
        func closeInput() { try? input.fileHandleForWriting.close() }

        /// Waits for the exit and returns the status (or the signal number, for a killed process).
        func wait() -> Int32 {
            process.waitUntilExit()
            return process.terminationStatus
        }

        var errorText: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }
    }

    /// Runs `vidtag arguments…` to completion with extra environment variables.
    static func run(_ arguments: [String], environment: [String: String]) throws -> Result {
        let running = try Running(arguments, environment: environment)
        running.closeInput()
        let status = running.wait()
        return Result(status: status, stdout: (try? String(contentsOf: running.stdout, encoding: .utf8)) ?? "",
                      stderr: running.errorText)
    }

    /// The JSON object on one output line.
    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// The error code of an error record's line, or nil for any other line.
    static func errorCode(_ line: String) -> String? { (object(line)["error"] as? [String: Any])?["code"] as? String }
}
