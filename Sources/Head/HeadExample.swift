import Kernels

/// The cached features of one item, preprocessed for the head: one entry per configured
/// modality, absent ones empty.
///
/// Preprocessing (the same at training and inference; no learned parameters):
/// - when the modality has a centre (the training mean, ``ModalitySpec/centre``), it is
///   subtracted first from every frame, vector or product mean;
/// - every frame and every vector is scaled to unit RMS, x·√D/‖x‖, so that modalities from
///   different encoders (IRv2 pre-logits, raw VGGish embeddings, unit-norm sentence
///   embeddings) enter at the same scale;
/// - product items are averaged (then scaled);
/// - an all-zero vector or frame counts as absent (e.g. a title the extractor blanked).
public struct HeadExample: Sendable {
    public var id: String
    /// Per modality: rows × dim floats, row-major; empty when absent.
    public var features: [[Float]]
    /// Per modality: the number of rows (frames for sequences, 1 for vectors and sets), 0 when absent.
    public var rows: [Int]
    /// Level-1 and level-2 class indices, −1 when unlabelled.
    public var level1: Int
    public var level2: Int

    public init(id: String, features: [[Float]], rows: [Int], level1: Int = -1, level2: Int = -1) {
        (self.id, self.features, self.rows, self.level1, self.level2) = (id, features, rows, level1, level2)
    }

    /// Builds an example from a feature file's tensors, found by name, and its texts (field →
    /// texts, for the text channel's bags, hashed by `textChannel`).
    /// - Throws: ``HeadInputError/shape(id:tensor:expected:found:)`` when a tensor's width or rank
    ///   does not match the configured modality.
    public init(id: String, tensors: [String: Tensor], modalities: [ModalitySpec], texts: [String: [String]] = [:],
                textChannel: CharNgrams? = nil, level1: Int = -1, level2: Int = -1) throws(HeadInputError) {
        var features: [[Float]] = []
        var rows: [Int] = []
        for spec in modalities {
            if let field = spec.textField {
                // A bag: the ids of every text of the field (exact as floats below 2²⁴).
                let ids = (texts[field] ?? []).flatMap { textChannel?.ids($0) ?? [] }.prefix(CharNgrams.maxNgrams)
                features.append(ids.map(Float.init))
                rows.append(ids.count)
                continue
            }
            guard let tensor = tensors[spec.tensor] else {
                features.append([])
                rows.append(0)
                continue
            }
            let d = spec.dim
            switch spec.kind {
            case .vector:
                guard tensor.shape == [d] else {
                    throw .shape(id: id, tensor: spec.tensor, expected: "[\(d)]", found: tensor.shape)
                }
                let v = Self.unitRMS(Self.centred(tensor.data[...], spec.centre))
                features.append(v ?? [])
                rows.append(v == nil ? 0 : 1)
            case .sequence:
                guard tensor.rank == 2, tensor.shape[1] == d else {
                    throw .shape(id: id, tensor: spec.tensor, expected: "[T, \(d)]", found: tensor.shape)
                }
                var out: [Float] = []
                out.reserveCapacity(tensor.count)
                var count = 0
                for t in 0..<tensor.shape[0] {
                    if let v = Self.unitRMS(Self.centred(tensor.data[(t * d)..<((t + 1) * d)], spec.centre)) {
                        out.append(contentsOf: v)
                        count += 1
                    }
                }
                features.append(out)
                rows.append(count)
            case .bag:
                preconditionFailure("HeadExample: a bag reads texts, not a tensor")
            case .set:
                guard tensor.rank == 2, tensor.shape[1] == d else {
                    throw .shape(id: id, tensor: spec.tensor, expected: "[P, \(d)]", found: tensor.shape)
                }
                var sum = [Float](repeating: 0, count: d)
                var count = 0
                for t in 0..<tensor.shape[0] {
                    let row = tensor.data[(t * d)..<((t + 1) * d)]
                    if row.allSatisfy({ $0 == 0 }) { continue }
                    for (j, x) in row.enumerated() { sum[j] += x }
                    count += 1
                }
                // The sum's scale does not matter to unit RMS; a centre needs the mean itself.
                let mean = spec.centre == nil ? sum[...] : sum.map { $0 / Float(max(count, 1)) }[...]
                let v = count == 0 ? nil : Self.unitRMS(Self.centred(mean, spec.centre))
                features.append(v ?? [])
                rows.append(v == nil ? 0 : 1)
            }
        }
        self.init(id: id, features: features, rows: rows, level1: level1, level2: level2)
    }

    /// x − centre (x itself without a centre).
    static func centred(_ x: ArraySlice<Float>, _ centre: [Float]?) -> ArraySlice<Float> {
        guard let centre else { return x }
        return zip(x, centre).map { $0 - $1 }[...]
    }

    /// x·√D/‖x‖, or nil for a zero (or non-finite) vector.
    static func unitRMS(_ x: ArraySlice<Float>) -> [Float]? {
        var squares: Double = 0
        for v in x { squares += Double(v) * Double(v) }
        guard squares > 0, squares.isFinite else { return nil }
        let scale = Float((Double(x.count) / squares).squareRoot())
        return x.map { $0 * scale }
    }

    /// Which modalities are present.
    public var present: [Bool] { rows.map { $0 > 0 } }
}

/// A problem with one item's features.
public enum HeadInputError: Error, Equatable, CustomStringConvertible {
    case shape(id: String, tensor: String, expected: String, found: [Int])
    case noModality(id: String)

    public var description: String {
        switch self {
        case let .shape(id, tensor, expected, found):
            return "item \(id): tensor \(tensor) has shape \(found), expected \(expected)"
        case let .noModality(id):
            return "item \(id): no modality the head uses is present"
        }
    }
}

extension HeadExample {
    /// The example with only the modalities at `indices` (in that order).
    public func keeping(modalities indices: [Int]) -> HeadExample {
        HeadExample(id: id, features: indices.map { features[$0] }, rows: indices.map { rows[$0] }, level1: level1, level2: level2)
    }
}
