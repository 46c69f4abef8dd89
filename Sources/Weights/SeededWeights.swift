import Kernels

/// Deterministic full-size weights for tests and for demo bundles, generated identically by
/// `Scripts/reference/seeded_weights.py`, so no large weight file is ever committed.
///
/// Each tensor has its own stream: SplitMix64 (Steele et al. 2014) in counter form,
/// z_i = mix(seed ⊕ FNV-1a-64(name) + (i+1)·0x9E3779B97F4A7C15), and u_i = (z_i >> 40)·2⁻²⁴,
/// a float32 in [0, 1) with 24 exact bits. Values, by the tensor's name and rank, all in
/// float32 arithmetic:
/// - `*running_var`: 0.5 + u
/// - `*running_mean`: (2u − 1)·0.1
/// - rank 1 `*weight` (norm scales): 0.8 + 0.4u
/// - rank 1 others (biases): (2u − 1)·0.1
/// - rank ≥ 2 (weights): (2u − 1)·a with a = float32(sqrt(6 / fan_in)), fan_in the product of
///   all axes but the first (He-uniform: activations stay of order 1 through ReLU stacks).
public struct SeededWeights: WeightSource {
    public let seed: UInt64
    /// Names and shapes, in the model's order.
    public let layout: [(name: String, shape: [Int])]
    private let shapes: [String: [Int]]

    public init(layout: [(name: String, shape: [Int])], seed: UInt64 = 0) {
        self.layout = layout
        self.seed = seed
        shapes = Dictionary(layout.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
    }

    public var sourceName: String { "seeded weights (seed \(seed))" }
    public var tensorNames: [String] { layout.map(\.name) }
    public func shape(of name: String) -> [Int]? { shapes[name] }

    public func values(_ name: String) throws -> [Float] {
        guard let shape = shapes[name] else {
            throw WeightLoadError.missing(source: sourceName, tensor: name, shape: [])
        }
        return Self.generate(name: name, shape: shape, seed: seed)
    }

    /// All tensors as Tensors, in layout order (for writing a weight file).
    public func tensors() -> [(name: String, tensor: Tensor)] {
        layout.map { ($0.name, Tensor(shape: $0.shape, data: Self.generate(name: $0.name, shape: $0.shape, seed: seed))) }
    }

    @inline(__always)
    static func unit(_ base: UInt64, _ index: Int) -> Float {
        let z = SplitMix64.mix(base &+ UInt64(index + 1) &* SplitMix64.increment)
        return Float(z >> 40) * 0x1p-24
    }

    /// `count` values value(u_i), i = 0 ..< count, from the stream of tensor `name`.
    static func stream(name: String, count: Int, seed: UInt64, _ value: (Float) -> Float) -> [Float] {
        let base = seed ^ StableHash.fnv1a64(name)
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            let pointer = buffer.baseAddress!
            Threading.parallelFor(count, minChunk: 1 << 16) { range in
                for i in range { pointer[i] = value(unit(base, i)) }
            }
        }
        return out
    }

    /// `count` values (2u_i − 1)·bound in [−bound, bound) from the stream of tensor `name`: the
    /// rule of weights, biases and running means here, and of the AudioEncoder's seeded VGGish
    /// weights (`VGGishSeededWeights`, with its own scales).
    public static func uniform(name: String, count: Int, bound: Float, seed: UInt64) -> [Float] {
        stream(name: name, count: count, seed: seed) { ($0 * 2 - 1) * bound }
    }

    public static func generate(name: String, shape: [Int], seed: UInt64) -> [Float] {
        let count = shape.reduce(1, *)
        if name.hasSuffix("running_var") {
            return stream(name: name, count: count, seed: seed) { 0.5 + $0 }
        } else if name.hasSuffix("running_mean") {
            return uniform(name: name, count: count, bound: 0.1, seed: seed)
        } else if shape.count == 1 && name.hasSuffix("weight") {
            return stream(name: name, count: count, seed: seed) { Float(0.4) * $0 + Float(0.8) }
        } else if shape.count <= 1 {
            return uniform(name: name, count: count, bound: 0.1, seed: seed)
        } else {
            let fanIn = shape.dropFirst().reduce(1, *)
            let bound = Float((6.0 / Double(max(fanIn, 1))).squareRoot())
            return uniform(name: name, count: count, bound: bound, seed: seed)
        }
    }
}
