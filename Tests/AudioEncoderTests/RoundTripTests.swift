import Foundation
import Kernels
import Testing
import Weights
@testable import AudioEncoder

/// Full-size weights written to safetensors in torchvggish's names and loaded back.
@Suite struct RoundTripTests {
    @Test func fullSizeSafetensorsRoundTrip() throws {
        let path = temporaryPath("vggish.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetensorsWriter.write(Seeded.weights.namedTensors, metadata: ["format": "torchvggish"], to: path)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let loaded = try VGGishWeights.load(path: path)
        #expect(loaded.pca != nil)
        #expect(loaded.pca?.eigenVectors == Seeded.weights.pca?.eigenVectors)
        let examples = try Goldens.tensor("logmel.wav48")
        let difference = maxAbsDifference(VGGish(weights: loaded).embed(examples), Seeded.model.embed(examples))
        print("safetensors round trip: \(size / 1_000_000) MB, \(loaded.tensors.count) network tensors + PCA, "
              + "embeddings max |Δ| \(difference) (tolerance 0)")
        #expect(difference == 0)
        // A PCA file holds the PCA parameters alone: this one, with network tensors too, is refused.
        #expect(throws: WeightLoadError.self) { try VGGishPCA.load(path: path) }
    }
}
