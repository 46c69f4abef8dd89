import Foundation
import Testing
@testable import SyntheticWorlds

/// `vidtag-bench head compare`'s claims table pairs the variants world by world.
@Suite struct HeadComparisonClaimsTests {
    static func run(_ variant: Int, world: UInt64, l1: Double, l2: Double, l2Missing: Double) -> HeadComparison.Run {
        HeadComparison.Run(variant: HeadComparison.variants(modalDropout: 0.2)[variant].name, kind: "linear", world: world,
                           parameters: 1, hidden: 0, linearSkip: false, validationLoss: nil, level1: l1, level2: l2, level1Missing: l1,
                           level2Missing: l2Missing, consistency: 1, level1MacroF1: 1, level2MacroF1: 1, attention: [:],
                           bestEpoch: 1, epochs: 1, trainSeconds: 0)
    }

    @Test func differencesAreTakenWithinEachWorld() {
        // default (0), concat (1), no modal dropout (5) in worlds 1 and 2; no linear baseline.
        let runs = [
            Self.run(0, world: 1, l1: 0.90, l2: 0.80, l2Missing: 0.78), Self.run(0, world: 2, l1: 0.70, l2: 0.60, l2Missing: 0.57),
            Self.run(1, world: 1, l1: 0.89, l2: 0.82, l2Missing: 0.70), Self.run(1, world: 2, l1: 0.70, l2: 0.58, l2Missing: 0.50),
            Self.run(5, world: 1, l1: 0.88, l2: 0.81, l2Missing: 0.75), Self.run(5, world: 2, l1: 0.69, l2: 0.60, l2Missing: 0.55),
        ]
        let row = HeadComparison.claims(runs).split(separator: "\n").last.map(String.init)
        // L1: +1, 0 → +0.50 ± 0.50; L2: −2, +2 → +0.00 ± 2.00; lost: default 2, 3 → 2.50, none 6, 5 → 5.50;
        // dropout's cost: +1, 0 → +0.50 ± 0.50.
        #expect(row == "| linear (2 worlds) | +0.50 ± 0.50 / +0.00 ± 2.00 | — | 2.50 / 5.50 | +0.50 ± 0.50 |")
    }

    @Test func trainingSeedsAreAveragedWithinAWorldBeforeWorldsArePaired() {
        func seeded(_ variant: Int, world: UInt64, seed: UInt64, l2: Double) -> HeadComparison.Run {
            var run = Self.run(variant, world: world, l1: 0.9, l2: l2, l2Missing: l2 - 0.01)
            run.trainingSeed = seed
            return run
        }
        // World 1: seeds 1 and 1001, default − concat at level 2 = +4 and −2 → +1; world 2: seed 2
        // alone in both (+3), and a concat run with seed 1002 that the default lacks (not paired).
        let runs = [
            seeded(0, world: 1, seed: 1, l2: 0.84), seeded(0, world: 1, seed: 1001, l2: 0.78), seeded(0, world: 2, seed: 2, l2: 0.63),
            seeded(1, world: 1, seed: 1, l2: 0.80), seeded(1, world: 1, seed: 1001, l2: 0.80), seeded(1, world: 2, seed: 2, l2: 0.60),
            seeded(1, world: 2, seed: 1002, l2: 0.10),
        ]
        let row = HeadComparison.claims(runs).split(separator: "\n").last.map(String.init)
        // L2: worlds +1, +3 → +2.00 ± 1.00 (pairing each world's first runs, as before, gives +4, +3 → +3.50).
        #expect(row == "| linear (2 worlds) | +0.00 ± 0.00 / +2.00 ± 1.00 | — | — | — |")
        #expect(HeadComparison.spreadOver(runs) == "runs (worlds × training seeds)")
        #expect(HeadComparison.spreadOver(Array(runs.prefix(1)) + [runs[2]]) == "worlds")
        // A run saved before training seeds were recorded trained with its world's seed.
        #expect(Self.run(0, world: 7, l1: 1, l2: 1, l2Missing: 1).seed == 7)
    }

    @Test func runsOfSharedAndDistinctCandidateSeedsAreNotMixed() {
        var distinct = Self.run(0, world: 1, l1: 0.9, l2: 0.8, l2Missing: 0.7)
        distinct.candidateSeeds = .distinct
        var linear = Self.run(7, world: 1, l1: 0.9, l2: 0.7, l2Missing: 0.6)
        linear.candidateSeeds = .shared
        let saved = Self.run(0, world: 2, l1: 0.9, l2: 0.8, l2Missing: 0.7)   // saved before the option: shared
        #expect(HeadComparison.mixedCandidateSeeds([distinct, saved, linear]) == [distinct.variant])
        var concat = Self.run(1, world: 1, l1: 0.9, l2: 0.8, l2Missing: 0.7)
        concat.candidateSeeds = .distinct
        // One candidate: the linear baseline pairs with either.
        #expect(HeadComparison.mixedCandidateSeeds([distinct, concat, linear, Self.run(7, world: 2, l1: 1, l2: 1, l2Missing: 1)]).isEmpty)
    }

    @Test func autosCandidatesAreRecordedByValidationLoss() throws {
        #expect(HeadComparison.describe(["256": 2.79, "0": 2.25, "0 + linear skip": 2.5], nil, nil)
                == " | validation loss 0: 2.250, 0 + linear skip: 2.500, 256: 2.790")
        let figures = ["0": HeadComparison.CandidateFigures(level1: 0.9, level2: 0.7838, level2Missing: 0.75),
                       "256": HeadComparison.CandidateFigures(level1: 0.9, level2: 0.757, level2Missing: 0.74)]
        #expect(HeadComparison.describe(["256": 2.417, "0": 2.566], ["256": 0, "0": 0.0943], figures)
                == " | validation loss 256: 2.417, 0: 2.566 ± 0.094 | test L2 256: 75.70, 0: 78.38")
        #expect(HeadComparison.describe(["0": 2.25], nil, nil) == "")
        // Saved with the run, and runs saved before the fields existed still load.
        var run = Self.run(0, world: 1, l1: 0.9, l2: 0.8, l2Missing: 0.7)
        (run.validationLoss, run.standardError, run.candidates) = (["0": 2.25, "256": 2.79], ["0": 0, "256": 0.1], figures)
        let json = try JSONEncoder().encode(run)
        let decoded = try JSONDecoder().decode(HeadComparison.Run.self, from: json)
        #expect(decoded.validationLoss == ["0": 2.25, "256": 2.79] && decoded.standardError == ["0": 0, "256": 0.1])
        #expect(decoded.candidates == figures)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        for key in ["validationLoss", "standardError", "candidates"] { object[key] = nil }
        let old = try JSONDecoder().decode(HeadComparison.Run.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.validationLoss == nil && old.standardError == nil && old.candidates == nil)
    }
}
