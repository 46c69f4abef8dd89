import ArgumentParser
import Foundation
import Kernels
@_spi(Tools) import VisualEncoder
import Weights

/// `vidtag-bench irv2`: Inception-ResNet-v2 images per second at several batch sizes and the
/// achieved GFLOPS, beside timm in PyTorch eager and ONNX Runtime measured by
/// Scripts/bench/irv2_torch.py.
struct VisualBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "irv2",
        abstract: "Inception-ResNet-v2 images per second and GFLOPS (seeded full-size weights, 299×299).")

    @Option(help: "Comma-separated batch sizes.")
    var batches = "1,16"

    @Option(help: "Timed runs per batch size (the median is reported).")
    var repeats = 3

    @Option(help: "JSON written by Scripts/bench/irv2_torch.py in the same run, printed beside ours.")
    var torch: String?

    @Option(help: "Write our images per second by batch size to this JSON file.")
    var json: String?

    @Flag(help: ArgumentHelp("Also time the batch going whole through each layer, every layer split over the threads "
                             + "(forwardBatch), beside the default one image per worker (forward)."))
    var layerByLayer = false

    /// timm's count for one 299×299 image (Scripts/bench/irv2_torch.py measures it with hooks).
    static let defaultFlopsPerImage = 26.4e9

    func run() throws {
        let peer = try torch.map { try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: $0))) }
            as? [String: Any]
        let flops = peer?["flops_per_image"] as? Double ?? Self.defaultFlopsPerImage
        let model = try InceptionResNetV2(weights: SeededWeights(layout: InceptionResNetV2.layout))
        print("Inception-ResNet-v2, \(Threading.threads) threads, \(String(format: "%.1f", flops / 1e9)) GFLOP per image")
        print(CPUFeatures.description)
        let onnx = (peer?["onnxruntime"] as? [String: Any])?["batches"] as? [String: Any]
        print("batch   vidtag images/s   GFLOPS   | timm images/s   GFLOPS   | ratio"
              + (onnx == nil ? "" : "   | onnxruntime images/s   ratio"))
        var rates: [String: Double] = [:]
        for batch in batches.split(separator: ",").compactMap({ Int($0) }) {
            var input = [Float](repeating: 0, count: batch * 299 * 299 * 3)
            for i in input.indices { input[i] = Float((i * 7919) % 255) / 127.5 - 1 }
            let images = Tensor(shape: [batch, 299, 299, 3], data: input)
            func imagesPerSecond(_ forward: (Tensor) -> Tensor) -> Double {
                _ = forward(images)
                var times: [Double] = []
                for _ in 0..<repeats {
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = forward(images)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                }
                return Double(batch) / times.sorted()[times.count / 2]
            }
            let rate = imagesPerSecond { model.forward($0) }
            rates[String(batch)] = rate
            if layerByLayer {
                let whole = imagesPerSecond { model.forwardBatch($0) }
                print(String(format: "%5d   layer by layer: %.2f images/s, %.1f GFLOPS (one image per worker: %.2f×)",
                             batch, whole, flops * whole / 1e9, rate / whole))
            }
            var line = String(format: "%5d   %15.2f   %6.1f", batch, rate, flops * rate / 1e9)
            if let theirs = (peer?["batches"] as? [String: Any])?["\(batch)"] as? [String: Any],
               let theirRate = theirs["images_per_second"] as? Double {
                line += String(format: "   | %13.2f   %6.1f   | %.2f×", theirRate, flops * theirRate / 1e9, rate / theirRate)
            }
            if let theirs = onnx?["\(batch)"] as? [String: Any], let theirRate = theirs["images_per_second"] as? Double {
                line += String(format: "   | %20.2f   %.2f×", theirRate, rate / theirRate)
            }
            print(line)
        }
        if let json {
            let report: [String: Any] = ["threads": Threading.threads, "flops_per_image": flops,
                                         "images_per_second": rates]
            try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
                .write(to: URL(fileURLWithPath: json))
        }
    }
}
