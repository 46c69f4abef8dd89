import Kernels

/// Streams a soundtrack through the log-mel front end and VGGish: samples go in chunk by
/// chunk, examples are embedded in batches as soon as enough of them are ready, and only the
/// embeddings ([A, 128], 0.5 KB per 0.96 s) are kept.
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
        guard stream.examplesProduced > 0 else {
            throw .audioTooShort(samples: stream.samplesSeen, required: VGGishParameters.minimumSamples)
        }
        let width = model.architecture.embeddingWidth
        return Tensor(shape: [embeddings.count / width, width], data: embeddings)
    }

    private mutating func embedWaiting(_ count: Int) {
        let perExample = VGGishParameters.exampleFrames * VGGishParameters.melBands
        let batch = Tensor(shape: [count, VGGishParameters.exampleFrames, VGGishParameters.melBands],
                           data: Array(waiting[0..<count * perExample]))
        embeddings.append(contentsOf: model.embed(batch).data)
        waiting.removeFirst(count * perExample)
    }
}
