import Foundation
import Head
import Kernels
import Weights

/// A synthetic "world" for developing and comparing heads: a taxonomy, class prototypes and
/// each encoder's fixed rendering, all drawn from one seed, from which any number of items
/// can be drawn (item i of a split depends only on the world, the split's seed and i).
/// See ``SyntheticSpec`` for the generative story and every knob.
public final class SyntheticWorld: @unchecked Sendable {
    public let spec: SyntheticSpec
    public let seed: UInt64
    public let taxonomy: Taxonomy

    let level1Cumulative: [Double]
    let level2Cumulative: [[Double]]  // per parent, over its children
    let prototypes: [[Float]]         // (C2, L)
    let visualMask, audioMask, titleMask, summaryMask, productMask: [Float]
    let visualMap, audioMap, textMap: [Float]               // (L, D)
    let visualStyle, audioStyle, textStyle: [Float]         // (nuisanceDim, D)
    let visualBias: [Float]
    let generic: [[Float]]
    let music: [[Float]]
    let speechRate: [Double]

    static let level1Names = ["服饰", "家居日用", "美食", "萌宠", "美妆", "母婴", "数码", "运动户外", "汽车", "旅行",
                              "健身", "家装", "珠宝", "图书", "园艺", "乐器", "玩具", "医药", "生鲜", "鞋靴"]
    static let level1NamesEN = ["Apparel", "Home", "Food", "Pets", "Beauty", "Baby", "Digital", "Outdoor", "Cars",
                                "Travel", "Fitness", "Decor", "Jewellery", "Books", "Garden", "Music", "Toys",
                                "Health", "Fresh", "Shoes"]

    public init(spec: SyntheticSpec = SyntheticSpec(), seed: UInt64) {
        self.spec = spec
        self.seed = seed
        var r = SeededRandom(seed: seed, stream: "synthetic-world")
        let l = spec.latentDim
        // taxonomy
        var categories: [(Taxonomy.Category, [Taxonomy.Category])] = []
        for i in 0..<spec.level1Count {
            let id = String(format: "c%02d", i + 1)
            let name = i < Self.level1Names.count ? Self.level1Names[i] : "类目\(i + 1)"
            let en = i < Self.level1NamesEN.count ? Self.level1NamesEN[i] : "Category \(i + 1)"
            let count = spec.minChildren + r.below(spec.maxChildren - spec.minChildren + 1)
            let children = (0..<count).map { j in
                Taxonomy.Category(id: "\(id).\(j + 1)", name: "\(name)·\(j + 1)", nameEN: "\(en) \(j + 1)")
            }
            categories.append((Taxonomy.Category(id: id, name: name, nameEN: en), children))
        }
        taxonomy = Taxonomy(name: "synthetic-\(seed)", categories: categories)
        // long-tailed frequencies, ranks shuffled
        func cumulative(_ n: Int) -> [Double] {
            var ranks = Array(0..<n)
            r.shuffle(&ranks)
            let weights = ranks.map { 1 / pow(Double($0 + 1), spec.classSkew) }
            let total = weights.reduce(0, +)
            var sum = 0.0
            return weights.map { sum += $0 / total; return sum }
        }
        level1Cumulative = cumulative(spec.level1Count)
        level2Cumulative = categories.map { cumulative($0.1.count) }
        // prototypes
        func gaussian(_ n: Int, _ scale: Double) -> [Float] { (0..<n).map { _ in Float(r.normal() * scale) } }
        let parents = categories.map { _ in gaussian(l, 1) }
        var protos: [[Float]] = []
        for (i, c) in categories.enumerated() {
            for _ in c.1 { protos.append(zip(parents[i], gaussian(l, spec.siblingSpread)).map { $0 + $1 }) }
        }
        prototypes = protos
        func mask(_ share: Double) -> [Float] { (0..<l).map { _ in r.unit() < share ? 1 : 0 } }
        switch spec.aspects {
        case .random:
            visualMask = mask(spec.visualAspect)
            audioMask = mask(spec.audioAspect)
            titleMask = mask(spec.titleAspect)
            summaryMask = mask(spec.summaryAspect)
            productMask = mask(spec.productAspect)
        case .shared:
            let shared = mask(spec.visualAspect)
            (visualMask, audioMask, titleMask, summaryMask, productMask) = (shared, shared, shared, shared, shared)
        case .disjoint:
            // coordinate k belongs to one modality: visual, audio, title, summary, product in turn
            var owner = (0..<l).map { $0 % 5 }
            r.shuffle(&owner)
            let masks = (0..<5).map { m in owner.map { $0 == m ? Float(1) : 0 } }
            (visualMask, audioMask, titleMask, summaryMask, productMask) = (masks[0], masks[1], masks[2], masks[3], masks[4])
        }
        visualMap = gaussian(l * spec.visualDim, 1 / Double(l).squareRoot())
        audioMap = gaussian(l * spec.audioDim, 1 / Double(l).squareRoot())
        textMap = gaussian(l * spec.textDim, 1 / Double(l).squareRoot())
        let styleScale = (0.5 / Double(spec.nuisanceDim)).squareRoot()
        visualStyle = gaussian(spec.nuisanceDim * spec.visualDim, styleScale)
        audioStyle = gaussian(spec.nuisanceDim * spec.audioDim, styleScale)
        textStyle = gaussian(spec.nuisanceDim * spec.textDim, styleScale)
        visualBias = gaussian(spec.visualDim, 0.5)
        generic = (0..<spec.genericFrameKinds).map { _ in gaussian(l, 1.3) }
        music = (0..<spec.musicKinds).map { _ in gaussian(l, 1.3) }
        speechRate = (0..<spec.level1Count).map { _ in
            spec.speechRate.lowerBound + r.unit() * (spec.speechRate.upperBound - spec.speechRate.lowerBound)
        }
    }

    /// One item: its feature tensors (feature-file names), its true classes and its label
    /// (the true level 2, or a sibling under label noise).
    public struct Item: Sendable {
        public var id: String
        public var tensors: [String: Tensor]
        public var level1: Int
        public var level2: Int
        public var trueLevel2: Int
    }

    /// Item `index` of the split with seed `split`.
    public func item(_ index: Int, split: UInt64) -> Item {
        var draw = ItemDraw(self, random: SeededRandom(seed: split &+ UInt64(index) &* SplitMix64.increment,
                                                       stream: "synthetic-item-\(seed)"))
        return draw.item(id: String(format: "syn%llu-%06d", split, index))
    }

    /// The spec as JSON (sorted keys).
    public var specJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(spec)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The modalities of this world's items, with their widths.
    public var modalities: [ModalitySpec] {
        ModalitySpec.catalogue.map { spec in
            var m = spec
            switch spec.name {
            case "visual", "cover": m.dim = self.spec.visualDim
            case "audio": m.dim = self.spec.audioDim
            default: m.dim = self.spec.textDim
            }
            return m
        }
    }

    /// The modalities with the centres `vidtag train` would give them (`FeatureDirectory`'s
    /// rule: the mean frame / vector / product mean), taken over items 0..<sample of `split`.
    public func centredModalities(split: UInt64, sample: Int) -> [ModalitySpec] {
        var specs = modalities
        let items = (0..<sample).map { item($0, split: split) }
        for (j, spec) in specs.enumerated() {
            var sum = CentreSum(spec)
            for item in items { if let tensor = item.tensors[spec.tensor] { sum.add(tensor.data) } }
            specs[j].centre = sum.centre
        }
        return specs
    }

    /// Items 0..<count of a split as head examples (with `modalities`' centres, by default
    /// none), generated on all cores.
    public func examples(count: Int, split: UInt64, modalities: [ModalitySpec]? = nil) -> [HeadExample] {
        let modalities = modalities ?? self.modalities
        var out = [HeadExample?](repeating: nil, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Threading.parallelFor(count, minChunk: 16) { range in
                for i in range {
                    let item = self.item(i, split: split)
                    base[i] = try! HeadExample(id: item.id, tensors: item.tensors, modalities: modalities,
                                               level1: item.level1, level2: item.level2)
                }
            }
        }
        return out.map { $0! }
    }

    /// The encoder "hashes" synthetic feature files carry: they name the world.
    public var encoderHashes: [String: String] {
        ["synthetic": "world-\(seed)-" + String(SHA256Hex.of(specJSON).prefix(16))]
    }
}

enum SHA256Hex {
    static func of(_ text: String) -> String { SHA256.hexDigest(Data(text.utf8)) }
}
