import Kernels

/// ``LogMel`` over audio that arrives in chunks (e.g. `AudioReader.read(chunkSize:)`), so that a
/// long soundtrack never sits in memory: each `append` returns the examples its samples
/// completed. The frames and examples are the ones ``LogMel/examples(_:)`` gives for the
/// whole signal at once, bit for bit, whatever the chunk sizes (LogMelTests checks this).
///
/// Between calls it keeps the samples from the start of the next frame on (under 400 + chunk
/// samples) and the frames of the example being filled (under 96 × 64 values).
public struct LogMelStream: Sendable {
    public let frontend: LogMel
    /// Samples not yet consumed; `pending[0]` is the first sample of the next frame.
    private var pending: [Float] = []
    /// Log-mel rows of the example being filled, [rows, 64] with rows < 96.
    private var partial: [Float] = []
    private var scratch = LogMel.Scratch()
    /// Samples appended so far.
    public private(set) var samplesSeen = 0
    /// Examples returned so far.
    public private(set) var examplesProduced = 0

    public init(frontend: LogMel = LogMel()) {
        self.frontend = frontend
        pending.reserveCapacity(2 * VGGishParameters.windowLength)
        partial.reserveCapacity(VGGishParameters.exampleFrames * VGGishParameters.melBands)
    }

    /// Adds `samples` (16 kHz mono) and returns the examples they completed: [E, 96, 64],
    /// E ≥ 0. Frames left at the end of the audio (fewer than 96) never form an example.
    public mutating func append(_ samples: [Float]) -> Tensor {
        let (length, hop) = (VGGishParameters.windowLength, VGGishParameters.hopLength)
        let (bands, exampleValues) = (VGGishParameters.melBands, VGGishParameters.exampleFrames * VGGishParameters.melBands)
        samplesSeen += samples.count
        pending.append(contentsOf: samples)
        let frameCount = pending.count >= length ? 1 + (pending.count - length) / hop : 0
        let completed = (partial.count / bands + frameCount) / VGGishParameters.exampleFrames
        var examples: [Float] = []
        examples.reserveCapacity(completed * exampleValues)
        var row = [Float](repeating: 0, count: bands)
        pending.withUnsafeBufferPointer { input in
            for f in 0..<frameCount {
                row.withUnsafeMutableBufferPointer { row in
                    frontend.frame(input.baseAddress! + f * hop, into: row.baseAddress!, scratch: &scratch)
                }
                partial.append(contentsOf: row)
                if partial.count == exampleValues {
                    examples.append(contentsOf: partial)
                    partial.removeAll(keepingCapacity: true)
                }
            }
        }
        pending.removeFirst(frameCount * hop)
        examplesProduced += completed
        return Tensor(shape: [completed, VGGishParameters.exampleFrames, bands], data: examples)
    }
}
