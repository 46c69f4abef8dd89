import Foundation
import Media
import Testing

/// Decoded, down-mixed, resampled audio against `ffmpeg -ac 1 -ar 16000 -f f32le`.
@Suite struct AudioTests {
    /// Both sides run swresample with default settings on the same decoded samples.
    static let tolerance: Float = 1e-4

    @Test(arguments: ["audio_44k_stereo.wav", "audio_48k_stereo.wav", "audio.m4a", "audio.mp3", "h264_aac.mp4",
                      "vp9_opus.webm", "mpeg4.avi"])
    func samplesMatchTheCLI(_ name: String) throws {
        let path = Fixture.path(name)
        let ours = try AudioReader(file: MediaFile(path: path)).readAll()
        let reference = try FFmpegCLI.audio(path)
        let common = min(ours.count, reference.count)
        let largest = zip(ours.prefix(common), reference.prefix(common)).map { abs($0 - $1) }.max() ?? .infinity
        print("\(name): \(ours.count) samples (CLI \(reference.count)), max |Δ| \(largest)")
        #expect(abs(ours.count - reference.count) <= 16, "\(name): \(ours.count) vs \(reference.count) samples")
        #expect(largest <= Self.tolerance, "\(name)")
    }

    @Test func audioIsStreamedInChunks() throws {
        let reader = try AudioReader(file: MediaFile(path: Fixture.path("audio_48k_stereo.wav")))
        var sizes: [Int] = []
        let total = try reader.read(chunkSize: 4000) { sizes.append($0.count) }
        #expect(sizes.dropLast().allSatisfy { $0 == 4000 })
        #expect(total == sizes.reduce(0, +))
        #expect(abs(total - 48_000) <= 16, "3 s at 16 kHz, got \(total)")
    }

    @Test func videoWithoutAudioSaysSo() throws {
        #expect(throws: MediaError.self) { try AudioReader(file: MediaFile(path: Fixture.path("no_audio.mp4"))) }
        do {
            _ = try AudioReader(file: MediaFile(path: Fixture.path("no_audio.mp4")))
        } catch {
            #expect(error.code == .noAudioStream)
        }
    }
}
