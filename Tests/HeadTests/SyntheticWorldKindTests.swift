import Foundation
import Testing
@testable import Head
@testable import SyntheticWorlds

/// The world kinds of `vidtag-bench head compare` have the structure their descriptions claim.
@Suite struct SyntheticWorldKindTests {
    static func world(_ kind: SyntheticSpec.Kind) -> SyntheticWorld {
        var spec = SyntheticSpec.world(kind)
        (spec.level1Count, spec.minChildren, spec.maxChildren) = (3, 2, 2)
        return SyntheticWorld(spec: spec, seed: 5)
    }

    @Test func standardIsTheDefaultGenerator() {
        let (a, b) = (SyntheticWorld(seed: 9), SyntheticWorld(spec: .world(.standard), seed: 9))
        #expect(a.item(3, split: 1).tensors == b.item(3, split: 1).tensors)
    }

    @Test func linearWorldIsNotRectified() {
        let world = Self.world(.linear)
        let frames = (0..<10).flatMap { world.item($0, split: 1).tensors["visual.frames"]!.data }
        #expect(frames.contains { $0 < 0 }, "no ReLU: some features are negative")
        #expect(!SyntheticWorld(spec: .world(.standard), seed: 5).item(0, split: 1).tensors["visual.frames"]!.data.contains { $0 < 0 })
    }

    @Test func fewFramesWorldHasDistractorSequences() {
        let world = Self.world(.fewFrames)
        for i in 0..<20 {
            let frames = world.item(i, split: 1).tensors["visual.frames"]!
            #expect((16...32).contains(frames.shape[0]), "item \(i): \(frames.shape)")
        }
    }

    /// Counts drawn from a range take values across it (they all sat at their minimum while
    /// `SeededRandom.below` returned 0): children per level-1 class, frames per few-frames video.
    @Test func drawnCountsCoverTheirRanges() {
        let spec = SyntheticSpec.world(.fewFrames)
        let world = SyntheticWorld(spec: spec, seed: 5)
        let children = Set(world.taxonomy.childRanges.map(\.count))
        let frames = Set((0..<40).map { world.item($0, split: 1).tensors["visual.frames"]!.shape[0] })
        print("children per level-1 class \(children.sorted()) (spec \(spec.minChildren)…\(spec.maxChildren)); frames \(frames.sorted())")
        #expect(children.count >= 3 && children.isSubset(of: Set(spec.minChildren...spec.maxChildren)))
        #expect(frames.count >= 8)
    }

    @Test func aspectsAreSharedOrDisjoint() {
        let shared = Self.world(.redundant)
        #expect(shared.visualMask == shared.audioMask && shared.audioMask == shared.titleMask
                    && shared.titleMask == shared.summaryMask && shared.summaryMask == shared.productMask)
        let disjoint = Self.world(.complementary)
        let masks = [disjoint.visualMask, disjoint.audioMask, disjoint.titleMask, disjoint.summaryMask, disjoint.productMask]
        for k in 0..<disjoint.spec.latentDim {
            #expect(masks.map { $0[k] }.reduce(0, +) == 1, "coordinate \(k) belongs to exactly one modality")
        }
        #expect(masks.allSatisfy { $0.contains(1) })
    }

    /// Frames of one video differ by independent noise of the spec's deviation in every feature.
    @Test func isotropicFramesDifferByFeatureNoise() {
        let world = Self.world(.isotropic)
        for i in 0..<5 {
            let frames = world.item(i, split: 1).tensors["visual.frames"]!
            let (t, d) = (frames.shape[0], frames.shape[1])
            var squares = 0.0
            for j in 0..<d {
                let column = (0..<t).map { Double(frames.data[$0 * d + j]) }
                let mean = column.reduce(0, +) / Double(t)
                squares += column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            }
            let deviation = (squares / Double((t - 1) * d)).squareRoot()
            print("isotropic item \(i): \(t) frames, deviation from their mean \(deviation) (spec \(world.spec.featureNoise))")
            #expect(abs(deviation - world.spec.featureNoise) < 0.05 * world.spec.featureNoise)
        }
    }

    @Test func noisyWorldRelabelsAFifth() {
        let world = Self.world(.noisy)
        let items = (0..<400).map { world.item($0, split: 1) }
        let relabelled = Double(items.filter { $0.level2 != $0.trueLevel2 }.count) / Double(items.count)
        print("noisy world: \(relabelled) of the labels differ from the true class (expected about 0.2)")
        #expect(abs(relabelled - 0.2) < 0.06)
    }
}
