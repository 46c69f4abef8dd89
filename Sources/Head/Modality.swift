/// The modalities a feature file can carry and how the head pools each one.
///
/// | name | tensor | shape | pooling |
/// | --- | --- | --- | --- |
/// | visual | `visual.frames` | [T, 1536] | NetVLAD |
/// | cover | `cover` | [1536] | none |
/// | audio | `audio.frames` | [A, 128] | NetVLAD |
/// | title | `text.title` | [D] | none (the text encoder pooled it) |
/// | summary | `text.summary` | [D] | none |
/// | product | `product.items` | [P, D] | mean over products |
/// | title_chars | `texts.title` | n-gram ids | mean of the text channel's table rows |
/// | summary_chars | `texts.summary` | n-gram ids | |
/// | product_chars | `texts.product` | n-gram ids (all products') | |
///
/// The last three (``textBags``) are the text channel (``CharNgrams``): they read the texts a
/// feature file keeps in its `texts` metadata, not a tensor.
public struct ModalitySpec: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// A variable number of frames `[T, D]`, pooled by NetVLAD.
        case sequence
        /// One vector `[D]`.
        case vector
        /// A variable number of items `[P, D]`, averaged.
        case set
        /// A text field's hashed n-gram ids, pooled by the text channel's table (``EmbeddingBag``);
        /// `dim` is the table's width E.
        case bag
    }

    /// The short name used in parameter names, attention reports and predictions.
    public var name: String
    /// The feature-file tensor it comes from (for bags, `texts.<field>`: the field of the
    /// feature file's `texts` metadata).
    public var tensor: String
    public var kind: Kind
    /// The width of one frame / vector / item.
    public var dim: Int
    /// The training features' mean frame / vector / product mean (`dim` floats), subtracted
    /// before scaling (``HeadExample``); nil: no centring. Encoders whose outputs share a large
    /// common part (post-ReLU pooled features, random stand-in weights) differ from item to
    /// item mostly in what is left after it.
    public var centre: [Float]?
    /// The standardisation of the pooled vector (after centring and scaling) that the linear
    /// baseline and the linear skip read: x ← (x − mean) ⊙ scale, `scale` being 1/standard
    /// deviation, both over the training items that have the modality. Nil for the other
    /// heads, or before training.
    public var standardisation: Standardisation?

    public struct Standardisation: Codable, Equatable, Sendable {
        public var mean: [Float]
        public var scale: [Float]
        public init(mean: [Float], scale: [Float]) { (self.mean, self.scale) = (mean, scale) }
    }

    public init(name: String, tensor: String, kind: Kind, dim: Int) {
        (self.name, self.tensor, self.kind, self.dim) = (name, tensor, kind, dim)
    }

    /// The six modalities of a feature file, in the order the head uses, with the feature
    /// widths of the default encoders (text width of all-MiniLM-L6-v2).
    public static let catalogue: [ModalitySpec] = [
        ModalitySpec(name: "visual", tensor: "visual.frames", kind: .sequence, dim: 1536),
        ModalitySpec(name: "cover", tensor: "cover", kind: .vector, dim: 1536),
        ModalitySpec(name: "audio", tensor: "audio.frames", kind: .sequence, dim: 128),
        ModalitySpec(name: "title", tensor: "text.title", kind: .vector, dim: 384),
        ModalitySpec(name: "summary", tensor: "text.summary", kind: .vector, dim: 384),
        ModalitySpec(name: "product", tensor: "product.items", kind: .set, dim: 384),
    ]

    /// The text channel's modalities, one bag per text field, of width `dim`.
    public static func textBags(dim: Int) -> [ModalitySpec] {
        ["title", "summary", "product"].map { ModalitySpec(name: $0 + "_chars", tensor: "texts." + $0, kind: .bag, dim: dim) }
    }

    /// For a bag: the field of the `texts` metadata it reads (`title`, `summary`, `product`).
    public var textField: String? {
        kind == .bag && tensor.hasPrefix("texts.") ? String(tensor.dropFirst("texts.".count)) : nil
    }

    /// The catalogue entry for a feature-file tensor name.
    public static func forTensor(_ tensor: String) -> ModalitySpec? { catalogue.first { $0.tensor == tensor } }
}
