import Foundation
import Testing
@testable import Kernels

/// The measurements behind `ConvolutionAlgorithm.choose`: every algorithm that applies to each
/// stride-1 3×3, 1×r and r×1 layer of Inception-ResNet-v2 (batch 1 and 2) and VGGish (batch
/// 32), on one thread, rounds interleaved so that load from other processes hits all
/// algorithms alike; the best round of each is printed with its ratio to im2col.
///
/// Off unless `VIDTAG_WINOGRAD_TIMINGS` is set (to the number of rounds, e.g. 5):
///
///     VIDTAG_WINOGRAD_TIMINGS=5 swift test -c release -Xswiftc -enable-testing --filter WinogradTimings
@Suite struct WinogradTimings {
    /// `(name, batch, height, width, Cin, Cout, kernel, padding (rows, columns))`.
    static let layers: [(String, Int, Int, Int, Int, Int, (Int, Int), (Int, Int))] = {
        var list: [(String, Int, Int, Int, Int, Int, (Int, Int), (Int, Int))] = []
        for batch in [1, 2] {
            list += [
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
        }
        list += [
            ("vggish conv2", 32, 48, 32, 64, 128, (3, 3), (1, 1)),
            ("vggish conv3_1", 32, 24, 16, 128, 256, (3, 3), (1, 1)),
            ("vggish conv3_2", 32, 24, 16, 256, 256, (3, 3), (1, 1)),
            ("vggish conv4_1", 32, 12, 8, 256, 512, (3, 3), (1, 1)),
            ("vggish conv4_2", 32, 12, 8, 512, 512, (3, 3), (1, 1)),
        ]
        return list
    }()

    @Test func compareAlgorithms() {
        guard let rounds = ProcessInfo.processInfo.environment["VIDTAG_WINOGRAD_TIMINGS"].flatMap({ Int($0) }) else {
            return
        }
        let filter = ProcessInfo.processInfo.environment["VIDTAG_WINOGRAD_FILTER"]
        Threading.configure(threads: 1)
        for (name, batch, height, width, cin, cout, kernel, pad) in Self.layers {
            if let filter, !name.contains(filter) { continue }
            let weight = DirectConvolutionTests.values(kernel.0 * kernel.1 * cin * cout, seed: 7).map { $0 * 0.05 }
            let base = Conv2D(packedWeight: weight, bias: DirectConvolutionTests.values(cout, seed: 8), kernel: kernel,
                              inChannels: cin, outChannels: cout, padding: .symmetric(pad.0, pad.1))
            let candidates: [ConvolutionAlgorithm] = kernel == (3, 3)
                ? [.gemm, .winogradF4x3]
                : kernel.0 * kernel.1 == 7 ? [.gemm, .winograd1D(.f2x7)] : [.gemm, .winograd1D(.f2x3), .winograd1D(.f4x3)]
            let layers = candidates.map { base.forcing($0) }
            let x = Tensor(shape: [batch, height, width, cin],
                           data: DirectConvolutionTests.values(batch * height * width * cin, seed: 6))
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
            print("timing \(name) b\(batch) \(height)×\(width) \(cin)→\(cout): " + row.joined(separator: ", ")
                  + "; chosen \(chosen)")
        }
    }

    /// The GEMMs alone of some of the layers above (`VIDTAG_WINOGRAD_GEMMS=rounds`): `(name, count, m, n, k)`.
    @Test func gemmsAlone() {
        guard let rounds = ProcessInfo.processInfo.environment["VIDTAG_WINOGRAD_GEMMS"].flatMap({ Int($0) }) else {
            return
        }
        Threading.configure(threads: 1)
        let shapes: [(String, Int, Int, Int, Int)] = [
            ("block17 1×7 im2col", 1, 289, 160, 896), ("block17 1×7 F(2,7)", 8, 153, 160, 128),
            ("block17 7×1 im2col", 1, 289, 192, 1120), ("block17 7×1 F(2,7)", 8, 153, 192, 160),
            ("conv2d_2a F(4×4)", 36, 1369, 32, 32), ("conv2d_2a im2col", 1, 21609, 32, 288),
            ("mixed_7a F(4×4)", 36, 25, 288, 256), ("mixed_7a F(2×2)", 16, 81, 288, 256),
        ]
        for (name, count, m, n, k) in shapes {
            let a = DirectConvolutionTests.values(count * m * k, seed: 1)
            let b = DirectConvolutionTests.values(count * k * n, seed: 2)
            var c = [Float](repeating: 0, count: count * m * n)
            var best = Double.infinity
            for _ in 0...rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            for i in 0..<count {
                                GEMM.multiply(m: m, n: n, k: k, a: a.baseAddress! + i * m * k, lda: k,
                                              b: b.baseAddress! + i * k * n, ldb: n, c: c.baseAddress! + i * m * n, ldc: n)
                            }
                        }
                    }
                }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            let gflops = 2 * Double(count * m * n * k) / best / 1e6
            print("gemm \(name) \(count)× \(m)×\(n)×\(k): \(String(format: "%.3f", best)) ms, \(String(format: "%.1f", gflops)) GFLOPS")
        }
    }
}
