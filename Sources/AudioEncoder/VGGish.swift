import Kernels

/// The VGGish network (Hershey et al., "CNN Architectures for Large-Scale Audio
/// Classification", ICASSP 2017): log-mel examples [A, 96, 64] → raw embeddings [A, 128].
///
/// Follows torchvggish's `VGG` (https://github.com/harritaylor/torchvggish, `torchvggish.py`),
/// itself a port of Google's `vggish_slim.define_vggish_slim`
/// (https://github.com/tensorflow/models/blob/master/research/audioset/vggish/vggish_slim.py):
///
///     [A, 96, 64, 1]
///     conv1 3×3 64, ReLU, maxpool 2×2   → [A, 48, 32, 64]
///     conv2 3×3 128, ReLU, maxpool      → [A, 24, 16, 128]
///     conv3_1, conv3_2 3×3 256, ReLU, maxpool → [A, 12, 8, 256]
///     conv4_1, conv4_2 3×3 512, ReLU, maxpool → [A, 6, 4, 512]
///     flatten in (height, width, channel) order → [A, 12288]
///     fc1_1 4096 ReLU, fc1_2 4096 ReLU   → [A, 4096]
///     fc2 128, no activation             → [A, 128]
///
/// Convolutions are "same"-padded (PyTorch `padding=1`, TF "SAME"), stride 1, with bias.
/// Height is time (96 frames) and width the mel bands (64), as in torchvggish's input
/// [A, 1, 96, 64]. torchvggish's `forward` transposes NCHW to NHWC before `view(A, -1)` to
/// flatten in TF's order; our tensors are NHWC already, so the pooled map is flattened as is.
/// torchvggish ends `embeddings` with a ReLU that the TF original lacks; the embedding here
/// is the pre-activation output, as in TF ("raw embedding").
///
/// Immutable; `embed` can be called from several threads (kernels parallelise each call).
public struct VGGish: Sendable {
    public let architecture: VGGishArchitecture
    /// conv1, conv2, conv3_1, conv3_2, conv4_1, conv4_2 (torchvggish `features.0` … `features.13`).
    let convolutions: [Conv2D]
    /// fc1_1 (torchvggish `embeddings.0`), 12288 → 4096: read in place from the weight file
    /// when ``VGGishWeights/inPlace`` has it, 256 output features at a time (`StreamedLinear`).
    let fc1: StreamedLinear
    /// fc1_2, fc2 (`embeddings.2`, `.4`).
    let linears: [Linear]
    /// PCA parameters that came with the weights, if any.
    public let pca: VGGishPCA?
    /// Examples per pass through the convolutions (a group; conv1 takes one example at a time,
    /// see `firstBlock`): activations peak at conv2's output, ~0.8 MB per example. Groups are
    /// cut from the first example of a clip on, whatever the threads: an example's embedding
    /// depends only on its clip. 16 was the fastest of 8, 16 and 32 on one thread and on two
    /// (60 s of audio, `vidtag-bench vggish`).
    public var batchSize: Int
    /// Examples per pass through the fully connected layers (all of a minute of audio at
    /// once), cut likewise from the first example: each pass reads the 200 MB fc1_1 weight
    /// once, so passes over few rows cost memory bandwidth rather than arithmetic. Features
    /// waiting for it take 48 KB per example.
    public static let fullyConnectedBatch = 256
    /// Activations and im2col scratch recycled between layers and calls.
    private let buffers = BufferPool(limitBytes: 128 << 20, smallestBytes: BufferPool.mappedAllocationBytes)

    public init(weights: VGGishWeights, batchSize: Int = 16) {
        precondition(batchSize > 0, "VGGish: batch size must be positive")
        let architecture = weights.architecture
        var convolutions: [Conv2D] = []
        var inChannels = 1
        for (index, width) in zip(VGGishArchitecture.convolutionIndices, architecture.convolutionWidths) {
            convolutions.append(Conv2D(
                torchWeight: weights.tensors["features.\(index).weight"]!.data,
                bias: weights.tensors["features.\(index).bias"]!.data,
                outChannels: width, inChannels: inChannels, kernel: (3, 3), stride: (1, 1), padding: .symmetric(1, 1))
                .releasingUnusedWeights())
            inChannels = width
        }
        let (flattened, hidden) = (architecture.flattenedWidth, architecture.hiddenWidth)
        let fc1Bias = weights.tensors["embeddings.0.bias"]!.data
        if let borrowed = weights.inPlace[VGGishWeights.streamedWeight] {
            fc1 = StreamedLinear(borrowing: borrowed, bias: fc1Bias, inFeatures: flattened, outFeatures: hidden)
        } else {
            fc1 = StreamedLinear(weight: weights.tensors[VGGishWeights.streamedWeight]!.data, bias: fc1Bias,
                                 inFeatures: flattened, outFeatures: hidden)
        }
        let widths = [(hidden, hidden), (hidden, architecture.embeddingWidth)]
        self.linears = zip(VGGishArchitecture.linearIndices.dropFirst(), widths).map { index, shape in
            Linear(weight: weights.tensors["embeddings.\(index).weight"]!.data,
                   bias: weights.tensors["embeddings.\(index).bias"]!.data, inFeatures: shape.0, outFeatures: shape.1)
        }
        self.convolutions = convolutions
        self.architecture = architecture
        self.pca = weights.pca
        self.batchSize = batchSize
    }

    /// Raw embeddings of log-mel examples: [A, 96, 64] (or [A, 96, 64, 1]) → [A, D], D = 128
    /// for the standard architecture: `convolutionFeatures`, then `embeddings(ofFeatures:)`.
    public func embed(_ examples: Tensor) -> Tensor {
        embeddings(ofFeatures: convolutionFeatures(examples))
    }

    /// The convolutional part: log-mel examples [A, 96, 64] (or [A, 96, 64, 1]) → the last
    /// pooled map flattened, [A, F] (F = 6·4·512 = 12288), in groups of `batchSize` examples
    /// counted from the first. The groups go to the workers whole (`Threading.forEach`); on one
    /// thread (e.g. the extraction's look-ahead thread) they run in turn. Every group has the
    /// same shapes on any number of threads, so the result has the same bits.
    public func convolutionFeatures(_ examples: Tensor) -> Tensor {
        let (frames, bands) = (VGGishParameters.exampleFrames, VGGishParameters.melBands)
        precondition((examples.rank == 3 || (examples.rank == 4 && examples.shape[3] == 1))
                        && examples.shape[1] == frames && examples.shape[2] == bands,
                     "VGGish: expected examples [A, \(frames), \(bands)], got \(examples.shape)")
        let count = examples.shape[0]
        let (perExample, width) = (frames * bands, architecture.flattenedWidth)
        let starts = Array(stride(from: 0, to: count, by: batchSize))
        var output = Tensor(uninitialized: [count, width])
        examples.data.withUnsafeBufferPointer { source in
            output.data.withUnsafeMutableBufferPointer { out in
                let (source, out) = (source.baseAddress!, out.baseAddress!)  // each batch its own rows
                Threading.forEach(starts.count) { index in
                    let (start, n) = (starts[index], min(batchSize, count - starts[index]))
                    var batch = buffers.tensor([n, frames, bands, 1])
                    batch.data.withUnsafeMutableBufferPointer {
                        $0.baseAddress!.update(from: source + start * perExample, count: n * perExample)
                    }
                    let features = convolve(batch)
                    (out + start * width).update(from: features.data, count: n * width)
                    buffers.recycle(features)
                }
            }
        }
        return output
    }

    /// The fully connected part: features [A, F] from `convolutionFeatures` → raw embeddings
    /// [A, D], `fullyConnectedBatch` rows per pass through each layer, counted from the first.
    public func embeddings(ofFeatures features: Tensor) -> Tensor {
        let (count, width) = (features.shape[0], architecture.flattenedWidth)
        precondition(features.rank == 2 && features.shape[1] == width,
                     "VGGish: expected features [A, \(width)], got \(features.shape)")
        if count <= Self.fullyConnectedBatch { return fullyConnected(features) }
        var output = [Float]()
        output.reserveCapacity(count * architecture.embeddingWidth)
        for start in stride(from: 0, to: count, by: Self.fullyConnectedBatch) {
            let n = min(Self.fullyConnectedBatch, count - start)
            let rows = Tensor(shape: [n, width], data: Array(features.data[start * width..<(start + n) * width]))
            output.append(contentsOf: fullyConnected(rows).data)
        }
        return Tensor(shape: [count, architecture.embeddingWidth], data: output)
    }

    /// One batch through the convolutions: [N, 96, 64, 1] → [N, F]; `input` is recycled.
    private func convolve(_ input: Tensor) -> Tensor {
        var x = firstBlock(input)
        buffers.recycle(input)
        for (conv, pool) in zip(convolutions, VGGishArchitecture.poolAfter).dropFirst() {
            // Each input goes back to the pool right before `x` lets go of it.
            let convolved = conv(x, activation: .relu, buffers: buffers)
            buffers.recycle(x)
            x = convolved
            if pool {
                let pooled = Pooling.max(x, kernel: (2, 2), stride: (2, 2), buffers: buffers)
                buffers.recycle(x)
                x = pooled
            }
        }
        // [N, 6, 4, C] flattened as (h, w, c): NHWC memory order is already TF's.
        return x.reshaped([x.shape[0], architecture.flattenedWidth])
    }

    /// conv1, ReLU and its max pool, one example at a time: [N, 96, 64, 1] → [N, 48, 32, 64].
    /// conv1's output is the largest activation (1.6 MB per example, 25 MB for 16), and each
    /// example's rows are the same products either way, so its output has the same bits.
    private func firstBlock(_ input: Tensor) -> Tensor {
        let (count, perExample) = (input.shape[0], input.count / input.shape[0])
        var output: Tensor?
        var example = buffers.tensor([1] + input.shape.dropFirst())
        for n in 0..<count {
            example.data.withUnsafeMutableBufferPointer { destination in
                input.data.withUnsafeBufferPointer {
                    destination.baseAddress!.update(from: $0.baseAddress! + n * perExample, count: perExample)
                }
            }
            var x = convolutions[0](example, activation: .relu, buffers: buffers)
            if VGGishArchitecture.poolAfter[0] {
                let pooled = Pooling.max(x, kernel: (2, 2), stride: (2, 2), buffers: buffers)
                buffers.recycle(x)
                x = pooled
            }
            if output == nil { output = buffers.tensor([count] + x.shape.dropFirst()) }
            output!.data.withUnsafeMutableBufferPointer { destination in
                x.data.withUnsafeBufferPointer {
                    (destination.baseAddress! + n * $0.count).update(from: $0.baseAddress!, count: $0.count)
                }
            }
            buffers.recycle(x)
        }
        buffers.recycle(example)
        return output!
    }

    /// [N, F] → [N, D].
    private func fullyConnected(_ features: Tensor) -> Tensor {
        var x = fc1(features, activation: .relu)
        x = linears[0](x, activation: .relu)
        return linears[1](x)  // the embedding: no ReLU, as in TF's vggish_slim (fc2 has activation_fn=None)
    }
}
