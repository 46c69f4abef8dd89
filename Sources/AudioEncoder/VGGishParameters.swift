/// The constants of Google's AudioSet VGGish front end and network, as in `vggish_params.py`
/// (https://github.com/tensorflow/models/blob/master/research/audioset/vggish/vggish_params.py;
/// torchvggish ships a copy) and the values `vggish_input.py` / `mel_features.py` derive from them.
public enum VGGishParameters {
    /// Input samples per second (`SAMPLE_RATE`).
    public static let sampleRate = 16_000
    /// STFT window: 25 ms = 400 samples (`STFT_WINDOW_LENGTH_SECONDS`, rounded as in
    /// `mel_features.log_mel_spectrogram`).
    public static let windowLength = 400
    /// STFT hop: 10 ms = 160 samples (`STFT_HOP_LENGTH_SECONDS`).
    public static let hopLength = 160
    /// FFT size: the next power of two above the window, `2 ** ceil(log2(400))` = 512.
    public static let fftLength = 512
    /// Spectrogram bins kept: `fftLength / 2 + 1` = 257 (numpy's `rfft`).
    public static let spectrumBins = fftLength / 2 + 1
    /// Mel bands (`NUM_MEL_BINS` = `NUM_BANDS`).
    public static let melBands = 64
    /// Lower edge of the lowest mel band, Hz (`MEL_MIN_HZ`).
    public static let melMinHertz = 125.0
    /// Upper edge of the highest mel band, Hz (`MEL_MAX_HZ`).
    public static let melMaxHertz = 7500.0
    /// Added to mel energies before the natural log (`LOG_OFFSET`).
    public static let logOffset = 0.01
    /// Frames per example: 0.96 s / 10 ms = 96 (`EXAMPLE_WINDOW_SECONDS`); examples do not
    /// overlap (`EXAMPLE_HOP_SECONDS` = 0.96 s).
    public static let exampleFrames = 96
    /// The fewest samples that give one example: 400 + 95 · 160 = 15 600 (0.975 s).
    public static let minimumSamples = windowLength + (exampleFrames - 1) * hopLength
    /// Quantisation range of the postprocessor (`QUANTIZE_MIN_VAL`, `QUANTIZE_MAX_VAL`).
    public static let quantizeMin = -2.0
    public static let quantizeMax = 2.0

    /// The number of whole examples in `samples` samples: frames = 1 + ⌊(samples − 400) / 160⌋
    /// (`mel_features.frame`), examples = ⌊frames / 96⌋. 10.0 s → 10, 60 s → 62, < 0.975 s → 0.
    public static func exampleCount(samples: Int) -> Int {
        guard samples >= windowLength else { return 0 }
        return (1 + (samples - windowLength) / hopLength) / exampleFrames
    }
}
