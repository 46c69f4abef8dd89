import Kernels

/// Streams a soundtrack through the log-mel front end and VGGish: samples go in chunk by
/// chunk, examples go through the convolutions in batches as soon as enough of them are
/// ready, and their flattened features (48 KB per 0.96 s) wait for the fully connected layers,
/// which run once per `VGGish.fullyConnectedBatch` examples (once for a minute of audio) so
/// that the 200 MB fc1 weight is read once rather than once per batch. Only the embeddings
/// ([A, 128], 0.5 KB per 0.96 s) are kept.
///
/// ```swift
/// var embedder = AudioEmbedder(model: vggish)
/// try reader.read(chunkSize: 16_000) { embedder.append($0) }   // Media's AudioReader
/// let frames = try embedder.finish()                           // [A, 128] raw embeddings
/// ```
public struct AudioEmbedder: Sendable {
    public let model: VGGish
    private var stream: LogMelStream
    /// Examples waiting for a full batch: [n, 96, 64] values, n < model.batchSize.
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

    /// Adds 16 kHz mono samples; embeds every full batch of examples they complete.
    public mutating func append(_ samples: [Float]) {
        let examples = stream.append(samples)
        waiting.append(contentsOf: examples.data)
        let perExample = VGGishParameters.exampleFrames * VGGishParameters.melBands
        let ready = (waiting.count / perExample) / model.batchSize * model.batchSize
        if ready > 0 {
            embedWaiting(ready)
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
        if features.count / model.architecture.flattenedWidth >= VGGish.fullyConnectedBatch { embedFeatures() }
    }

    /// Runs the waiting features through the fully connected layers.
    private mutating func embedFeatures() {
        let width = model.architecture.flattenedWidth
        embeddings.append(contentsOf: model.embeddings(ofFeatures: Tensor(shape: [features.count / width, width],
                                                                          data: features)).data)
        features.removeAll(keepingCapacity: true)
    }
}
