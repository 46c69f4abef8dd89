import Foundation

/// The HTK-style mel filterbank of `mel_features.spectrogram_to_mel_matrix`
/// (https://github.com/tensorflow/models/blob/master/research/audioset/vggish/mel_features.py):
/// triangles linear in mel = 1127·ln(1 + f/700), edges evenly spaced in mel from 125 to
/// 7500 Hz, peak weight 1 (no area normalisation), the DC bin always 0. Double precision.
///
/// Stored sparsely: each band keeps the contiguous run of spectrogram bins with a nonzero weight.
public struct MelFilterbank: Sendable {
    /// One band: weights for bins `firstBin..<firstBin + weights.count`.
    public struct Band: Sendable {
        public let firstBin: Int
        public let weights: [Double]
    }

    public let bands: [Band]
    public let spectrumBins: Int

    /// `mel_features.hertz_to_mel`.
    public static func hertzToMel(_ hertz: Double) -> Double { 1127.0 * log(1.0 + hertz / 700.0) }

    /// `np.linspace(start, stop, count)`: start + i·step, the last value exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        let step = (stop - start) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? stop : Double($0) * step + start }
    }

    public init(
        bands count: Int = VGGishParameters.melBands, spectrumBins: Int = VGGishParameters.spectrumBins,
        sampleRate: Int = VGGishParameters.sampleRate,
        lowerHertz: Double = VGGishParameters.melMinHertz, upperHertz: Double = VGGishParameters.melMaxHertz
    ) {
        let nyquist = Double(sampleRate) / 2
        precondition(0 <= lowerHertz && lowerHertz < upperHertz && upperHertz <= nyquist,
                     "MelFilterbank: need 0 ≤ \(lowerHertz) < \(upperHertz) ≤ \(nyquist) Hz")
        let binMel = Self.linspace(0, nyquist, spectrumBins).map(Self.hertzToMel)
        let edges = Self.linspace(Self.hertzToMel(lowerHertz), Self.hertzToMel(upperHertz), count + 2)
        var bands: [Band] = []
        for band in 0..<count {
            let (lower, center, upper) = (edges[band], edges[band + 1], edges[band + 2])
            var weights = [Double](repeating: 0, count: spectrumBins)
            for bin in 1..<spectrumBins {  // bin 0 (DC) gets no weight, as in HTK
                let rising = (binMel[bin] - lower) / (center - lower)
                let falling = (upper - binMel[bin]) / (upper - center)
                weights[bin] = max(0, min(rising, falling))
            }
            let first = weights.firstIndex { $0 != 0 } ?? 0
            let last = weights.lastIndex { $0 != 0 } ?? -1
            bands.append(Band(firstBin: first, weights: last >= first ? Array(weights[first...last]) : []))
        }
        self.bands = bands
        self.spectrumBins = spectrumBins
    }

    /// Mel energies of one magnitude spectrum: `spectrum` [bins] → `output` [bands].
    public func apply(_ spectrum: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        for (index, band) in bands.enumerated() {
            var sum = 0.0
            for (offset, weight) in band.weights.enumerated() { sum += spectrum[band.firstBin + offset] * weight }
            output[index] = sum
        }
    }
}
