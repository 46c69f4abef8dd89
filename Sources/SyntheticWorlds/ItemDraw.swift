import Foundation
import Head
import Kernels

/// The drawing of one item of a ``SyntheticWorld``: its classes and latent vector z, then each
/// modality's features in turn, every random number from one stream in a fixed order (so the
/// same world, split and index give the same item, bit for bit).
struct ItemDraw {
    let world: SyntheticWorld
    let s: SyntheticSpec
    /// The latent width L.
    let l: Int
    var r: SeededRandom
    let y1: Int
    let y2: Int
    /// The video's latent vector, `[L]`, around its level-2 prototype.
    let z: [Float]

    init(_ world: SyntheticWorld, random: SeededRandom) {
        var r = random
        let y1 = Self.pick(world.level1Cumulative, &r)
        let y2 = world.taxonomy.childRanges[y1].lowerBound + Self.pick(world.level2Cumulative[y1], &r)
        z = zip(world.prototypes[y2], Self.gaussian(world.spec.latentDim, world.spec.videoSpread, &r)).map { $0 + $1 }
        (self.world, s, l, self.r, self.y1, self.y2) = (world, world.spec, world.spec.latentDim, r, y1, y2)
    }

    mutating func item(id: String) -> SyntheticWorld.Item {
        var tensors: [String: Tensor] = [:]
        let visualStyle = gaussian(s.nuisanceDim, 1)
        tensors["visual.frames"] = frames(visualStyle)
        tensors["cover"] = cover(visualStyle)
        tensors["audio.frames"] = audio()
        let textStyle = gaussian(s.nuisanceDim, 1)
        tensors["text.title"] = title(textStyle)
        if r.unit() >= s.summaryMissing {
            tensors["text.summary"] = Tensor(shape: [s.textDim],
                                             data: text(z, world.summaryMask, uniform(s.summaryQuality), textStyle))
        }
        tensors["product.items"] = products(textStyle)
        return SyntheticWorld.Item(id: id, tensors: tensors, level1: y1, level2: label(), trueLevel2: y2)
    }

    // MARK: - Modalities, in drawing order

    /// Frames `[T, visualDim]`: shots and generic frames, or a few telling frames among
    /// distractors; IRv2-like non-negative features.
    mutating func frames(_ style: [Float]) -> Tensor {
        let quality = uniform(s.visualQuality)
        let videoView = view()
        let shots = (0..<integer(1, s.maxShots)).map { _ in (around(z, s.shotSpread), mixed(videoView, view(), s.videoShare)) }
        var rows: [[Float]] = s.tellingFrames.map { tellingAmongDistractors($0) } ?? []
        let frameCount = s.tellingFrames == nil ? integer(s.minFrames, s.maxFrames) : 0
        for t in 0..<frameCount {
            if r.unit() < s.genericFrameRate {
                rows.append(observe(around(world.generic[r.below(world.generic.count)], 0.3), world.visualMask, 1, view()))
            } else {
                let (shot, shotView) = shots[t * shots.count / frameCount]
                rows.append(zip(observe(shot, world.visualMask, quality, shotView), gaussian(l, s.frameSpread)).map { $0 + $1 })
            }
        }
        return Tensor(shape: [rows.count, s.visualDim], data: visualFeatures(rows, style))
    }

    /// Distractor frames with a few clear views of the video's class among them.
    mutating func tellingAmongDistractors(_ telling: ClosedRange<Int>) -> [[Float]] {
        let count = integer(s.distractorFrames.lowerBound, s.distractorFrames.upperBound)
        var clear = Set<Int>()
        let wanted = min(count, integer(telling.lowerBound, telling.upperBound))
        while clear.count < wanted { clear.insert(r.below(count)) }
        var rows: [[Float]] = []
        for t in 0..<count {
            if clear.contains(t) {
                rows.append(zip(observe(z, world.visualMask, 0.9, view()), gaussian(l, s.frameSpread)).map { $0 + $1 })
            } else if r.unit() < s.distractorOtherClass {
                rows.append(observe(around(world.prototypes[otherClass()], s.videoSpread), world.visualMask, 0.3, view()))
            } else {
                rows.append(observe(around(world.generic[r.below(world.generic.count)], 0.3), world.visualMask, 1, view()))
            }
        }
        return rows
    }

    /// The cover `[visualDim]`: a good frame, or clickbait from another class; nil when missing.
    mutating func cover(_ style: [Float]) -> Tensor? {
        guard r.unit() >= s.coverMissing else { return nil }
        let latent = r.unit() < s.coverMisleading ? around(world.prototypes[otherClass()], s.videoSpread) : z
        let u = observe(latent, world.visualMask, uniform(s.coverQuality), view())
        return Tensor(shape: [s.visualDim], data: visualFeatures([u], style))
    }

    /// Audio `[T, audioDim]`: speech about the content (how likely depends on the level-1
    /// class) or music; nil when missing.
    mutating func audio() -> Tensor? {
        guard r.unit() >= s.audioMissing else { return nil }
        let count = integer(s.minAudioFrames, s.maxAudioFrames)
        let speech = r.unit() < world.speechRate[y1]
        let quality = uniform(s.audioQuality)
        let song = world.music[r.below(world.music.count)]
        let audioView = view()
        let rows = (0..<count).map { _ in
            zip(speech ? observe(z, world.audioMask, quality, audioView) : observe(song, world.audioMask, 1, audioView),
                gaussian(l, s.segmentSpread)).map { $0 + $1 }
        }
        let style = gaussian(s.nuisanceDim, 1)
        return Tensor(shape: [count, s.audioDim],
                      data: render(rows, map: world.audioMap, style: world.audioStyle, styleVector: style, d: s.audioDim))
    }

    /// The title `[textDim]`, informative or not, sometimes misleading; nil when missing.
    mutating func title(_ style: [Float]) -> Tensor? {
        guard r.unit() >= s.titleMissing else { return nil }
        let misleading = r.unit() < s.titleMisleading
        let latent = misleading ? around(world.prototypes[otherClass()], s.videoSpread) : z
        let q = r.unit() < s.titleInformative ? uniform(s.titleHighQuality) : uniform(s.titleLowQuality)
        return Tensor(shape: [s.textDim], data: text(latent, world.titleMask, q, style))
    }

    /// Products `[P, textDim]`: of the video's class, a sibling, or anything; nil when missing.
    mutating func products(_ style: [Float]) -> Tensor? {
        guard r.unit() >= s.productMissing else { return nil }
        let ranges = world.taxonomy.childRanges
        let count = integer(s.minProducts, s.maxProducts)
        var data: [Float] = []
        for _ in 0..<count {
            let u = r.unit()
            let cls: Int
            if u < s.productSameClass {
                cls = y2
            } else if u < s.productSameClass + s.productSibling, ranges[y1].count > 1 {
                cls = sibling()
            } else {
                var i = r.below(world.taxonomy.level1.count - 1)
                if i >= y1 { i += 1 }
                cls = ranges[i].lowerBound + r.below(ranges[i].count)
            }
            data += text(around(world.prototypes[cls], 0.3), world.productMask, s.productQuality, style)
        }
        return Tensor(shape: [count, s.textDim], data: data)
    }

    /// The label: the true level 2, or under label noise a random sibling.
    mutating func label() -> Int {
        r.unit() < s.labelNoise && world.taxonomy.childRanges[y1].count > 1 ? sibling() : y2
    }

    // MARK: - Drawing helpers

    /// A modality's partial view is a property of the video (or of one shot), not of each
    /// frame: `noise` and `hidden` are drawn once per video or shot and shared by its frames.
    struct View {
        var noise: [Float]
        var hidden: [Float]
    }

    mutating func view() -> View { View(noise: gaussian(l, s.observationNoise), hidden: gaussian(l, s.observationNoise)) }

    func mixed(_ a: View, _ b: View, _ share: Double) -> View {
        let x = Float(share.squareRoot()), y = Float((1 - share).squareRoot())
        return View(noise: zip(a.noise, b.noise).map { x * $0 + y * $1 }, hidden: zip(a.hidden, b.hidden).map { x * $0 + y * $1 })
    }

    /// The latent as a modality sees it: masked coordinates at quality q, the others hidden.
    func observe(_ latent: [Float], _ mask: [Float], _ q: Double, _ v: View) -> [Float] {
        let keep = Float(q), mix = Float((max(0, 1 - q * q)).squareRoot())
        return (0..<l).map { k in mask[k] != 0 ? keep * latent[k] + mix * v.noise[k] : v.hidden[k] }
    }

    /// Renders rows u `[n, L]` through map `[L, D]` + style·`[nuisanceDim, D]` + noise → `[n, D]`.
    mutating func render(_ rows: [[Float]], map: [Float], style: [Float], styleVector: [Float], d: Int) -> [Float] {
        var base = [Float](repeating: 0, count: d)
        for k in 0..<s.nuisanceDim where styleVector[k] != 0 {
            let w = styleVector[k]
            for j in 0..<d { base[j] += w * style[k * d + j] }
        }
        var out = [Float](repeating: 0, count: rows.count * d)
        for (t, u) in rows.enumerated() {
            for j in 0..<d { out[t * d + j] = base[j] + Float(r.normal() * s.featureNoise) }
            map.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { buffer in
                    let row = buffer.baseAddress! + t * d
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

    /// Visual features of latent rows: rendered, biased, rectified when the spec says so.
    mutating func visualFeatures(_ rows: [[Float]], _ styleVector: [Float]) -> [Float] {
        var f = render(rows, map: world.visualMap, style: world.visualStyle, styleVector: styleVector, d: s.visualDim)
        for t in 0..<rows.count {
            for j in 0..<s.visualDim {
                let x = f[t * s.visualDim + j] + world.visualBias[j]
                f[t * s.visualDim + j] = s.rectified ? max(0, x) : x
            }
        }
        return f
    }

    /// A text vector (title, summary, product): rendered, squashed when rectified, unit length.
    mutating func text(_ latent: [Float], _ mask: [Float], _ q: Double, _ styleVector: [Float]) -> [Float] {
        var v = render([observe(latent, mask, q, view())], map: world.textMap, style: world.textStyle,
                       styleVector: styleVector, d: s.textDim)
        var squares: Float = 0
        for j in v.indices {
            if s.rectified { v[j] = tanh(v[j]) }
            squares += v[j] * v[j]
        }
        let inverse = 1 / max(squares.squareRoot(), 1e-12)
        return v.map { $0 * inverse }
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + r.unit() * (range.upperBound - range.lowerBound)
    }

    mutating func integer(_ lo: Int, _ hi: Int) -> Int { lo + r.below(hi - lo + 1) }

    mutating func gaussian(_ n: Int, _ scale: Double) -> [Float] { Self.gaussian(n, scale, &r) }

    mutating func around(_ center: [Float], _ scale: Double) -> [Float] { zip(center, gaussian(l, scale)).map { $0 + $1 } }

    /// A level-2 class other than the video's.
    mutating func otherClass() -> Int {
        var j = r.below(world.taxonomy.level2.count - 1)
        if j >= y2 { j += 1 }
        return j
    }

    /// A sibling of the video's level-2 class (its parent has more than one child).
    mutating func sibling() -> Int {
        let range = world.taxonomy.childRanges[y1]
        var j = range.lowerBound + r.below(range.count - 1)
        if j >= y2 { j += 1 }
        return j
    }

    static func pick(_ cumulative: [Double], _ r: inout SeededRandom) -> Int {
        let u = r.unit()
        return cumulative.firstIndex { u < $0 } ?? cumulative.count - 1
    }

    static func gaussian(_ n: Int, _ scale: Double, _ r: inout SeededRandom) -> [Float] {
        (0..<n).map { _ in Float(r.normal() * scale) }
    }
}
