import Foundation
import Testing

/// `vidtag inspect`: one JSON line per file, in order, and honest exit codes.
@Suite struct InspectCommandTests {
    func media(_ name: String) -> String { CLI.fixtures.appendingPathComponent("media/\(name)").path }

    @Test func goodFilesExitZero() throws {
        let result = try CLI.run(["inspect", "--frames", "4", media("h264_aac.mp4"), media("audio.mp3"),
                                  media("cover.png")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.count == 3)
        let video = CLI.object(result.lines[0])
        #expect(video["sampled_timestamps"] as? [Double] == [0.5, 1.5, 2.5, 3.5])
        #expect((video["streams"] as? [[String: Any]])?.count == 2)
        #expect((CLI.object(result.lines[1])["sampled_timestamps"] as? [Double])?.isEmpty == true)
    }

    @Test func someBadFilesExitTwoWithErrorRecordsInOrder() throws {
        let names = ["h264_aac.mp4", "text.mp4", "rotated_90.mp4", "playlist_network.m3u8", "missing.mp4"]
        let result = try CLI.run(["inspect"] + names.map(media))
        #expect(result.status == 2)
        #expect(result.lines.count == names.count)
        let codes = result.lines.map { (CLI.object($0)["error"] as? [String: Any])?["code"] as? String }
        #expect(codes == [nil, "not_media", nil, "format_not_allowed", "unreadable"])
        #expect(CLI.object(result.lines[2])["path"] as? String == media("rotated_90.mp4"))
        let streams = CLI.object(result.lines[2])["streams"] as? [[String: Any]]
        #expect(streams?.first?["rotation"] as? Int == 90)
    }

    /// Bad usage: exit 1, nothing on standard output, and an error naming what is wrong.
    @Test(arguments: [
        ([], "Missing expected argument '<files> ...'"),
        (["--frames", "0"], "--frames must be 1 to 256, got 0"),
        (["--sampling", "sometimes"], "'sometimes' is invalid for '--sampling <sampling>'"),
    ])
    func badUsageExitsOne(arguments: [String], message: String) throws {
        let files = arguments.isEmpty ? [] : [media("h264_aac.mp4")]
        let result = try CLI.run(["inspect"] + arguments + files)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func helpDocumentsExitStatus() throws {
        let help = try CLI.run(["inspect", "--help"])
        #expect(help.stdout.contains("Exit status: 0 when every file was read, 2 when some failed, 1 on bad usage"))
    }
}
