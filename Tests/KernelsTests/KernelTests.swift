import Foundation
import Kernels
import Testing

/// Every kernel against PyTorch's output for the same inputs (see KernelGoldens).
@Suite struct KernelTests {
    let goldens: KernelGoldens

    init() throws { goldens = try KernelGoldens() }

    /// Tolerance for GEMM-based kernels: float32 sums of at most a few hundred products of
    /// unit-scale values, accumulated in another order than PyTorch's.
    static let gemmTolerance: Float = 2e-5

    @Test func goldensCoverEveryKernel() {
        let kinds = Set(goldens.cases.map(\.kind))
        #expect(kinds == ["conv", "maxpool", "avgpool", "global_avgpool", "relu", "gelu", "gelu_tanh",
                          "softmax", "layernorm", "embedding", "linear", "gemm"])
        #expect(goldens.cases(kinds: "conv").count >= 10)
    }

    @Test func convolutionMatchesPyTorch() throws {
        for c in goldens.cases(kinds: "conv") {
            let input = try goldens.tensor(c, "input")
            let norm = c.bn == true
                ? BatchNorm(gamma: try goldens.tensor(c, "bn.weight").data, beta: try goldens.tensor(c, "bn.bias").data,
                            mean: try goldens.tensor(c, "bn.running_mean").data,
                            variance: try goldens.tensor(c, "bn.running_var").data, eps: c.bnEps!)
                : nil
            let conv = Conv2D(
                torchWeight: try goldens.tensor(c, "weight").data, bias: try goldens.optionalFloats(c, "bias"),
                outChannels: c.outChannels!, inChannels: c.inChannels!, kernel: (c.kernel![0], c.kernel![1]),
                stride: (c.stride![0], c.stride![1]), padding: c.padding!.padding, norm: norm)
            let output = conv(input, activation: c.relu == true ? .relu : .identity)
            let expected = try goldens.tensor(c, "output")
            let difference = maxAbsDifference(output, expected)
            print("conv \(c.name): input \(input.shape) → \(expected.shape), max |Δ| = \(difference) (tolerance \(Self.gemmTolerance))")
            #expect(output.shape == expected.shape, "\(c.name)")
            #expect(difference <= Self.gemmTolerance, "\(c.name)")
        }
    }

    @Test func poolingMatchesPyTorch() throws {
        for c in goldens.cases(kinds: "maxpool", "avgpool", "global_avgpool") {
            let input = try goldens.tensor(c, "input")
            let output: Tensor
            switch c.kind {
            case "maxpool":
                output = Pooling.max(input, kernel: (c.kernel![0], c.kernel![1]), stride: (c.stride![0], c.stride![1]),
                                     padding: c.padding!.padding)
            case "avgpool":
                output = Pooling.average(input, kernel: (c.kernel![0], c.kernel![1]),
                                         stride: (c.stride![0], c.stride![1]), padding: c.padding!.padding,
                                         countIncludePad: c.countIncludePad!)
            default:
                output = Pooling.globalAverage(input)
            }
            let expected = try goldens.tensor(c, "output")
            let difference = maxAbsDifference(output, expected)
            print("\(c.kind) \(c.name): max |Δ| = \(difference) (tolerance 1e-6)")
            #expect(output.shape == expected.shape, "\(c.name)")
            #expect(difference <= 1e-6, "\(c.name)")
        }
    }

    @Test func activationsMatchPyTorch() throws {
        let activations: [String: Activation] = ["relu": .relu, "gelu": .gelu, "gelu_tanh": .geluTanh]
        for c in goldens.cases(kinds: "relu", "gelu", "gelu_tanh") {
            let output = activations[c.kind]!(try goldens.tensor(c, "input"))
            let difference = maxAbsDifference(output, try goldens.tensor(c, "output"))
            print("\(c.kind): max |Δ| = \(difference) (tolerance 1e-6)")
            #expect(difference <= 1e-6, "\(c.name)")
        }
    }

    @Test func normalisationMatchesPyTorch() throws {
        for c in goldens.cases(kinds: "softmax", "layernorm") {
            let input = try goldens.tensor(c, "input")
            let output = c.kind == "softmax"
                ? Normalization.softmax(input)
                : Normalization.layerNorm(input, gamma: try goldens.tensor(c, "gamma").data,
                                          beta: try goldens.tensor(c, "beta").data, eps: c.eps!)
            let difference = maxAbsDifference(output, try goldens.tensor(c, "output"))
            print("\(c.name): max |Δ| = \(difference) (tolerance 1e-5)")
            #expect(difference <= 1e-5, "\(c.name)")
        }
    }

    @Test func embeddingLinearAndGEMMMatchPyTorch() throws {
        for c in goldens.cases(kinds: "embedding", "linear", "gemm") {
            let output: Tensor
            switch c.kind {
            case "embedding":
                let table = try goldens.tensor(c, "table")
                let ids = try goldens.tensor(c, "ids").data.map { Int($0) }
                output = Embedding(table: table.data, vocabulary: table.shape[0], width: table.shape[1])(ids)
            case "linear":
                let weight = try goldens.tensor(c, "weight")
                let layer = Linear(weight: weight.data, bias: try goldens.optionalFloats(c, "bias"),
                                   inFeatures: weight.shape[1], outFeatures: weight.shape[0])
                output = layer(try goldens.tensor(c, "input"))
            default:
                let (a, b) = (try goldens.tensor(c, "a"), try goldens.tensor(c, "b"))
                let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
                output = Tensor(shape: [m, n], data: GEMM.multiply(a.data, b.data, m: m, n: n, k: k))
            }
            let difference = maxAbsDifference(output, try goldens.tensor(c, "output"))
            print("\(c.name): max |Δ| = \(difference) (tolerance \(Self.gemmTolerance))")
            #expect(difference <= Self.gemmTolerance, "\(c.name)")
        }
    }
}
