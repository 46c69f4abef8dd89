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
        let s = spec, l = s.latentDim
        var r = SeededRandom(seed: split &+ UInt64(index) &* SplitMix64.increment, stream: "synthetic-item-\(seed)")
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + r.unit() * (range.upperBound - range.lowerBound)
        }
        func integer(_ lo: Int, _ hi: Int) -> Int { lo + r.below(hi - lo + 1) }
        func pick(_ cumulative: [Double]) -> Int {
            let u = r.unit()
            return cumulative.firstIndex { u < $0 } ?? cumulative.count - 1
        }
        func gaussian(_ n: Int, _ scale: Double) -> [Float] { (0..<n).map { _ in Float(r.normal() * scale) } }
        func around(_ center: [Float], _ scale: Double) -> [Float] { zip(center, gaussian(l, scale)).map { $0 + $1 } }
        let ranges = taxonomy.childRanges
        let c2 = taxonomy.level2.count
        let y1 = pick(level1Cumulative)
        let y2 = ranges[y1].lowerBound + pick(level2Cumulative[y1])
        let z = around(prototypes[y2], s.videoSpread)
        func otherClass() -> Int {
            var j = r.below(c2 - 1)
            if j >= y2 { j += 1 }
            return j
        }
        // A modality's partial view is a property of the video (or of one shot), not of each
        // frame: `noise` and `hidden` are drawn once per video or shot and shared by its frames.
        struct View {
            var noise: [Float]
            var hidden: [Float]
        }
        func view() -> View { View(noise: gaussian(l, s.observationNoise), hidden: gaussian(l, s.observationNoise)) }
        func mixed(_ a: View, _ b: View, _ share: Double) -> View {
            let x = Float(share.squareRoot()), y = Float((1 - share).squareRoot())
            return View(noise: zip(a.noise, b.noise).map { x * $0 + y * $1 }, hidden: zip(a.hidden, b.hidden).map { x * $0 + y * $1 })
        }
        func observe(_ latent: [Float], _ mask: [Float], _ q: Double, _ v: View) -> [Float] {
            let keep = Float(q), mix = Float((max(0, 1 - q * q)).squareRoot())
            return (0..<l).map { k in mask[k] != 0 ? keep * latent[k] + mix * v.noise[k] : v.hidden[k] }
        }
        // renders rows u (n, L) through map (L, D) + style·(nuisanceDim, D) + noise
        func render(_ rows: [[Float]], map: [Float], style: [Float], styleVector: [Float], d: Int) -> [Float] {
            var base = [Float](repeating: 0, count: d)
            for k in 0..<s.nuisanceDim where styleVector[k] != 0 {
                let w = styleVector[k]
                for j in 0..<d { base[j] += w * style[k * d + j] }
            }
            var out = [Float](repeating: 0, count: rows.count * d)
            for (t, u) in rows.enumerated() {
                out.withUnsafeMutableBufferPointer { buffer in
                    let row = buffer.baseAddress! + t * d
                    for j in 0..<d { row[j] = base[j] + Float(r.normal() * s.featureNoise) }
                    map.withUnsafeBufferPointer { m in
                        for k in 0..<l where u[k] != 0 {
                            let w = u[k]
                            let line = m.baseAddress! + k * d
                            for j in 0..<d { row[j] += w * line[j] }
                        }
                    }
                }
            }
            return out
        }
        var tensors: [String: Tensor] = [:]

        // visual frames: shots, generic frames; IRv2-like non-negative features
        let visualStyleVector = gaussian(s.nuisanceDim, 1)
        let qv = uniform(s.visualQuality)
        let videoView = view()
        let shots = (0..<integer(1, s.maxShots)).map { _ in (around(z, s.shotSpread), mixed(videoView, view(), s.videoShare)) }
        var frameRows: [[Float]] = []
        if let telling = s.tellingFrames {
            // distractors, with a few clear views of the video's class among them
            let count = integer(s.distractorFrames.lowerBound, s.distractorFrames.upperBound)
            var clear = Set<Int>()
            let wanted = min(count, integer(telling.lowerBound, telling.upperBound))
            while clear.count < wanted { clear.insert(r.below(count)) }
            for t in 0..<count {
                if clear.contains(t) {
                    frameRows.append(zip(observe(z, visualMask, 0.9, view()), gaussian(l, s.frameSpread)).map { $0 + $1 })
                } else if r.unit() < s.distractorOtherClass {
                    frameRows.append(observe(around(prototypes[otherClass()], s.videoSpread), visualMask, 0.3, view()))
                } else {
                    frameRows.append(observe(around(generic[r.below(generic.count)], 0.3), visualMask, 1, view()))
                }
            }
        }
        let frameCount = s.tellingFrames == nil ? integer(s.minFrames, s.maxFrames) : 0
        for t in 0..<frameCount {
            if r.unit() < s.genericFrameRate {
                frameRows.append(observe(around(generic[r.below(generic.count)], 0.3), visualMask, 1, view()))
            } else {
                let (shot, shotView) = shots[t * shots.count / frameCount]
                frameRows.append(zip(observe(shot, visualMask, qv, shotView), gaussian(l, s.frameSpread)).map { $0 + $1 })
            }
        }
        func visualFeatures(_ rows: [[Float]]) -> [Float] {
            var f = render(rows, map: visualMap, style: visualStyle, styleVector: visualStyleVector, d: s.visualDim)
            for t in 0..<rows.count {
                for j in 0..<s.visualDim {
                    let x = f[t * s.visualDim + j] + visualBias[j]
                    f[t * s.visualDim + j] = s.rectified ? max(0, x) : x
                }
            }
            return f
        }
        tensors["visual.frames"] = Tensor(shape: [frameRows.count, s.visualDim], data: visualFeatures(frameRows))

        // cover: a good frame, or clickbait from another class
        if r.unit() >= s.coverMissing {
            let latent = r.unit() < s.coverMisleading ? around(prototypes[otherClass()], s.videoSpread) : z
            let u = observe(latent, visualMask, uniform(s.coverQuality), view())
            tensors["cover"] = Tensor(shape: [s.visualDim], data: visualFeatures([u]))
        }

        // audio: speech about the content (how likely depends on the level-1 class) or music
        if r.unit() >= s.audioMissing {
            let count = integer(s.minAudioFrames, s.maxAudioFrames)
            let speech = r.unit() < speechRate[y1]
            let qa = uniform(s.audioQuality)
            let song = music[r.below(music.count)]
            let audioView = view()
            let rows = (0..<count).map { _ in
                zip(speech ? observe(z, audioMask, qa, audioView) : observe(song, audioMask, 1, audioView),
                    gaussian(l, s.segmentSpread)).map { $0 + $1 }
            }
            let style = gaussian(s.nuisanceDim, 1)
            tensors["audio.frames"] = Tensor(shape: [count, s.audioDim],
                                             data: render(rows, map: audioMap, style: audioStyle, styleVector: style, d: s.audioDim))
        }

        // text: title, summary, products share the text encoder (and the uploader's style)
        let textStyleVector = gaussian(s.nuisanceDim, 1)
        func text(_ latent: [Float], _ mask: [Float], _ q: Double) -> [Float] {
            var v = render([observe(latent, mask, q, view())], map: textMap, style: textStyle, styleVector: textStyleVector, d: s.textDim)
            var squares: Float = 0
            for j in v.indices {
                if s.rectified { v[j] = tanh(v[j]) }
                squares += v[j] * v[j]
            }
            let inverse = 1 / max(squares.squareRoot(), 1e-12)
            return v.map { $0 * inverse }
        }
        if r.unit() >= s.titleMissing {
            let misleading = r.unit() < s.titleMisleading
            let latent = misleading ? around(prototypes[otherClass()], s.videoSpread) : z
            let q = r.unit() < s.titleInformative ? uniform(s.titleHighQuality) : uniform(s.titleLowQuality)
            tensors["text.title"] = Tensor(shape: [s.textDim], data: text(latent, titleMask, q))
        }
        if r.unit() >= s.summaryMissing {
            tensors["text.summary"] = Tensor(shape: [s.textDim], data: text(z, summaryMask, uniform(s.summaryQuality)))
        }
        if r.unit() >= s.productMissing {
            let count = integer(s.minProducts, s.maxProducts)
            var data: [Float] = []
            for _ in 0..<count {
                let u = r.unit()
                let cls: Int
                if u < s.productSameClass {
                    cls = y2
                } else if u < s.productSameClass + s.productSibling, ranges[y1].count > 1 {
                    var j = ranges[y1].lowerBound + r.below(ranges[y1].count - 1)
                    if j >= y2 { j += 1 }
                    cls = j
                } else {
                    var i = r.below(taxonomy.level1.count - 1)
                    if i >= y1 { i += 1 }
                    cls = ranges[i].lowerBound + r.below(ranges[i].count)
                }
                data += text(around(prototypes[cls], 0.3), productMask, s.productQuality)
            }
            tensors["product.items"] = Tensor(shape: [count, s.textDim], data: data)
        }

        // label noise: a random sibling
        var label = y2
        if r.unit() < s.labelNoise, ranges[y1].count > 1 {
            var j = ranges[y1].lowerBound + r.below(ranges[y1].count - 1)
            if j >= y2 { j += 1 }
            label = j
        }
        return Item(id: String(format: "syn%llu-%06d", split, index), tensors: tensors, level1: y1, level2: label, trueLevel2: y2)
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
