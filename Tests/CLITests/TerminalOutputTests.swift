import Foundation
import Testing

/// What a run says on standard error, on a terminal and from cron: records on a terminal never
/// hold progress text, `TERM=dumb` and `NO_COLOR` get no escape codes, `--quiet` is silent on
/// success and gives one line per failed input otherwise, an empty input set is said and has
/// its own exit status, and counts are grammatical.
@Suite(.serialized) struct TerminalOutputTests {
    static let media = CLI.fixtures.appendingPathComponent("media")
    static let videos = ["h264_aac.mp4", "vfr.mp4", "no_audio.mp4"].map { media.appendingPathComponent($0).path }

    /// `command` run by util-linux `script` on a pseudo-terminal (standard output and error both
    /// the terminal); the transcript as raw text.
    static func onTerminal(_ command: String, environment: [String: String] = [:]) throws -> (status: Int32, transcript: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["NO_COLOR"] = nil
        process.environment = env.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The lines as a terminal shows them: a carriage return goes back to the line's start and
    /// ESC[K erases what follows (the only codes vidtag writes).
    static func rendered(_ transcript: String) -> [String] {
        transcript.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map { raw in
            var line: [Character] = [], column = 0
            var rest = Substring(raw)
            while let c = rest.first {
                if rest.hasPrefix("\u{1B}[K") {
                    line.removeSubrange(min(column, line.count)...)
                    rest = rest.dropFirst(3)
                    continue
                }
                if c == "\r" { column = 0 } else {
                    if column < line.count { line[column] = c } else { line.append(c) }
                    column += 1
                }
                rest = rest.dropFirst()
            }
            return String(line)
        }
    }

    static var vidtag: String { CLI.products.appendingPathComponent("vidtag").path }

    @Test func recordsOnATerminalHoldNoProgressText() throws {
        let command = ([Self.vidtag, "classify", "--bundle", ClassifyBundle.path] + Self.videos).joined(separator: " ")
        let (status, transcript) = try Self.onTerminal(command)
        #expect(status == 0, "\(transcript)")
        #expect(transcript.contains("\u{1B}[K"), "a live progress line was drawn")
        let records = Self.rendered(transcript).filter { $0.contains("\"schema_version\"") }
        #expect(records.count == 3, "\(Self.rendered(transcript))")
        for line in records { #expect(line.hasPrefix("{\"bundle\"") && line.hasSuffix("}") && !line.contains("videos,"), "\(line)") }

        // Piped on (its reader may write to the same terminal): plain lines, no escape codes.
        let (pipedStatus, piped) = try Self.onTerminal(command + " | cat")
        #expect(pipedStatus == 0 && !piped.contains("\u{1B}["), "\(piped)")
    }

    @Test(arguments: [["TERM": "dumb"], ["NO_COLOR": "1"]])
    func noEscapeCodesForDumbTerminalsOrNoColor(environment: [String: String]) throws {
        let command = ([Self.vidtag, "classify", "--bundle", ClassifyBundle.path] + Self.videos).joined(separator: " ")
        let (status, transcript) = try Self.onTerminal(command, environment: environment)
        #expect(status == 0)
        #expect(!transcript.contains("\u{1B}"), "\(environment): \(transcript)")
        #expect(Self.rendered(transcript).filter { $0.hasPrefix("{\"bundle\"") && $0.hasSuffix("}") }.count == 3)
    }

    @Test func quietIsSilentOnSuccessAndNamesEachFailedInput() throws {
        let success = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet"] + Self.videos)
        #expect(success.status == 0 && success.stderr.isEmpty, "zero bytes on stderr: \(success.stderr)")
        #expect(success.lines.count == 3)

        let bad = Self.media.appendingPathComponent("zeroed_header.mp4").path
        let junk = Self.media.appendingPathComponent("text.mp4").path
        let failing = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", bad, Self.videos[0], junk])
        #expect(failing.status == 2)
        let said = failing.stderr.split(separator: "\n").map(String.init)
        #expect(said.count == 2, "\(failing.stderr)")
        #expect(said.first?.hasPrefix("vidtag: \(bad): ") == true && said.last?.hasPrefix("vidtag: \(junk): not_media") == true,
                "\(said)")

        // --summary brings the summary back, into a file.
        let summaryFile = TestFolder.root.appendingPathComponent("quiet-summary.json")
        let summarised = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--summary", summaryFile.path,
                                      Self.videos[0]])
        #expect(summarised.status == 0 && summarised.stderr.isEmpty)
        let summary = CLI.object(try String(contentsOf: summaryFile, encoding: .utf8))
        #expect(summary["succeeded"] as? Int == 1 && summary["failed"] as? Int == 0, "\(summary)")
    }

    @Test func anEmptyInputSetIsSaidWithExitThree() throws {
        let empty = TestFolder.root.appendingPathComponent("empty-dump")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "not media".write(to: empty.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        for quiet in [[], ["--quiet"]] {
            let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path] + quiet + [empty.path])
            #expect(result.status == 3, "\(quiet)")
            #expect(result.stdout.isEmpty && result.stderr.contains("no inputs") && result.stderr.contains(empty.path),
                    "\(result.stderr)")
        }
    }

    @Test func aFullQuarantineDiskCostsOnlyAWarning() throws {
        let bad = Self.media.appendingPathComponent("zeroed_header.mp4").path
        let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--quarantine", "/dev/full",
                                  bad, Self.videos[0]])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.lines.count == 2 && CLI.object(result.lines[1])["level1"] != nil, "nothing lost")
        #expect(result.stderr.contains("cannot write the quarantine /dev/full"), "\(result.stderr)")
    }
}
