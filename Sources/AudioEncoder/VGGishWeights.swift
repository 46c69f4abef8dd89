import Kernels
import Weights

/// The tensors of a VGGish network in torchvggish's names and PyTorch layouts, checked
/// against an architecture: every tensor present, with its exact shape, and nothing else
/// (see ``VGGishArchitecture/tensorShapes``). PCA parameters in the same file are kept in ``pca``.
///
/// ```swift
/// let weights = try VGGishWeights.load(path: "vggish-10086976.pth")   // or .safetensors
/// let model = VGGish(weights: weights)
/// ```
public struct VGGishWeights: Sendable {
    public let architecture: VGGishArchitecture
    /// Network tensors by name: conv weights [Cout, Cin, 3, 3], linear weights [out, in], biases;
    /// all but those in ``inPlace``.
    public let tensors: [String: Tensor]
    /// Tensors read in place from a mapped safetensors file instead of copied: fc1_1's weight
    /// (``streamedWeight``, 192 MiB), when the file stores it as float32. See `StreamedLinear`.
    public let inPlace: [String: BorrowedFloats]
    /// The tensor `load` reads in place when it can.
    public static let streamedWeight = "embeddings.0.weight"
    /// The PCA parameters, when the file also holds `pca_eigen_vectors` and `pca_means`.
    public let pca: VGGishPCA?
    /// Where the tensors came from (a path, or a description), for messages.
    public let source: String

    /// Checks `tensors` against `architecture` (strictly: see ``StrictLoader``).
    ///
    /// - Throws: ``WeightLoadError``: a missing tensor or a wrong shape (in state-dict order),
    ///   then any tensor that is neither the network's nor the PCA's.
    public init(
        tensors named: [(name: String, tensor: Tensor)], architecture: VGGishArchitecture = .standard,
        source: String = "(memory)"
    ) throws(WeightLoadError) {
        try self.init(StrictLoader(NamedTensors(named, source: source)), architecture: architecture)
    }

    private init(_ loader: StrictLoader, architecture: VGGishArchitecture) throws(WeightLoadError) {
        var (network, inPlace): ([String: Tensor], [String: BorrowedFloats]) = ([:], [:])
        for (name, shape) in architecture.tensorShapes {
            if name == Self.streamedWeight, let view = try loader.borrowed(name, shape: shape) {
                inPlace[name] = view
            } else {
                network[name] = Tensor(shape: shape, data: try loader.tensor(name, shape: shape))
            }
        }
        self.architecture = architecture
        self.tensors = network
        self.inPlace = inPlace
        self.pca = VGGishPCA.isPresent(in: loader) ? try VGGishPCA(loader, width: architecture.embeddingWidth) : nil
        self.source = loader.source.sourceName
        try loader.finish()
    }

    /// Loads and checks the weights in `path`: safetensors, or a PyTorch checkpoint (zip or
    /// legacy `torch.save` format, e.g. torchvggish's `vggish-10086976.pth`).
    public static func load(path: String, architecture: VGGishArchitecture = .standard)
        throws(WeightLoadError) -> VGGishWeights
    {
        try VGGishWeights(StrictLoader(try WeightFile.source(path)), architecture: architecture)
    }

    /// Deterministic full-size weights (see ``VGGishSeededWeights``), with PCA parameters.
    public static func seeded(
        _ architecture: VGGishArchitecture = .standard, seed: UInt64 = VGGishSeededWeights.defaultSeed
    ) -> VGGishWeights {
        let tensors = VGGishSeededWeights.network(architecture, seed: seed)
            + VGGishSeededWeights.pca(width: architecture.embeddingWidth, seed: seed)
        return try! VGGishWeights(tensors: tensors, architecture: architecture, source: "seeded(\(seed))")
    }

    /// The tensors in state-dict order (network, then PCA when present), e.g. for
    /// `SafetensorsWriter.write`.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        architecture.tensorShapes.map { ($0.name, tensors[$0.name]!) } + (pca?.namedTensors ?? [])
    }
}
