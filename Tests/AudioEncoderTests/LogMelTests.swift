import Foundation
import Kernels
import Media
import Testing
@testable import AudioEncoder

/// The log-mel front end against Google's numpy reference (`vggish_input.waveform_to_examples`,
/// via torchvggish 0.2) on the same 16 kHz samples.
@Suite struct LogMelTests {
    /// The bound on log-mel. ln(mel + 0.01) amplifies mel errors by at most 100, and
    /// everything runs in double, so the float32 storage of the goldens dominates (~5e-7).
    static let tolerance: Float = 1e-4

    @Test func fftMatchesADirectDFT() {
        // A direct O(N²) DFT in double on a deterministic signal; |X[k]| compared.
        let n = 512
        var signal = [Double](repeating: 0, count: n)
        var state: UInt64 = 42
        for i in 0..<n {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            signal[i] = Double(Int64(bitPattern: state >> 11) % 1000) / 1000
        }
        let fft = RealFFT(size: n)
        var output = [Double](repeating: 0, count: n / 2 + 1)
        var scratch = [Double](repeating: 0, count: n)
        signal.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                scratch.withUnsafeMutableBufferPointer { fft.magnitudes(input.baseAddress!, into: out.baseAddress!, scratch: $0.baseAddress!) }
            }
        }
        var largest = 0.0, scale = 0.0
        for k in 0...n / 2 {
            var (re, im) = (0.0, 0.0)
            for t in 0..<n {
                let angle = -2 * Double.pi * Double(k * t % n) / Double(n)
                re += signal[t] * cos(angle)
                im += signal[t] * sin(angle)
            }
            let magnitude = (re * re + im * im).squareRoot()
            largest = max(largest, abs(magnitude - output[k]))
            scale = max(scale, magnitude)
        }
        print("RealFFT(512) vs direct DFT: max |Δ| = \(largest) on magnitudes up to \(scale) "
              + "(relative \(largest / scale); tolerance 1e-12 relative)")
        #expect(largest / scale <= 1e-12)
    }

    @Test func filterbankHasGooglesShape() {
        let bank = MelFilterbank()
        #expect(bank.bands.count == 64)
        #expect(bank.bands.allSatisfy { $0.firstBin >= 1 })  // DC excluded
        // Peak weights are below 1 (bins rarely hit a centre exactly) but close to it; no area normalisation.
        let peaks = bank.bands.map { $0.weights.max() ?? 0 }
        #expect(peaks.allSatisfy { $0 > 0.5 && $0 <= 1 })
        // The lowest band starts above 125 Hz (bin 4 = 125 Hz exactly has weight 0), the highest ends below 7500 Hz.
        #expect(bank.bands[0].firstBin == 5)
        let last = bank.bands[63]
        #expect(Double(last.firstBin + last.weights.count - 1) * 8000 / 256 < 7500)
    }

    @Test(arguments: Goldens.clips)
    func logMelMatchesTheReference(_ clip: String) throws {
        let waveform = try Goldens.tensor("waveform.\(clip)").data
        let expected = try Goldens.tensor("logmel.\(clip)")
        let examples = LogMel().examples(waveform)
        let difference = maxAbsDifference(examples, expected)
        print("log-mel \(clip): \(waveform.count) samples → \(examples.shape), max |Δ| = \(difference) "
              + "(tolerance \(Self.tolerance))")
        #expect(examples.shape == expected.shape)
        #expect(difference <= Self.tolerance)
    }

    @Test func streamingEqualsAllAtOnce() throws {
        let waveform = try Goldens.tensor("waveform.synthetic").data
        let whole = LogMel().examples(waveform)
        for chunkSize in [1, 159, 160, 400, 1_000, 16_000, 15_361, waveform.count] {
            var stream = LogMelStream()
            var parts: [Float] = []
            var start = 0
            while start < waveform.count {
                let end = min(start + chunkSize, waveform.count)
                parts.append(contentsOf: stream.append(Array(waveform[start..<end])).data)
                start = end
            }
            print("log-mel streamed in chunks of \(chunkSize): \(parts.count / (96 * 64)) examples, "
                  + "bitwise equal to all at once: \(parts == whole.data)")
            #expect(parts == whole.data, "chunk size \(chunkSize)")
            #expect(stream.examplesProduced == whole.shape[0])
        }
    }

    @Test func exampleCountsFollowTheReferenceFraming() {
        #expect(VGGishParameters.exampleCount(samples: 160_000) == 10)  // 10.0 s
        #expect(VGGishParameters.exampleCount(samples: 960_000) == 62)  // 60 s
        #expect(VGGishParameters.minimumSamples == 15_600)
        #expect(VGGishParameters.exampleCount(samples: 15_599) == 0)
        #expect(VGGishParameters.exampleCount(samples: 15_600) == 1)
        let frontend = LogMel()
        #expect(frontend.examples([Float](repeating: 0.1, count: 15_599)).shape == [0, 96, 64])
        #expect(frontend.examples([Float](repeating: 0.1, count: 15_600)).shape == [1, 96, 64])
        #expect(frontend.examples([]).shape == [0, 96, 64])
        // Digital silence is ln(0.01) everywhere.
        let silence = frontend.examples([Float](repeating: 0, count: 15_600))
        #expect(silence.data.allSatisfy { $0 == Float(log(0.01)) })
    }

    /// The whole path a video takes: Media's AudioReader (FFmpeg decode, down-mix, resample),
    /// streamed chunks, log-mel, against the reference computed on the ffmpeg CLI's samples.
    @Test(arguments: [("wav44", "audio_44k_stereo.wav"), ("wav48", "audio_48k_stereo.wav")])
    func audioReaderToLogMel(_ clip: String, _ file: String) throws {
        let reader = try AudioReader(file: MediaFile(path: Fixture.media(file)))
        var stream = LogMelStream()
        var samples: [Float] = []
        var examples: [Float] = []
        try reader.read(chunkSize: 4_000) { chunk in
            samples.append(contentsOf: chunk)
            examples.append(contentsOf: stream.append(chunk).data)
        }
        let reference = try Goldens.tensor("waveform.\(clip)").data
        let common = min(samples.count, reference.count)
        let sampleDifference = zip(samples.prefix(common), reference.prefix(common)).map { abs($0 - $1) }.max() ?? 0
        let expected = try Goldens.tensor("logmel.\(clip)")
        let ours = Tensor(shape: [examples.count / (96 * 64), 96, 64], data: examples)
        let difference = maxAbsDifference(ours, expected)
        print("\(file) through AudioReader: \(samples.count) samples (CLI \(reference.count)), "
              + "max |Δ| samples \(sampleDifference), log-mel max |Δ| \(difference) (tolerance \(Self.tolerance))")
        #expect(ours.shape == expected.shape)
        #expect(difference <= Self.tolerance)
    }
}
