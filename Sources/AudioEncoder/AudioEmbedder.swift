import Kernels

/// Streams a soundtrack through the log-mel front end and VGGish: samples go in chunk by
/// chunk, examples go through the convolutions in groups of `model.batchSize` as soon as a
/// group is complete, and their flattened features (48 KB per 0.96 s) wait for the fully
/// connected layers, which run once per `VGGish.fullyConnectedBatch` examples (once for a
/// minute of audio) so that the 200 MB fc1 weight is read once rather than once per group.
/// Only the embeddings ([A, 128], 0.5 KB per 0.96 s) are kept. The groups are those
/// `VGGish.embed` cuts from the same examples at once, so the result is the same, bit for bit,
/// whatever the chunks the samples come in.
///
/// ```swift
/// var embedder = AudioEmbedder(model: vggish)
/// try reader.read(chunkSize: 16_000) { embedder.append($0) }   // Media's AudioReader
/// let frames = try embedder.finish()                           // [A, 128] raw embeddings
/// ```
public struct AudioEmbedder: Sendable {
    public let model: VGGish
    private var stream: LogMelStream
    /// Examples waiting for enough whole groups: [n, 96, 64] values.
    private var waiting: [Float] = []
    /// Convolution features waiting for the fully connected layers: [m, F] values,
    /// m < VGGish.fullyConnectedBatch.
    private var features: [Float] = []
    private var embeddings: [Float] = []

    public init(model: VGGish, frontend: LogMel = LogMel()) {
        self.model = model
        stream = LogMelStream(frontend: frontend)
    }

    /// Examples embedded or waiting so far.
    public var exampleCount: Int { stream.examplesProduced }

    /// Adds 16 kHz mono samples; embeds the whole groups of examples waiting once there are
    /// enough for the threads.
    public mutating func append(_ samples: [Float]) {
        let examples = stream.append(samples)
        waiting.append(contentsOf: examples.data)
        let perExample = VGGishParameters.exampleFrames * VGGishParameters.melBands
        // Whole groups only, and enough of them for every thread (when they go makes no
        // difference to the result; which examples form a group does).
        let groups = (waiting.count / perExample) / model.batchSize
        if groups >= max(2, Threading.width) {
            embedWaiting(groups * model.batchSize)
        }
    }

    /// Embeds what is left and returns every raw embedding, [A, D] in time order
    /// (embedding a covers seconds 0.96·a ..< 0.96·(a+1)).
    ///
    /// - Throws: ``AudioEncoderError/audioTooShort(samples:required:)`` when the audio gave no example.
    public mutating func finish() throws(AudioEncoderError) -> Tensor {
        let perExample = VGGishParameters.exampleFrames * VGGishParameters.melBands
        if !waiting.isEmpty { embedWaiting(waiting.count / perExample) }
        if !features.isEmpty { embedFeatures() }
        guard stream.examplesProduced > 0 else {
            throw .audioTooShort(samples: stream.samplesSeen, required: VGGishParameters.minimumSamples)
        }
        let width = model.architecture.embeddingWidth
        return Tensor(shape: [embeddings.count / width, width], data: embeddings)
    }

    /// Runs the first `count` waiting examples through the convolutions.
    private mutating func embedWaiting(_ count: Int) {
        let perExample = VGGishParameters.exampleFrames * VGGishParameters.melBands
        let batch = Tensor(shape: [count, VGGishParameters.exampleFrames, VGGishParameters.melBands],
                           data: Array(waiting[0..<count * perExample]))
        features.append(contentsOf: model.convolutionFeatures(batch).data)
        waiting.removeFirst(count * perExample)
        let full = features.count / model.architecture.flattenedWidth / VGGish.fullyConnectedBatch
        if full > 0 { embedFeatures(full * VGGish.fullyConnectedBatch) }
    }

    /// Runs the first `count` waiting features (all of them by default) through the fully
    /// connected layers.
    private mutating func embedFeatures(_ count: Int? = nil) {
        let width = model.architecture.flattenedWidth
        let rows = count ?? features.count / width
        embeddings.append(contentsOf: model.embeddings(ofFeatures: Tensor(shape: [rows, width],
                                                                          data: Array(features[0..<rows * width]))).data)
        features.removeFirst(rows * width)
    }
}
