import Foundation
import Media
import Testing

/// Every bad file gives its own typed error, without crashing or reaching beyond the file.
@Suite struct BadInputTests {
    static let cases: [(String, MediaError.Code)] = [
        ("truncated_half.mp4", .corrupt),
        ("zeroed_header.mp4", .notMedia),
        ("random_bytes.mp4", .notMedia),
        ("empty.mp4", .emptyFile),
        ("text.mp4", .notMedia),
        ("playlist_local.m3u8", .formatNotAllowed),
        ("playlist_network.m3u8", .formatNotAllowed),
        ("concat.ffconcat", .formatNotAllowed),
        ("concat_list.txt", .formatNotAllowed),
        ("does_not_exist.mp4", .unreadable),
        (".", .unreadable),
    ]

    @Test(arguments: cases)
    func badFileGivesItsError(_ name: String, _ expected: MediaError.Code) {
        do {
            let file = try MediaFile(path: Fixture.path(name))
            _ = try FrameSampler.sample(file, plan: .uniform(count: 2), mode: .exact, width: 16, height: 16)
            Issue.record("\(name) opened and sampled, expected \(expected)")
        } catch {
            print("\(name): \(error)")
            #expect(error.code == expected, "\(name): \(error)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func videoWithoutPictureSaysSo() {
        do {
            _ = try FrameSampler.sample(MediaFile(path: Fixture.path("audio.m4a")), plan: .uniform(count: 2),
                                        mode: .exact)
            Issue.record("audio.m4a gave frames")
        } catch {
            #expect(error.code == .noVideoStream)
        }
    }

    @Test func timeLimitStopsWork() {
        do {
            let file = try MediaFile(path: Fixture.path("h264_aac.mp4"), limits: MediaLimits(secondsPerFile: 0))
            _ = try FrameSampler.sample(file, plan: .uniform(count: 2), mode: .exact)
            Issue.record("no timeout")
        } catch {
            #expect(error.code == .timeout, "\(error)")
        }
    }

    @Test func oversizedPicturesAreRefused() {
        do {
            let file = try MediaFile(path: Fixture.path("h264_aac.mp4"), limits: MediaLimits(maxDimension: 100))
            _ = try FrameSampler.sample(file, plan: .uniform(count: 2), mode: .exact)
            Issue.record("no size error")
        } catch {
            #expect(error.code == .tooLarge, "\(error)")
        }
    }
}
