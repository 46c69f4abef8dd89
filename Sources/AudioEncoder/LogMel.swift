import Foundation
import Kernels

/// The VGGish log-mel front end: 16 kHz mono samples → log-mel frames [F, 64] and examples
/// [E, 96, 64], exactly as Google's `vggish_input.waveform_to_examples` computes them
/// (https://github.com/tensorflow/models/blob/master/research/audioset/vggish/vggish_input.py,
/// `mel_features.log_mel_spectrogram` and `mel_features.frame` in mel_features.py):
///
/// 1. frames of 400 samples every 160 samples, no padding: F = 1 + ⌊(N − 400) / 160⌋;
/// 2. each frame times a periodic Hann window, 0.5 − 0.5·cos(2πn/400) (`periodic_hann`);
/// 3. the magnitude (not power) of its 512-point real FFT, zero-padded: 257 bins
///    (`stft_magnitude`);
/// 4. the 64 HTK mel bands of ``MelFilterbank`` (`spectrogram_to_mel_matrix`);
/// 5. ln(mel + 0.01);
/// 6. whole, non-overlapping examples of 96 frames; frames left over are dropped.
///
/// Steps 2–5 run in double precision, as numpy does; results are stored as Float.
/// For audio longer than a few seconds use ``LogMelStream``, which gives the same values
/// chunk by chunk.
public struct LogMel: Sendable {
    /// The periodic Hann window, [400].
    public let window: [Double]
    let fft: RealFFT
    public let filterbank: MelFilterbank

    public init() {
        let length = VGGishParameters.windowLength
        window = (0..<length).map { 0.5 - 0.5 * cos(2 * Double.pi / Double(length) * Double($0)) }
        fft = RealFFT(size: VGGishParameters.fftLength)
        filterbank = MelFilterbank()
    }

    /// Buffers for one frame's computation.
    struct Scratch {
        var padded = [Double](repeating: 0, count: VGGishParameters.fftLength)
        var fftWork = [Double](repeating: 0, count: VGGishParameters.fftLength)
        var spectrum = [Double](repeating: 0, count: VGGishParameters.spectrumBins)
        var mel = [Double](repeating: 0, count: VGGishParameters.melBands)
    }

    /// One frame: `samples` [400] → `output` [64] = ln(mel(|rfft(window · samples, 512)|) + 0.01).
    func frame(_ samples: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, scratch: inout Scratch) {
        let length = VGGishParameters.windowLength
        scratch.padded.withUnsafeMutableBufferPointer { padded in
            for n in 0..<length { padded[n] = Double(samples[n]) * window[n] }  // [400..<512] stay 0
            scratch.fftWork.withUnsafeMutableBufferPointer { work in
                scratch.spectrum.withUnsafeMutableBufferPointer { spectrum in
                    fft.magnitudes(padded.baseAddress!, into: spectrum.baseAddress!, scratch: work.baseAddress!)
                    scratch.mel.withUnsafeMutableBufferPointer { mel in
                        filterbank.apply(spectrum.baseAddress!, into: mel.baseAddress!)
                        for band in 0..<mel.count {
                            output[band] = Float(log(mel[band] + VGGishParameters.logOffset))
                        }
                    }
                }
            }
        }
    }

    /// Every log-mel frame of `samples` (16 kHz mono): [F, 64], F = 1 + ⌊(N − 400) / 160⌋
    /// (0 when N < 400).
    public func frames(_ samples: [Float]) -> Tensor {
        let (length, hop, bands) = (VGGishParameters.windowLength, VGGishParameters.hopLength, VGGishParameters.melBands)
        let count = samples.count >= length ? 1 + (samples.count - length) / hop : 0
        var out = [Float](repeating: 0, count: count * bands)
        var scratch = Scratch()
        samples.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                for f in 0..<count {
                    frame(input.baseAddress! + f * hop, into: output.baseAddress! + f * bands, scratch: &scratch)
                }
            }
        }
        return Tensor(shape: [count, bands], data: out)
    }

    /// The whole examples of `samples` (16 kHz mono): [E, 96, 64], E = ⌊F / 96⌋
    /// (see ``VGGishParameters/exampleCount(samples:)``); E = 0 under 15 600 samples.
    public func examples(_ samples: [Float]) -> Tensor {
        var stream = LogMelStream(frontend: self)
        return stream.append(samples)
    }
}
