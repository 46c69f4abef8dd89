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
    /// Network tensors by name: conv weights [Cout, Cin, 3, 3], linear weights [out, in], biases.
    public let tensors: [String: Tensor]
    /// The PCA parameters, when the file also holds `pca_eigen_vectors` and `pca_means`.
    public let pca: VGGishPCA?
    /// Where the tensors came from (a path, or a description), for messages.
    public let source: String

    /// Checks `tensors` against `architecture`.
    ///
    /// - Throws: ``VGGishWeightsError/missingTensor(file:name:expectedShape:)``,
    ///   ``VGGishWeightsError/wrongShape(file:name:expected:found:)`` (in state-dict order),
    ///   then ``VGGishWeightsError/unusedTensor(file:name:shape:)`` for any other tensor.
    public init(
        tensors named: [(name: String, tensor: Tensor)], architecture: VGGishArchitecture = .standard,
        source: String = "(memory)"
    ) throws(VGGishWeightsError) {
        let byName = Dictionary(named.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        var network: [String: Tensor] = [:]
        for (name, shape) in architecture.tensorShapes {
            guard let tensor = byName[name] else {
                throw .missingTensor(file: source, name: name, expectedShape: shape)
            }
            guard tensor.shape == shape else {
                throw .wrongShape(file: source, name: name, expected: shape, found: tensor.shape)
            }
            network[name] = tensor
        }
        let pcaTensors = named.filter { VGGishPCA.acceptedNames.keys.contains($0.name) }
        for (name, tensor) in named where network[name] == nil && VGGishPCA.acceptedNames[name] == nil {
            throw .unusedTensor(file: source, name: name, shape: tensor.shape)
        }
        self.architecture = architecture
        self.tensors = network
        self.pca = pcaTensors.isEmpty
            ? nil : try VGGishPCA(tensors: pcaTensors, width: architecture.embeddingWidth, source: source)
        self.source = source
    }

    /// Loads and checks the weights in `path`: safetensors, or a PyTorch checkpoint (zip or
    /// legacy `torch.save` format, e.g. torchvggish's `vggish-10086976.pth`).
    public static func load(path: String, architecture: VGGishArchitecture = .standard)
        throws(VGGishWeightsError) -> VGGishWeights
    {
        try VGGishWeights(tensors: try WeightFile.tensors(path), architecture: architecture, source: path)
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
