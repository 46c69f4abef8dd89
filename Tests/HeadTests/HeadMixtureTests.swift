import Foundation
import Testing
import Weights
@testable import Head
@testable import SyntheticWorlds

/// `--auto-keeps mixture`: the weights fitted to the validation items (``MixtureWeights``), the
/// mixed probabilities the evaluator decodes (``HeadMixture``), and the mixture on disk.
@Suite struct HeadMixtureTests {
    /// Likelihoods of 3 candidates on 60 items, each candidate best on its own share of them.
    static func likelihoods(seed: UInt64) -> [[Double]] {
        var random = SeededRandom(seed: seed, stream: "mixture-test")
        return (0..<3).map { c in
            (0..<60).map { i in (i % 3 == c ? 0.5 : 0.05) + 0.4 * Double(random.below(1000)) / 1000 }
        }
    }

    /// EM reaches the maximum of the concave log-likelihood: no point of a 0.005 grid over the
    /// simplex beats it, and its weights are those of the grid's best point to the grid's step.
    @Test(arguments: [UInt64(1), 2, 3])
    func fittedWeightsMaximiseTheValidationLikelihood(seed: UInt64) {
        let q = Self.likelihoods(seed: seed)
        let w = MixtureWeights.fit(q)
        let fitted = MixtureWeights.logLikelihood(q, weights: w)
        var best = (value: -Double.infinity, weights: [Double]())
        let steps = 200
        for a in 0...steps {
            for b in 0...(steps - a) {
                let g = [Double(a), Double(b), Double(steps - a - b)].map { $0 / Double(steps) }
                let value = MixtureWeights.logLikelihood(q, weights: g)
                if value > best.value { best = (value, g) }
            }
        }
        let distance = zip(w, best.weights).map { abs($0 - $1) }.max()!
        print("mixture weights (seed \(seed)): EM \(w.map { String(format: "%.4f", $0) }), grid \(best.weights), "
              + "log-likelihood \(fitted) against the grid's \(best.value); weights differ by \(distance) (tolerance 0.01)")
        #expect(abs(w.reduce(0, +) - 1) < 1e-12)
        #expect(fitted >= best.value - 1e-12)
        #expect(distance <= 0.01)
    }

    /// A candidate below another on every item gets no weight; identical candidates share it.
    @Test func aDominatedCandidateIsLeftOut() {
        let good = (0..<50).map { 0.3 + 0.01 * Double($0 % 7) }
        let w = MixtureWeights.fit([good, good.map { $0 * 0.5 }])
        print("dominated candidate's weight: \(w[1])")
        #expect(w == [1, 0])
        #expect(MixtureWeights.fit([good, good]) == [0.5, 0.5])
        #expect(MixtureWeights.fit([[], []]) == [0.5, 0.5])
    }

    /// Three heads of different widths and skips; the mixture's probabilities, worked out here
    /// from each head's own forward pass, decide the predictions and likelihoods the evaluator
    /// returns, with and without dropped modalities (every member sees the same drops).
    @Test(arguments: [0.0, 0.3])
    func theEvaluatorDecodesTheMixedProbabilities(dropRate: Double) {
        let world = SyntheticWorld(spec: Small.spec, seed: 9)
        let examples = world.examples(count: 70, split: 2)
        let base = Small.config(world)
        let members = [(16, false), (0, false), (0, true)].enumerated().map { k, shape in
            var c = base
            (c.hidden1, c.hidden2, c.linearSkip) = (shape.0, shape.0, shape.1)
            return HeadModel(config: c, seed: UInt64(20 + k))
        }
        let weights = [0.2, 0.5, 0.3]
        let mixture = HeadMixture(members: members, weights: weights)
        #expect(mixture.weights == [0.5, 0.3, 0.2] && mixture.members[0] === members[1], "heaviest first")
        let tied = HeadMixture(members: members, weights: [0.25, 0.5, 0.25])
        #expect(tied.members[1] === members[0] && tied.members[2] === members[2], "ties in the given order")
        let evaluator = HeadEvaluator(batchSize: 32, dropRate: dropRate, seed: 5)
        let output = evaluator.run(mixture, examples)
        let singles = members.map { evaluator.run($0, examples) }
        let (c1, c2, m) = (base.level1Count, base.level2Count, base.modalityCount)
        var worst = 0.0
        for start in stride(from: 0, to: examples.count, by: 32) {
            let range = start..<min(start + 32, examples.count)
            // Each member's probabilities on the batch, with the drops of its own single run.
            var p1 = [Double](repeating: 0, count: range.count * c1), p2 = [Double](repeating: 0, count: range.count * c2)
            for (k, model) in members.enumerated() {
                let batch = HeadBatch(config: model.config)
                var random = SeededRandom(seed: 5, stream: "evaluation-dropout")
                for earlier in stride(from: 0, to: start, by: 32) {  // replay the earlier batches' draws
                    batch.fill(examples, earlier..<min(earlier + 32, examples.count), dropout: dropRate, random: &random)
                }
                batch.fill(examples, range, dropout: dropRate, random: &random)
                #expect(batch.mask == Array(singles[k].mask[(start * m)..<(range.upperBound * m)]))
                _ = model.forward(batch)
                for (i, p) in model.level1Probabilities.enumerated() { p1[i] += weights[k] * Double(p) }
                for (i, p) in model.level2Probabilities.enumerated() { p2[i] += weights[k] * Double(p) }
            }
            let f1 = p1.map(Float.init), f2 = p2.map(Float.init)
            for (r, item) in range.enumerated() {
                let expected = f1.withUnsafeBufferPointer { q1 in f2.withUnsafeBufferPointer { q2 in
                    HierarchicalDecoder.decode(p1: q1.baseAddress! + r * c1, p2: q2.baseAddress! + r * c2, parents: base.parents,
                                               childRanges: base.childRanges, flat: false)
                } }
                #expect(output.predictions[item].level2 == expected.level2 && output.predictions[item].level1 == expected.level1,
                        "item \(item)")
                let e = examples[item]
                let likelihood = p1[r * c1 + e.level1] * p2[r * c2 + e.level2]
                worst = max(worst, abs(output.itemLikelihoods[item] - likelihood) / likelihood)
            }
        }
        print("mixture (drop rate \(dropRate)): likelihoods against the members' mixed in float64, max relative difference \(worst) (tolerance 1e-5)")
        #expect(worst <= 1e-5)
        #expect(output.mask == singles[0].mask)
        let attention = (0..<(examples.count * m)).map { i in (0..<3).reduce(0.0) { $0 + weights[$1] * Double(singles[$1].attention[i]) } }
        #expect(zip(output.attention, attention).allSatisfy { abs(Double($0) - $1) <= 1e-6 }, "attention: the weighted mean")
        let loss = (0..<3).reduce(0.0) { $0 + weights[$1] * singles[$1].loss }
        #expect(abs(output.loss - loss) <= 1e-6 * loss, "loss: the members', weighted")
    }

    /// A mixture on disk: version 2, one weight file per member, each checked on loading; a
    /// single head written over it removes the member files it no longer names.
    @Test func aMixtureRoundTripsAndEveryMemberFileIsChecked() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let base = Small.config(world)
        let members = [(16, false), (0, true)].enumerated().map { k, shape in
            var c = base
            (c.hidden1, c.hidden2, c.linearSkip) = (shape.0, shape.0, shape.1)
            if shape.1 {  // the skip's standardisation lives in its member's config alone
                let d = c.modalities[0].dim
                c.modalities[0].standardisation = .init(mean: (0..<d).map { Float($0) / 10 }, scale: [Float](repeating: 2, count: d))
            }
            return HeadModel(config: c, seed: UInt64(30 + k))
        }
        let mixture = HeadMixture(members: members, weights: [0.625, 0.375])
        let dir = Small.temporaryDirectory("mixture")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let checkpoint = HeadCheckpoint(config: mixture.config, taxonomy: world.taxonomy, encoders: ["visual": "abc"], training: nil)
        try checkpoint.write(mixture: mixture, to: dir)
        let (loaded, again) = try HeadCheckpoint.load(directory: dir)
        #expect(loaded.weightFiles == ["head.safetensors", "head.2.safetensors"])
        #expect(again.weights == [0.625, 0.375])
        #expect(zip(again.members, members).allSatisfy { $0.config == $1.config && $0.parameters.array() == $1.parameters.array() })
        let json = try String(contentsOfFile: dir + "/head.json", encoding: .utf8)
        #expect(json.contains("\"version\" : 2") && json.contains("\"linear_skip\" : true"))

        // a damaged member file
        let second = dir + "/head.2.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: second))
        var damaged = bytes
        damaged[damaged.count - 1] ^= 0xFF
        try damaged.write(to: URL(fileURLWithPath: second))
        #expect(throws: HeadCheckpointError.hashMismatch(path: second, expected: SHA256.hexDigest(bytes),
                                                         found: try SHA256.hexDigest(ofFile: second))) {
            try HeadCheckpoint.load(directory: dir)
        }
        // a missing one
        try FileManager.default.removeItem(atPath: second)
        #expect { try HeadCheckpoint.load(directory: dir) } throws: { error in
            guard case let .unreadable(path, _) = error as? HeadCheckpointError else { return false }
            return path == second
        }
        // weights that do not sum to 1
        try bytes.write(to: URL(fileURLWithPath: second))
        try json.replacingOccurrences(of: "\"weight\" : 0.375", with: "\"weight\" : 0.5").write(toFile: dir + "/head.json", atomically: true, encoding: .utf8)
        #expect { try HeadCheckpoint.load(directory: dir) } throws: { error in
            guard case let .malformed(_, reason) = error as? HeadCheckpointError else { return false }
            return reason.contains("sum to 1")
        }

        let mine = dir + "/head.backup.safetensors"  // not a member's name: left alone
        try bytes.write(to: URL(fileURLWithPath: mine))
        try checkpoint.write(model: mixture.members[0], to: dir)
        #expect(!FileManager.default.fileExists(atPath: second) && FileManager.default.fileExists(atPath: mine))
        let (single, model) = try HeadCheckpoint.load(directory: dir)
        #expect(single.weightFiles == ["head.safetensors"] && model.members.count == 1 && model.weights == [1])
        #expect(try String(contentsOfFile: dir + "/head.json", encoding: .utf8).contains("\"version\" : 1"))
    }
}
