import ArgumentParser
import Bundles
import Foundation
import Media
import Pipeline
import Weights

/// `vidtag inspect FILE...`: container, streams and sampling instants, one JSON line per file.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe media files: container, duration, streams and the frames that would be sampled.",
        discussion: """
            Prints one JSON line per file, in order: {"path", "format", "duration", "streams", \
            "sampled_timestamps"}, or {"path", "error": {"stage", "code", "message"}} for a file \
            that cannot be read. The timestamps are those `vidtag classify` would sample: the \
            bundle's frame count (--bundle, $VIDTAG_BUNDLE, else the installed or demo bundle; 16 \
            when there is none) unless --frames or --fps says otherwise.

            Exit status: 0 when every file was read, 2 when some failed, 1 on bad usage.
            """
    )

    @Argument(help: "Media files (video, audio or image).")
    var files: [String]

    @Option(help: "The model bundle whose sampling to show (default: as classify finds it).")
    var bundle: String?

    @OptionGroup var sampling: SamplingOptions

    func run() throws {
        // The bundle's frame count, as classify would use it: a bundle given must load; none
        // found otherwise is not an error here.
        let frames: Int
        if let bundle {
            do { frames = try ModelBundle.load(directory: bundle).preprocessing.frames } catch { throw CommandFailure(error) }
        } else {
            frames = (try? BundleLocator.locate(explicit: nil)).flatMap { try? ModelBundle.load(directory: $0) }?
                .preprocessing.frames ?? 16
        }
        let plan = sampling.plan(defaultFrames: frames)
        var failures = 0
        for path in files {
            let line: String
            do {
                let inspection = try MediaInspection(path: path, plan: plan)
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
