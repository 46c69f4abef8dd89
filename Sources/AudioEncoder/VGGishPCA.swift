import Kernels
import Weights

/// The PCA (with whitening) parameters of VGGish's postprocessor, as in Google's
/// `vggish_pca_params.npz` and torchvggish's `vggish_pca_params-970ea276.pth`:
/// `pca_eigen_vectors` [D, D] (rows are the output components) and `pca_means` [D]
/// (or [D, 1]; both files reshape it to a column).
///
/// Also accepted, as the same tensors: `pproc.pca_matrix` / `pproc.pca_means`, the names in the
/// state dict of torchvggish's later `VGGish` module (`vggish.py`, class `Postprocessor`).
public struct VGGishPCA: Sendable {
    public static let eigenVectorsName = "pca_eigen_vectors"
    public static let meansName = "pca_means"
    /// Every accepted name → the canonical name.
    static let acceptedNames: [String: String] = [
        eigenVectorsName: eigenVectorsName, meansName: meansName,
        "pproc.pca_matrix": eigenVectorsName, "pproc.pca_means": meansName,
    ]

    /// [D, D], row-major: output component i is Σ_j eigenVectors[i, j]·(e_j − means_j).
    public let eigenVectors: [Float]
    /// [D].
    public let means: [Float]
    public let width: Int

    public init(eigenVectors: [Float], means: [Float]) {
        precondition(eigenVectors.count == means.count * means.count,
                     "VGGishPCA: eigenvectors must be [\(means.count), \(means.count)]")
        (self.eigenVectors, self.means, self.width) = (eigenVectors, means, means.count)
    }

    /// Picks the two tensors out of `tensors` (nothing else allowed) and checks their shapes.
    public init(tensors: [(name: String, tensor: Tensor)], width: Int = 128, source: String = "(memory)")
        throws(VGGishWeightsError)
    {
        var found: [String: Tensor] = [:]
        for (name, tensor) in tensors {
            guard let canonical = Self.acceptedNames[name] else {
                throw .unusedTensor(file: source, name: name, shape: tensor.shape)
            }
            found[canonical] = tensor
        }
        guard let vectors = found[Self.eigenVectorsName] else {
            throw .missingTensor(file: source, name: Self.eigenVectorsName, expectedShape: [width, width])
        }
        guard let means = found[Self.meansName] else {
            throw .missingTensor(file: source, name: Self.meansName, expectedShape: [width])
        }
        guard vectors.shape == [width, width] else {
            throw .wrongShape(file: source, name: Self.eigenVectorsName, expected: [width, width], found: vectors.shape)
        }
        guard means.shape == [width] || means.shape == [width, 1] else {
            throw .wrongShape(file: source, name: Self.meansName, expected: [width], found: means.shape)
        }
        self.init(eigenVectors: vectors.data, means: means.data)
    }

    /// Loads the parameters in `path` (safetensors or PyTorch checkpoint; numpy arrays or
    /// tensors inside a checkpoint, float64 converted to Float).
    public static func load(path: String, width: Int = 128) throws(VGGishWeightsError) -> VGGishPCA {
        try VGGishPCA(tensors: try WeightFile.tensors(path), width: width, source: path)
    }

    /// `pca_eigen_vectors` [D, D] and `pca_means` [D].
    public var namedTensors: [(name: String, tensor: Tensor)] {
        [(Self.eigenVectorsName, Tensor(shape: [width, width], data: eigenVectors)),
         (Self.meansName, Tensor(shape: [width], data: means))]
    }
}
