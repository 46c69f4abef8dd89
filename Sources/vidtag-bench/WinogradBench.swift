import ArgumentParser
import Dispatch
@_spi(Tools) import Kernels

/// `vidtag-bench winograd`: the measurements behind `ConvolutionAlgorithm.choose`. Every
/// algorithm that applies to each stride-1 3×3, 1×r and r×1 layer of Inception-ResNet-v2
/// (batch 1 and 2) and VGGish (batch 32), rounds interleaved so that load from other processes
/// hits all algorithms alike; the best round of each is printed with its speed-up over im2col.
struct WinogradBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winograd",
        abstract: "Time im2col against each Winograd form on the encoders' 3×3, 1×r and r×1 layers.")

    @Option(help: "Timed rounds (the first also warms up).")
    var rounds = 5

    @Option(help: "Threads (default 1: how the encoders' workers run each layer).")
    var threads = 1

    @Option(help: "Only layers whose name contains this text.")
    var filter: String?

    /// `(name, batch, height, width, Cin, Cout, kernel, padding (rows, columns))`.
    static let layers: [(String, Int, Int, Int, Int, Int, (Int, Int), (Int, Int))] = [1, 2].flatMap { batch in
        [
            ("irv2 conv2d_2a", batch, 149, 149, 32, 32, (3, 3), (0, 0)),
            ("irv2 conv2d_2b", batch, 147, 147, 32, 64, (3, 3), (1, 1)),
            ("irv2 conv2d_4a", batch, 73, 73, 80, 192, (3, 3), (0, 0)),
            ("irv2 mixed_5b 64→96", batch, 35, 35, 64, 96, (3, 3), (1, 1)),
            ("irv2 mixed_5b 96→96", batch, 35, 35, 96, 96, (3, 3), (1, 1)),
            ("irv2 block35 32→32", batch, 35, 35, 32, 32, (3, 3), (1, 1)),
            ("irv2 block35 32→48", batch, 35, 35, 32, 48, (3, 3), (1, 1)),
            ("irv2 block35 48→64", batch, 35, 35, 48, 64, (3, 3), (1, 1)),
            ("irv2 mixed_6a 256→256", batch, 35, 35, 256, 256, (3, 3), (1, 1)),
            ("irv2 mixed_7a 256→288", batch, 17, 17, 256, 288, (3, 3), (1, 1)),
            ("irv2 block17 1×7", batch, 17, 17, 128, 160, (1, 7), (0, 3)),
            ("irv2 block17 7×1", batch, 17, 17, 160, 192, (7, 1), (3, 0)),
            ("irv2 block8 1×3", batch, 8, 8, 192, 224, (1, 3), (0, 1)),
            ("irv2 block8 3×1", batch, 8, 8, 224, 256, (3, 1), (1, 0)),
        ]
    } + [
        ("vggish conv2", 32, 48, 32, 64, 128, (3, 3), (1, 1)),
        ("vggish conv3_1", 32, 24, 16, 128, 256, (3, 3), (1, 1)),
        ("vggish conv3_2", 32, 24, 16, 256, 256, (3, 3), (1, 1)),
        ("vggish conv4_1", 32, 12, 8, 256, 512, (3, 3), (1, 1)),
        ("vggish conv4_2", 32, 12, 8, 512, 512, (3, 3), (1, 1)),
    ]

    /// The Winograd forms there are; each layer is timed with those that apply to it.
    static let forms: [ConvolutionAlgorithm] = [.winogradF4x3, .winograd1D(.f2x7), .winograd1D(.f4x3)]

    func validate() throws {
        guard rounds >= 1, threads >= 1 else { throw ValidationError("--rounds and --threads must be at least 1.") }
    }

    func run() {
        Threading.configure(threads: threads)
        print("layer: algorithm best ms (speed-up over im2col), \(threads) thread(s), best of \(rounds + 1) rounds")
        for (name, batch, height, width, cin, cout, kernel, pad) in Self.layers {
            if let filter, !name.contains(filter) { continue }
            let base = Conv2D(packedWeight: CaseRunner.randomValues(kernel.0 * kernel.1 * cin * cout, seed: 7, scale: 0.05),
                              bias: CaseRunner.randomValues(cout, seed: 8), kernel: kernel, inChannels: cin,
                              outChannels: cout, padding: .symmetric(pad.0, pad.1))
            let candidates = [.gemm] + Self.forms.filter { $0.applies(kernel: kernel, stride: (1, 1)) }
            let layers = candidates.map { base.forcing($0) }
            let x = Tensor(shape: [batch, height, width, cin],
                           data: CaseRunner.randomValues(batch * height * width * cin, seed: 6))
            let buffers = BufferPool()
            var best = [Double](repeating: .infinity, count: layers.count)
            for _ in 0...rounds {  // the first round warms up and is timed too
                for (i, layer) in layers.enumerated() {
                    let start = DispatchTime.now().uptimeNanoseconds
                    let y = layer(x, activation: .relu, buffers: buffers)
                    best[i] = min(best[i], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    buffers.recycle(y)
                }
            }
            let chosen = ConvolutionAlgorithm.choose(kernel: kernel, stride: (1, 1), inChannels: cin, outChannels: cout)
            let row = zip(candidates, best).map { "\($0) \(String(format: "%.2f", $1)) ms (×\(String(format: "%.2f", best[0] / $1)))" }
            print("\(name) b\(batch) \(height)×\(width) \(cin)→\(cout): " + row.joined(separator: ", ") + "; chosen \(chosen)")
        }
    }
}
