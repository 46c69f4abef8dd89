import Foundation
import Kernels
import Testing
import Weights
@testable import AudioEncoder

/// The network on full-size seeded weights against torchvggish's `VGG` with the same weights
/// and its last ReLU removed, on the reference log-mel examples of all three clips.
@Suite struct VGGishTests {
    /// The issue's bound, per embedding.
    static let cosineTolerance = 0.99999

    @Test func seededWeightsMatchThePythonGenerator() {
        // First values of vggish_seeded.uniform(name, 3, scale) for the same names (exact float32s).
        let conv = VGGishSeededWeights.uniform(name: "features.0.weight", count: 3, scale: (6.0 / 9).squareRoot())
        #expect(conv == [0.23874175548553467, -0.8032485842704773, -0.2727522850036621])
        let fc = VGGishSeededWeights.uniform(name: "embeddings.0.weight", count: 3, scale: (6.0 / 12288).squareRoot())
        #expect(fc == [0.0027864440344274044, 0.011360048316419125, 0.015486393123865128])
        let pca = VGGishSeededWeights.uniform(name: "pca_eigen_vectors", count: 3, scale: (3.0 / 128).squareRoot() * 0.25)
        #expect(pca == [0.0019004398491233587, 0.009667673148214817, 0.024778299033641815])
        #expect(StableHash.fnv1a64("features.0.weight") == 17_802_610_692_016_669_782)
    }

    @Test func architectureNamesFollowTorchvggish() {
        let names = VGGishArchitecture.standard.tensorShapes.map(\.name)
        #expect(names.count == 18)
        #expect(names.first == "features.0.weight" && names.last == "embeddings.4.bias")
        let shapes = Dictionary(uniqueKeysWithValues: VGGishArchitecture.standard.tensorShapes.map { ($0.name, $0.shape) })
        #expect(shapes["features.13.weight"] == [512, 512, 3, 3])
        #expect(shapes["embeddings.0.weight"] == [4096, 12288])
        #expect(shapes["embeddings.4.weight"] == [128, 4096])
    }

    @Test func embeddingsMatchTheReference() throws {
        let model = Seeded.model
        var worstCosine = 1.0
        for clip in Goldens.clips {
            let examples = try Goldens.tensor("logmel.\(clip)")
            let expected = try Goldens.tensor("embedding.\(clip)")
            let start = DispatchTime.now().uptimeNanoseconds
            let embeddings = model.embed(examples)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            let cosines = (0..<expected.shape[0]).map { cosine(embeddings, expected, row: $0) }
            let scale = expected.data.map(abs).max() ?? 0
            worstCosine = min(worstCosine, cosines.min() ?? 0)
            print("VGGish \(clip): \(examples.shape[0]) examples in \(String(format: "%.2f", seconds)) s, "
                  + "min cosine \(cosines.min() ?? .nan) (tolerance ≥ \(Self.cosineTolerance)), "
                  + "max |Δ| \(maxAbsDifference(embeddings, expected)) on values up to \(scale)")
            #expect(embeddings.shape == expected.shape)
            #expect(cosines.allSatisfy { $0 >= Self.cosineTolerance }, "\(clip)")
        }
        print("VGGish: worst cosine over all clips \(worstCosine)")
    }

    @Test func batchSizeDoesNotChangeTheResult() throws {
        let examples = try Goldens.tensor("logmel.synthetic")
        var one = Seeded.model
        one.batchSize = 3
        let reference = Seeded.model.embed(examples)
        let batched = one.embed(examples)
        let difference = maxAbsDifference(batched, reference)
        let scale = reference.data.map(abs).max() ?? 0
        // Groups of other sizes make products of other shapes: rounding differs, within what
        // float32 allows (the reference test sees 2.7e-5 against torchvggish on these values).
        print("groups of 3 vs 16: max |Δ| \(difference) on values up to \(scale) (tolerance 2e-6 × \(scale))")
        #expect(difference <= 2e-6 * scale)
    }

    @Test func streamedEmbedderEqualsExamplesAtOnce() throws {
        if Threading.threads < 2 { Threading.configure(threads: 2) }
        let waveform = try Goldens.tensor("waveform.synthetic").data
        var model = Seeded.model
        model.batchSize = 4
        var embedder = AudioEmbedder(model: model)
        var start = 0
        while start < waveform.count {
            let end = min(start + 7_000, waveform.count)
            embedder.append(Array(waveform[start..<end]))
            start = end
        }
        let streamed = try embedder.finish()
        let whole = model.embed(LogMel().examples(waveform))
        let oneThread = Threading.serial { model.embed(LogMel().examples(waveform)) }
        let difference = maxAbsDifference(streamed, whole)
        print("AudioEmbedder in 7000-sample chunks, groups of 4: \(streamed.shape), max |Δ| vs all at once \(difference)"
              + " (tolerance 0: the same groups of the same examples)")
        #expect(streamed.shape == [10, 128])
        #expect(difference == 0)
        #expect(oneThread.data == whole.data, "the thread count must not change the embeddings")
    }

    @Test func shortAudioIsReportedAsAudioTooShort() {
        var embedder = AudioEmbedder(model: Seeded.model)
        embedder.append([Float](repeating: 0.1, count: 15_599))
        #expect(throws: AudioEncoderError.audioTooShort(samples: 15_599, required: 15_600)) { try embedder.finish() }
        #expect(AudioEncoderError.audioTooShort(samples: 0, required: 15_600).code == "audio_too_short")
    }
}
