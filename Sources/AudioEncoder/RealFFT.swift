import Foundation

/// The magnitude spectrum of a real signal by a radix-2 FFT, in double precision.
///
/// Replaces `np.abs(np.fft.rfft(frame, 512))` in `mel_features.stft_magnitude`
/// (https://github.com/tensorflow/models/blob/master/research/audioset/vggish/mel_features.py).
/// A real FFT of size N is one complex FFT of size N/2 on the even/odd samples packed as
/// z[m] = x[2m] + i·x[2m+1], followed by the usual split:
/// X[k] = E[k] + e^(−2πik/N)·O[k], with E[k] = (Z[k] + conj Z[N/2−k]) / 2 and
/// O[k] = (Z[k] − conj Z[N/2−k]) / 2i. Twiddles come from `cos`/`sin` in double, so the
/// result agrees with numpy's pocketfft to about 1e-13 relative (see LogMelTests).
///
/// Immutable tables; `magnitudes` uses caller-provided scratch, so one instance serves all threads.
struct RealFFT: Sendable {
    /// N, a power of two ≥ 4.
    public let size: Int
    /// e^(−2πik/(N/2)) for k < N/4: the complex FFT's twiddles.
    private let halfTwiddleRe: [Double], halfTwiddleIm: [Double]
    /// e^(−2πik/N) for k ≤ N/2: the real split's twiddles.
    private let splitRe: [Double], splitIm: [Double]
    /// The bit-reversal permutation of 0..<N/2.
    private let bitReversed: [Int]

    public init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "RealFFT: size \(size) is not a power of two ≥ 4")
        self.size = size
        let half = size / 2
        halfTwiddleRe = (0..<half / 2).map { cos(-2 * Double.pi * Double($0) / Double(half)) }
        halfTwiddleIm = (0..<half / 2).map { sin(-2 * Double.pi * Double($0) / Double(half)) }
        splitRe = (0...half).map { cos(-2 * Double.pi * Double($0) / Double(size)) }
        splitIm = (0...half).map { sin(-2 * Double.pi * Double($0) / Double(size)) }
        let bits = half.trailingZeroBitCount
        bitReversed = (0..<half).map { index in
            var reversed = 0
            for bit in 0..<bits where index & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
            return reversed
        }
    }

    /// |X[k]| for k = 0…N/2 of the real signal `input` (N values; pad with zeros beforehand).
    ///
    /// - `input`: N doubles. `output`: N/2 + 1 doubles. `scratch`: N doubles, overwritten.
    public func magnitudes(
        _ input: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Double>
    ) {
        let half = size / 2
        // Pack: z[m] = x[2m] + i·x[2m+1], stored in bit-reversed order (re at 2j, im at 2j+1).
        for m in 0..<half {
            let j = bitReversed[m]
            scratch[2 * j] = input[2 * m]
            scratch[2 * j + 1] = input[2 * m + 1]
        }
        // Iterative radix-2 decimation-in-time butterflies over the N/2 complex values.
        var span = 1
        while span < half {
            let stride = half / (2 * span)  // twiddle index step for this stage
            var start = 0
            while start < half {
                for k in 0..<span {
                    let (wr, wi) = (halfTwiddleRe[k * stride], halfTwiddleIm[k * stride])
                    let a = 2 * (start + k), b = 2 * (start + k + span)
                    let (br, bi) = (scratch[b], scratch[b + 1])
                    let tr = br * wr - bi * wi
                    let ti = br * wi + bi * wr
                    scratch[b] = scratch[a] - tr
                    scratch[b + 1] = scratch[a + 1] - ti
                    scratch[a] += tr
                    scratch[a + 1] += ti
                }
                start += 2 * span
            }
            span *= 2
        }
        // Split into the real signal's spectrum: bins 0 and N/2 first, then the pairs.
        let (z0r, z0i) = (scratch[0], scratch[1])
        output[0] = abs(z0r + z0i)
        output[half] = abs(z0r - z0i)
        for k in 1..<half {
            let (zr, zi) = (scratch[2 * k], scratch[2 * k + 1])
            let (cr, ci) = (scratch[2 * (half - k)], -scratch[2 * (half - k) + 1])  // conj Z[N/2−k]
            let (er, ei) = (0.5 * (zr + cr), 0.5 * (zi + ci))
            // O = (Z − conj Z') / 2i = ((zi − ci) − i(zr − cr)) / 2
            let (or, oi) = (0.5 * (zi - ci), -0.5 * (zr - cr))
            let (wr, wi) = (splitRe[k], splitIm[k])
            let xr = er + wr * or - wi * oi
            let xi = ei + wr * oi + wi * or
            output[k] = (xr * xr + xi * xi).squareRoot()
        }
    }
}
