import Kernels

/// Deterministic full-size weights for tests and benchmarks, without committing 290 MB:
/// the generator of `Scripts/reference/vggish_seeded.py`, bit for bit.
///
/// - each tensor has its own stream: state₀ = FNV-1a-64(UTF-8 name) XOR seed;
/// - element i (row-major) is SplitMix64's (i+1)-th output from state₀,
///   z = state₀ + (i+1)·0x9E3779B97F4A7C15, then SplitMix64's finaliser;
/// - u = (z >> 40)·2⁻²⁴ ∈ [0, 1), exact in Float; value = (2u − 1)·Float(scale), one rounding.
///
/// Scales: conv and linear weights ±√(6/fan_in) (He-uniform, activations stay O(1) through
/// the ReLUs), biases ±0.1, PCA eigenvectors ±√(3/128)/4, PCA means ±0.5.
public enum SeededWeights {
    public static let defaultSeed: UInt64 = 0x5EED_F00D

    /// FNV-1a, 64-bit.
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    @inline(__always)
    static func splitMix64(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` values in [−scale, scale): the stream of tensor `name`.
    public static func uniform(name: String, count: Int, scale: Double, seed: UInt64 = defaultSeed) -> [Float] {
        let state0 = fnv1a64(name) ^ seed
        let scale32 = Float(scale)
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            Threading.parallelFor(count, minChunk: 1 << 16) { range in
                for i in range {
                    let z = splitMix64(state0 &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15)
                    let u = Float(z >> 40) * 0x1p-24
                    base[i] = (2 * u - 1) * scale32
                }
            }
        }
        return values
    }

    /// A tensor of `shape` from the stream of `name`.
    public static func tensor(name: String, shape: [Int], scale: Double, seed: UInt64 = defaultSeed) -> Tensor {
        Tensor(shape: shape, data: uniform(name: name, count: shape.reduce(1, *), scale: scale, seed: seed))
    }

    /// Every network tensor of `architecture`, named and shaped as torchvggish's state dict.
    public static func network(_ architecture: VGGishArchitecture = .standard, seed: UInt64 = defaultSeed)
        -> [(name: String, tensor: Tensor)]
    {
        architecture.tensorShapes.map { name, shape in
            let fanIn = shape.count == 1 ? 0 : shape.dropFirst().reduce(1, *)
            let scale = shape.count == 1 ? 0.1 : (6.0 / Double(fanIn)).squareRoot()
            return (name, tensor(name: name, shape: shape, scale: scale, seed: seed))
        }
    }

    /// `pca_eigen_vectors` [D, D] and `pca_means` [D].
    public static func pca(width: Int = 128, seed: UInt64 = defaultSeed) -> [(name: String, tensor: Tensor)] {
        [(VGGishPCA.eigenVectorsName,
          tensor(name: VGGishPCA.eigenVectorsName, shape: [width, width], scale: (3.0 / Double(width)).squareRoot() * 0.25,
                 seed: seed)),
         (VGGishPCA.meansName, tensor(name: VGGishPCA.meansName, shape: [width], scale: 0.5, seed: seed))]
    }
}
