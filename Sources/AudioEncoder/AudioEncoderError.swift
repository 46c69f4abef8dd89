/// Why an audio track gives no embeddings.
public enum AudioEncoderError: Error, Equatable, CustomStringConvertible {
    /// Fewer samples than one VGGish example needs (15 600 at 16 kHz, 0.975 s): the audio
    /// modality is absent, with reason code `audio_too_short`.
    case audioTooShort(samples: Int, required: Int)

    /// The stable code reported in prediction and feature records.
    public var code: String {
        switch self {
        case .audioTooShort: return "audio_too_short"
        }
    }

    public var description: String {
        switch self {
        case let .audioTooShort(samples, required):
            let seconds = Double(samples) / Double(VGGishParameters.sampleRate)
            return "audio_too_short: \(samples) samples (\(seconds) s) at 16 kHz; one VGGish example needs \(required)"
        }
    }
}
