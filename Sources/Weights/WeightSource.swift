import Kernels

/// Where a model's named float tensors come from: a file, or a seeded generator.
public protocol WeightSource: Sendable {
    /// For messages: the file path, or a description of the generator.
    var sourceName: String { get }
    /// Every tensor name the source holds.
    var tensorNames: [String] { get }
    /// The stored shape of `name`, or nil when the source lacks it.
    func shape(of name: String) -> [Int]?
    /// The tensor's values as float32, last axis fastest.
    func values(_ name: String) throws -> [Float]
    /// The tensor read in place, without a copy, when the source stores it as float32 in
    /// memory that stays valid (a mapped file); nil otherwise.
    func borrowed(_ name: String) -> BorrowedFloats?
}

extension WeightSource {
    public func borrowed(_ name: String) -> BorrowedFloats? { nil }
}

extension SafetensorsFile: WeightSource {
    public var sourceName: String { path }
    public var tensorNames: [String] { names }
    public func shape(of name: String) -> [Int]? { try? entry(name).shape }
    public func values(_ name: String) throws -> [Float] { try floats(name) }
}

/// Tensors already in memory (e.g. read by ``WeightFile`` from a PyTorch checkpoint), by name;
/// the first of a repeated name counts.
public struct NamedTensors: WeightSource {
    public let sourceName: String
    public let tensorNames: [String]
    private let byName: [String: Tensor]

    public init(_ tensors: [(name: String, tensor: Tensor)], source: String) {
        sourceName = source
        var seen = Set<String>()
        tensorNames = tensors.map(\.name).filter { seen.insert($0).inserted }
        byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every tensor of the weight file at `path` (safetensors or a PyTorch checkpoint).
    public init(path: String) throws(WeightLoadError) {
        do { self.init(try WeightFile.read(path), source: path) } catch { throw .file(error) }
    }

    public func shape(of name: String) -> [Int]? { byName[name]?.shape }
    public func values(_ name: String) throws -> [Float] { byName[name]?.data ?? [] }
}

/// Strict loading, the one way every model (the encoders and the head) reads its weights: every
/// tensor is fetched with the shape the model expects, and at the end every tensor in the
/// source must have been used (or be on the model's ignore list). Failures are
/// ``WeightLoadError``s.
///
/// Names are scoped as in the checkpoint's module tree:
/// `loader.scope("repeat.0").scope("branch1.1")` reads `repeat.0.branch1.1.conv.weight`.
public final class StrictLoader: @unchecked Sendable {
    public let source: any WeightSource
    private let ignorable: @Sendable (String) -> Bool
    private var used: Set<String> = []

    /// `ignorable`: names the model may leave unused (e.g. a classifier it does not run).
    public init(_ source: any WeightSource, ignorable: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.source = source
        self.ignorable = ignorable
        isRecording = false
    }

    /// A loader that reads nothing: it records every name and shape the model asks for and
    /// returns zeros, so a model's loading code also states its checkpoint layout.
    public static func recording() -> StrictLoader { StrictLoader(EmptySource(), recording: true) }

    private let isRecording: Bool
    /// What a recording loader was asked for, in order.
    public private(set) var recorded: [(name: String, shape: [Int])] = []

    private init(_ source: any WeightSource, recording: Bool) {
        self.source = source
        self.ignorable = { _ in false }
        isRecording = recording
    }

    /// The tensor `name`, which must have exactly `shape`.
    public func tensor(_ name: String, shape: [Int]) throws(WeightLoadError) -> [Float] {
        if isRecording {
            recorded.append((name, shape))
            return [Float](repeating: 0, count: shape.reduce(1, *))
        }
        try check(name, shape)
        used.insert(name)
        do {
            return try source.values(name)
        } catch {
            throw .unreadable(source: source.sourceName, reason: "tensor '\(name)': \(error)")
        }
    }

    /// The tensor `name`, which must have exactly `shape`, read in place when the source can
    /// (``WeightSource/borrowed(_:)``); nil when it cannot, and the caller reads it with `tensor`.
    public func borrowed(_ name: String, shape: [Int]) throws(WeightLoadError) -> BorrowedFloats? {
        if isRecording { return nil }
        try check(name, shape)
        guard let view = source.borrowed(name) else { return nil }
        used.insert(name)
        return view
    }

    /// Throws unless the source holds `name` with exactly `shape`.
    private func check(_ name: String, _ shape: [Int]) throws(WeightLoadError) {
        guard let found = source.shape(of: name) else {
            throw WeightLoadError.missing(source: source.sourceName, tensor: name, shape: shape)
        }
        guard found == shape else {
            throw WeightLoadError.wrongShape(source: source.sourceName, tensor: name, expected: shape, found: found)
        }
    }

    /// Whether the source holds `name` (for optional tensors).
    public func contains(_ name: String) -> Bool { source.shape(of: name) != nil }

    /// The stored shape of `name`, or nil when the source lacks it (for tensors stored in one
    /// of several layouts).
    public func shape(of name: String) -> [Int]? { source.shape(of: name) }

    /// A view that prefixes names with `prefix.`.
    public func scope(_ prefix: String) -> WeightScope { WeightScope(loader: self, prefix: prefix) }

    /// Throws `unused` when the source holds tensors that were never read and are not ignorable.
    public func finish() throws(WeightLoadError) {
        let unused = source.tensorNames.filter { !used.contains($0) && !ignorable($0) }.sorted()
        if !unused.isEmpty { throw WeightLoadError.unused(source: source.sourceName, tensors: unused) }
    }
}

/// A prefix into a StrictLoader's names, following the checkpoint's module tree.
public struct WeightScope: Sendable {
    public let loader: StrictLoader
    public let prefix: String

    public func scope(_ name: String) -> WeightScope {
        WeightScope(loader: loader, prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
    }

    public func name(_ leaf: String) -> String { prefix.isEmpty ? leaf : "\(prefix).\(leaf)" }

    public func tensor(_ leaf: String, shape: [Int]) throws(WeightLoadError) -> [Float] {
        try loader.tensor(name(leaf), shape: shape)
    }

    public func contains(_ leaf: String) -> Bool { loader.contains(name(leaf)) }

    public func borrowed(_ leaf: String, shape: [Int]) throws(WeightLoadError) -> BorrowedFloats? {
        try loader.borrowed(name(leaf), shape: shape)
    }

    /// A `nn.Linear` stored as `<leaf>.weight` `[out, in]` and `<leaf>.bias` `[out]`.
    public func linear(_ leaf: String, in inFeatures: Int, out outFeatures: Int) throws(WeightLoadError) -> Linear {
        Linear(weight: try tensor(leaf + ".weight", shape: [outFeatures, inFeatures]),
               bias: try tensor(leaf + ".bias", shape: [outFeatures]), inFeatures: inFeatures, outFeatures: outFeatures)
    }
}

/// The source of a recording loader: holds nothing.
private struct EmptySource: WeightSource {
    var sourceName: String { "layout recorder" }
    var tensorNames: [String] { [] }
    func shape(of name: String) -> [Int]? { nil }
    func values(_ name: String) throws -> [Float] { [] }
}
