/// The layer widths of a VGGish network and the names and shapes of its tensors in
/// torchvggish's state dict (https://github.com/harritaylor/torchvggish, `torchvggish.py`:
/// `make_layers` and `VGG.__init__`).
///
/// `make_layers` builds `features` as [conv, ReLU, pool, conv, ReLU, pool, conv, ReLU, conv,
/// ReLU, pool, conv, ReLU, conv, ReLU, pool], so the convolutions are `features.0`, `.3`, `.6`,
/// `.8`, `.11`, `.13`; `embeddings` is [Linear, ReLU, Linear, ReLU, Linear, ReLU], the linear
/// layers `embeddings.0`, `.2`, `.4`. Google's TF-slim names for the same layers
/// (`vggish_slim.py`): conv1, conv2, conv3/conv3_1, conv3/conv3_2, conv4/conv4_1,
/// conv4/conv4_2, fc1/fc1_1, fc1/fc1_2, fc2.
///
/// ``standard`` is VGGish itself; narrower instances exist for tests (a tiny checkpoint runs the
/// whole load-and-embed path on a 300 KB file).
public struct VGGishArchitecture: Sendable, Equatable {
    /// Output channels of the six 3×3 convolutions, in order: 64, 128, 256, 256, 512, 512.
    public var convolutionWidths: [Int]
    /// Width of the two hidden fully connected layers: 4096.
    public var hiddenWidth: Int
    /// Width of the embedding layer: 128.
    public var embeddingWidth: Int

    public init(convolutionWidths: [Int], hiddenWidth: Int, embeddingWidth: Int) {
        precondition(convolutionWidths.count == 6 && convolutionWidths.allSatisfy { $0 > 0 } && hiddenWidth > 0
                        && embeddingWidth > 0, "VGGishArchitecture: six positive conv widths and positive fc widths")
        self.convolutionWidths = convolutionWidths
        self.hiddenWidth = hiddenWidth
        self.embeddingWidth = embeddingWidth
    }

    public static let standard = VGGishArchitecture(
        convolutionWidths: [64, 128, 256, 256, 512, 512], hiddenWidth: 4096, embeddingWidth: 128)

    /// Indices of the convolutions in `features`.
    public static let convolutionIndices = [0, 3, 6, 8, 11, 13]
    /// Indices of the linear layers in `embeddings`.
    public static let linearIndices = [0, 2, 4]
    /// Whether a 2×2 max pool follows each convolution (after its ReLU).
    static let poolAfter = [true, true, false, true, false, true]

    /// The feature map after the last pool: 96×64 halved four times = 6 × 4, × the last width.
    public var flattenedWidth: Int {
        (VGGishParameters.exampleFrames / 16) * (VGGishParameters.melBands / 16) * convolutionWidths[5]
    }

    /// Every network tensor with its PyTorch shape, in state-dict order: conv weights
    /// [Cout, Cin, 3, 3] and biases [Cout], linear weights [out, in] and biases [out].
    public var tensorShapes: [(name: String, shape: [Int])] {
        var shapes: [(name: String, shape: [Int])] = []
        var inChannels = 1
        for (index, width) in zip(Self.convolutionIndices, convolutionWidths) {
            shapes.append(("features.\(index).weight", [width, inChannels, 3, 3]))
            shapes.append(("features.\(index).bias", [width]))
            inChannels = width
        }
        let linear = [(flattenedWidth, hiddenWidth), (hiddenWidth, hiddenWidth), (hiddenWidth, embeddingWidth)]
        for (index, (input, output)) in zip(Self.linearIndices, linear) {
            shapes.append(("embeddings.\(index).weight", [output, input]))
            shapes.append(("embeddings.\(index).bias", [output]))
        }
        return shapes
    }
}
