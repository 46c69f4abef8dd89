import Foundation
import Testing
@testable import Head
@testable import SyntheticWorlds

/// `SeededRandom`'s derived draws are uniform. Until session 18 `below(n)` returned 0 for every n
/// (an unparenthesised `x &* n >> 32` is x·(n >> 32) in Swift), so every shuffle was a rotation by
/// one place, the validation split took the first ids in sorted order whatever the seed, and the
/// synthetic worlds drew every count at its minimum. These tests fail on that code.
@Suite struct SeededRandomTests {
    /// 60,000 draws of below(n): each value within 5 standard deviations of its expected count.
    @Test(arguments: [2, 3, 6, 55, 1000])
    func belowIsUniform(_ n: Int) {
        var random = SeededRandom(seed: 7, stream: "below")
        let draws = 60_000
        var counts = [Int](repeating: 0, count: n)
        for _ in 0..<draws {
            let v = random.below(n)
            #expect((0..<n).contains(v))
            counts[v] += 1
        }
        let expected = Double(draws) / Double(n)
        let sd = (expected * (1 - 1 / Double(n))).squareRoot()
        let worst = counts.map { abs(Double($0) - expected) / sd }.max()!
        print("below(\(n)): counts \(counts.min()!)…\(counts.max()!) against \(expected), worst \(worst) s.d.")
        #expect(worst < 5)
    }

    /// A shuffle of 0..<100 moves items by about n/3 places on average (a uniform permutation's
    /// mean displacement), is not a rotation, and differs between streams.
    @Test func shuffleMixes() {
        func shuffled(_ stream: String) -> [Int] {
            var random = SeededRandom(seed: 1, stream: stream)
            var values = Array(0..<100)
            random.shuffle(&values)
            return values
        }
        let (a, b) = (shuffled("a"), shuffled("b"))
        #expect(a != b)
        #expect(a.sorted() == Array(0..<100))
        for values in [a, b] {
            let displacement = Double(values.enumerated().map { abs($0.offset - $0.element) }.reduce(0, +)) / 100
            let steps = Set(values.indices.map { (values[$0] - $0 + 100) % 100 })
            print("shuffle: mean displacement \(displacement) (uniform: 33.3), \(steps.count) distinct offsets")
            #expect((25...42).contains(displacement))
            #expect(steps.count > 10, "a rotation moves every item by the same offset")
        }
    }

    /// The validation split depends on the seed and takes items from the whole id order.
    @Test func validationSplitFollowsTheSeed() {
        var spec = SyntheticSpec.world(.standard)
        (spec.level1Count, spec.minChildren, spec.maxChildren) = (3, 2, 2)
        let examples = SyntheticWorld(spec: spec, seed: 3).examples(count: 200, split: 1)
        let ids = examples.map(\.id).sorted()
        let one = HeadTrainer.split(examples, fraction: 0.2, seed: 1).validation.map(\.id)
        let two = HeadTrainer.split(examples, fraction: 0.2, seed: 2).validation.map(\.id)
        #expect(one.count == 40 && two.count == 40)
        #expect(Set(one) != Set(two))
        let ranks = one.map { ids.firstIndex(of: $0)! }
        print("validation split (seed 1): id ranks \(ranks.min()!)…\(ranks.max()!), mean \(Double(ranks.reduce(0, +)) / 40)")
        #expect(ranks.max()! - ranks.min()! > 150, "held-out items come from the whole id order, not its start")
    }

    /// Modal dropout's fallback (every present modality drawn for dropping) keeps each of them in turn.
    @Test func dropoutFallbackKeepsAnyModality() {
        var random = SeededRandom(seed: 2, stream: "fallback")
        var kept = Set<Int>()
        for _ in 0..<200 {
            let mask = ModalDropout.keep(present: [true, true, true], rate: 0.999, random: &random)
            #expect(mask.filter { $0 }.count >= 1)
            if mask.filter({ $0 }).count == 1 { kept.insert(mask.firstIndex(of: true)!) }
        }
        #expect(kept == [0, 1, 2])
    }
}
