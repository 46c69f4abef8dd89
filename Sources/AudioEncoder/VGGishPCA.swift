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
        throws(WeightLoadError)
    {
        let loader = StrictLoader(NamedTensors(tensors, source: source))
        try self.init(loader, width: width)
        try loader.finish()
    }

    /// Reads the two tensors from `loader`, under either of their accepted names.
    init(_ loader: StrictLoader, width: Int) throws(WeightLoadError) {
        func stored(_ canonical: String) -> String {
            Self.acceptedNames.filter { $0.value == canonical }.keys.sorted().first(where: loader.contains) ?? canonical
        }
        let (vectorsName, meansName) = (stored(Self.eigenVectorsName), stored(Self.meansName))
        let vectors = try loader.tensor(vectorsName, shape: [width, width])
        // Both published files store the means as a column.
        let meansShape = loader.shape(of: meansName) == [width, 1] ? [width, 1] : [width]
        self.init(eigenVectors: vectors, means: try loader.tensor(meansName, shape: meansShape))
    }

    /// Whether `loader`'s source holds any of the parameters.
    static func isPresent(in loader: StrictLoader) -> Bool { acceptedNames.keys.contains(where: loader.contains) }

    /// Loads the parameters in `path` (safetensors or PyTorch checkpoint; numpy arrays or
    /// tensors inside a checkpoint, float64 converted to Float).
    public static func load(path: String, width: Int = 128) throws(WeightLoadError) -> VGGishPCA {
        let loader = StrictLoader(try WeightFile.source(path))
        let pca = try VGGishPCA(loader, width: width)
        try loader.finish()
        return pca
    }

    /// `pca_eigen_vectors` [D, D] and `pca_means` [D].
    public var namedTensors: [(name: String, tensor: Tensor)] {
        [(Self.eigenVectorsName, Tensor(shape: [width, width], data: eigenVectors)),
         (Self.meansName, Tensor(shape: [width], data: means))]
    }
}
