import AudioEncoder
import Foundation
import Kernels
import Media
import Testing
import Weights

/// `vidtag extract --audio`: VGGish raw embeddings of soundtracks as `audio.frames`,
/// with the reasons for absent audio.
@Suite(.serialized) struct ExtractAudioTests {
    /// Full-size seeded VGGish weights in torchvggish's names, written at test time.
    static let weights: String = {
        let path = TestFolder.root.appendingPathComponent("vggish.safetensors").path
        try! SafetensorsWriter.write(VGGishWeights.seeded().namedTensors, to: path)
        return path
    }()

    func media(_ name: String) -> String { CLI.fixtures.appendingPathComponent("media/\(name)").path }

    @Test func soundtracksBecomeAudioFrames() throws {
        let output = TestFolder.root.appendingPathComponent("extract-audio")
        let inputs = ["h264_aac.mp4", "audio_48k_stereo.wav", "no_audio.mp4"].map(media)
        let result = try CLI.run(["extract", "--audio", Self.weights, "--quiet", "--output", output.path] + inputs)
        #expect(result.status == 2, "no_audio.mp4 has nothing for the audio encoder")
        #expect(result.lines.count == 3)
        let error = CLI.object(result.lines[2])["error"] as? [String: Any]
        #expect(error?["code"] as? String == "no_audio_stream")

        // The same embeddings as the library computes from the same decoded samples.
        let model = VGGish(weights: VGGishWeights.seeded())
        for (name, examples) in [("h264_aac", 4), ("audio_48k_stereo", 3)] {
            let file = try SafetensorsFile(path: output.appendingPathComponent("\(name).safetensors").path)
            let frames = try file.tensor("audio.frames")
            #expect(frames.shape == [examples, 128], "\(name)")
            var embedder = AudioEmbedder(model: model)
            try AudioReader(file: MediaFile(path: media(name + (name == "h264_aac" ? ".mp4" : ".wav"))))
                .read { embedder.append($0) }
            let expected = try embedder.finish()
            let difference = zip(frames.data, expected.data).map { abs($0 - $1) }.max() ?? .infinity
            print("\(name): audio.frames \(frames.shape), max |Δ| to the library \(difference) (tolerance 0)")
            #expect(difference == 0)
            #expect(file.metadata["encoders"]?.contains("\"audio\"") == true)
        }
    }

    @Test func tooShortAudioIsAMissingModalityWithItsReason() throws {
        // one_frame.mp4 has no audio; cover.png is a picture: with both encoders, extraction
        // works and lists what is missing.
        let output = TestFolder.root.appendingPathComponent("extract-short")
        let visual = ExtractCommandTests.workspace.appendingPathComponent("visual.safetensors").path
        let result = try CLI.run(["extract", "--visual", visual, "--audio", Self.weights, "--quiet",
                                  "--frames", "2", "--output", output.path, media("no_audio.mp4")])
        #expect(result.status == 0, "\(result.stderr)")
        let file = try SafetensorsFile(path: output.appendingPathComponent("no_audio.safetensors").path)
        #expect(Set(file.names) == ["visual.frames", "cover"])
        #expect(file.metadata["missing"] == #"{"audio":"no_audio_stream","cover":"cover_from_frame"}"#)
    }
}
