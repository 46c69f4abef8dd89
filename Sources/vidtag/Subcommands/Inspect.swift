import ArgumentParser
import Foundation
import Media

/// `vidtag inspect FILE...`: container, streams and sampling instants, one JSON line per file.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe media files: container, duration, streams and the frames that would be sampled.",
        discussion: """
            Prints one JSON line per file, in order: {"path", "format", "duration", "streams", \
            "sampled_timestamps"}, or {"path", "error": {"stage", "code", "message"}} for a file \
            that cannot be read.

            Exit status: 0 when every file was read, 2 when some failed, 1 on bad usage.
            """
    )

    @Argument(help: "Media files (video, audio or image).")
    var files: [String]

    @OptionGroup var sampling: SamplingOptions

    func run() throws {
        var failures = 0
        for path in files {
            let line: String
            do {
                let inspection = try MediaInspection(path: path, plan: sampling.plan())
                line = try JSONLine.encode(inspection)
            } catch {
                failures += 1
                line = try JSONLine.encode(ErrorRecord(path: path, error: error))
            }
            JSONLine.write(line)
        }
        if failures > 0 { throw ExitCode(2) }
    }
}
