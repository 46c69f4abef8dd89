import Foundation
import Kernels
import Media
import Testing
@_spi(Tools) @testable import VisualEncoder
import Weights

/// Inception-ResNet-v2 against timm on full-size seeded weights (Scripts/reference/make_irv2_goldens.py).
@Suite(.serialized) struct InceptionResNetV2Tests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/visual")

    /// Tolerances: float32 through ~160 layers whose sums are ordered differently from PyTorch's.
    static let minimumCosine: Float = 0.99999
    static let maximumRelativeError: Float = 1e-5

    static let goldens = try! SafetensorsFile(path: fixtures.appendingPathComponent("irv2_goldens.safetensors").path)
    static let model = try! InceptionResNetV2(weights: SeededWeights(layout: InceptionResNetV2.layout))

    static func picture(_ name: String, size: Int) throws -> Tensor {
        let image = try ImageLoader.load(fixtures.appendingPathComponent(name).path, width: size, height: size)
        return ImagePreprocessing.normalise([image.pixels], width: size, height: size)
    }

    /// Cosine similarity and ‖a − b‖ / ‖b‖.
    static func compare(_ a: [Float], _ b: [Float]) -> (cosine: Float, relative: Float) {
        var (dot, aa, bb, diff) = (0.0, 0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
            diff += Double(x - y) * Double(x - y)
        }
        return (Float(dot / (aa * bb).squareRoot()), Float((diff / bb).squareRoot()))
    }

    @Test func layoutIsTimmsStateDict() throws {
        let json = try #require(Self.goldens.metadata["layout"])
        let timm = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[Any]]
        let expected = timm.map { ($0[0] as! String, $0[1] as! [Int]) }
            .filter { !$0.0.hasPrefix("classif.") && !$0.0.hasSuffix("num_batches_tracked") }
        let ours = InceptionResNetV2.layout
        #expect(ours.count == expected.count)
        #expect(ours.map(\.name) == expected.map(\.0))
        #expect(ours.map(\.shape) == expected.map(\.1))
    }

    @Test func photographFeaturesMatchTimm() throws {
        let names = ["astronaut", "chelsea", "coffee"]
        var batch = try names.map { try Self.picture("\($0).png", size: 299) }
        let images = Tensor(shape: [3, 299, 299, 3], data: batch.flatMap(\.data))
        batch.removeAll()
        let features = Self.model.forward(images)
        #expect(features.shape == [3, 1536])
        for (i, name) in names.enumerated() {
            let ours = Array(features.data[i * 1536..<(i + 1) * 1536])
            let reference = try Self.goldens.floats("features.\(name)")
            let (cosine, relative) = Self.compare(ours, reference)
            let maxDifference = zip(ours, reference).map { abs($0 - $1) }.max()!
            print("\(name): cosine \(cosine), relative error \(relative), max |Δ| \(maxDifference)"
                  + " (tolerance: cosine ≥ \(Self.minimumCosine), relative ≤ \(Self.maximumRelativeError))")
            #expect(cosine >= Self.minimumCosine, "\(name)")
            #expect(relative <= Self.maximumRelativeError, "\(name)")
        }
    }

    /// `forward` gives each image the bits it has alone, whatever the other images, its place
    /// among them and the number of threads (each image's products have that image's shapes);
    /// the whole batch through each layer (`forwardBatch`, other shapes) agrees to rounding.
    @Test func eachImageHasItsOwnBitsWhateverTheBatch() throws {
        if Threading.threads < 2 { Threading.configure(threads: 2) }
        let pictures = try ["astronaut", "chelsea", "coffee"].map { try Self.picture("\($0).png", size: 107) }
        func batch(_ order: [Int]) -> Tensor {
            Tensor(shape: [order.count, 107, 107, 3], data: order.flatMap { pictures[$0].data })
        }
        let width = InceptionResNetV2.featureWidth
        func row(_ t: Tensor, _ i: Int) -> [Float] { Array(t.data[i * width..<(i + 1) * width]) }
        let alone = pictures.map { Self.model.forwardBatch($0).data }
        let perWorker = Self.model.forward(batch([0, 1, 2]))
        let reversedOnOneThread = Threading.serial { Self.model.forward(batch([2, 1, 0])) }
        #expect(perWorker.shape == [3, 1536])
        for i in 0..<3 {
            #expect(row(perWorker, i) == alone[i], "image \(i) in a batch of 3 on 2 threads")
            #expect(row(reversedOnOneThread, 2 - i) == alone[i], "image \(i) in reversed order on 1 thread")
        }
        let layerByLayer = Self.model.forwardBatch(batch([0, 1, 2]))
        let difference = zip(perWorker.data, layerByLayer.data).map { abs($0 - $1) }.max()!
        let scale = layerByLayer.data.map(abs).max()!
        print("one image at a time vs the batch of 3 layer by layer (107×107): max |Δ| \(difference) on values up "
              + "to \(scale) (tolerance 1e-5 relative)")
        #expect(difference <= 1e-5 * scale)
    }

    @Test func everyStageMatchesTimm() throws {
        var stages: [String: Tensor] = [:]
        let features = Self.model.forward(try Self.picture("astronaut_107.png", size: 107)) { stages[$0] = $1 }
        for name in InceptionResNetV2.stageNames {
            let reference = try Self.goldens.tensor("stage.\(name)")
            let ours = try #require(stages[name])
            #expect(ours.shape == reference.shape, "\(name)")
            let (cosine, relative) = Self.compare(ours.data, reference.data)
            print("stage \(name) \(ours.shape): cosine \(cosine), relative error \(relative)")
            #expect(cosine >= Self.minimumCosine, "\(name)")
            #expect(relative <= Self.maximumRelativeError, "\(name)")
        }
        let (cosine, relative) = Self.compare(features.data, try Self.goldens.floats("features.astronaut_107"))
        print("pooled (107×107): cosine \(cosine), relative error \(relative)")
        #expect(cosine >= Self.minimumCosine && relative <= Self.maximumRelativeError)
    }
}
