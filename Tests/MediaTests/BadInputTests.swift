import Foundation
@testable import Media
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

    /// Bytes after a WebP picture, inside its RIFF chunk or after it, made FFmpeg 5.1's decoder
    /// abort the process (found by the media fuzzer): the picture is decoded as without them,
    /// and a WebP whose image chunk does not fit in the file is a typed error.
    @Test func webPWithChunksAfterThePictureDecodesThePicture() throws {
        let clean = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixture.path("cover.webp"))))
        let junk = [UInt8](repeating: 0xFF, count: 28) + Array("VP8 ".utf8) + [8, 0, 0, 0] + [UInt8](repeating: 0x9D, count: 8)
        var inside = clean + junk
        let riff = inside.count - 8
        inside.replaceSubrange(4..<8, with: (0..<4).map { UInt8(truncatingIfNeeded: riff >> (8 * $0)) })
        let expected = try ImageLoader.load(Fixture.path("cover.webp"), width: 32, height: 32).pixels
        let cut = Array(clean.prefix(40))
        for (name, bytes) in [("after.webp", clean + junk), ("inside.webp", inside), ("cut.webp", cut)] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("media-\(getpid())-\(name)").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            do {
                let image = try ImageLoader.load(path, width: 32, height: 32)
                #expect(name != "cut.webp", "a cut WebP decoded")
                #expect(image.pixels == expected, "\(name) decodes differently from cover.webp")
            } catch {
                #expect(name == "cut.webp", "\(name): \(error)")
            }
        }
    }

    /// Picture headers give the sizes ffprobe reports, for every picture format of the fixtures.
    @Test(arguments: [("cover.jpg", 400, 300), ("cover.png", 400, 300), ("cover.webp", 400, 300), ("cover.bmp", 200, 150),
                      ("pal8.gif", 160, 120)])
    func pictureHeadersGiveTheirSize(_ name: String, _ width: Int, _ height: Int) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixture.path(name))))
        let size = PictureHeader.size(Array(bytes.prefix(1 << 16)))
        #expect(size?.width == width && size?.height == height, "\(name): \(String(describing: size))")
        #expect(PictureHeader.size(Array(try Data(contentsOf: URL(fileURLWithPath: Fixture.path("h264_aac.mp4"))).prefix(4096))) == nil)
    }

    /// A 2 KB PNG claiming 16000×16000 RGBA64 (a decompression bomb) is refused from its header,
    /// before FFmpeg would decode gigabytes; so is a JPEG claiming 30000×30000.
    @Test func pictureBombsAreRefusedFromTheirHeaders() throws {
        func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + Array("IHDR".utf8)
            + be32(16000) + be32(16000) + [16, 6, 0, 0, 0] + be32(0) + [UInt8](repeating: 0, count: 2048)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
            + [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x75, 0x30, 0x75, 0x30, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
            + [UInt8](repeating: 0, count: 512)
        for (name, bytes) in [("bomb.png", png), ("bomb.jpg", jpeg)] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("media-\(getpid())-\(name)").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ImageLoader.load(path, width: 16, height: 16)
                Issue.record("\(name) loaded")
            } catch {
                #expect(error.code == .tooLarge && error.message.contains("by its header"), "\(name): \(error)")
            }
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
