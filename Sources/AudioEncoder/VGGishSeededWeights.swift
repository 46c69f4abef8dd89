import Kernels
import Weights

/// Deterministic full-size VGGish weights for tests and benchmarks, without committing 290 MB:
/// `Scripts/reference/vggish_seeded.py`, bit for bit.
///
/// The streams are those of ``Weights/SeededWeights/uniform(name:count:bound:seed:)`` (FNV-1a-64
/// of the tensor name XOR seed, SplitMix64 in counter form, u = (z >> 40)·2⁻²⁴, value
/// (2u − 1)·bound); this layer holds only VGGish's rules: its default seed and these scales,
/// each rounded once to Float: conv and linear weights ±√(6/fan_in) (He-uniform, activations
/// stay O(1) through the ReLUs), biases ±0.1, PCA eigenvectors ±√(3/128)/4, PCA means ±0.5.
public enum VGGishSeededWeights {
    public static let defaultSeed: UInt64 = 0x5EED_F00D

    /// `count` values in [−scale, scale): the stream of tensor `name`.
    public static func uniform(name: String, count: Int, scale: Double, seed: UInt64 = defaultSeed) -> [Float] {
        SeededWeights.uniform(name: name, count: count, bound: Float(scale), seed: seed)
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
