import Foundation
import Testing
@testable import Head
@testable import SyntheticWorlds

/// `--hidden auto` and `--linear-skip auto`: one head per candidate, every candidate's distance
/// from the lowest validation loss measured (``ValidationChoice``), and the mixture of them
/// (``MixtureWeights``) or the lowest kept.
@Suite struct HiddenWidthTests {
    @Test func parsesAutoAndWidths() {
        #expect(HiddenWidth("auto") == .auto)
        #expect(HiddenWidth("0") == .width(0))
        #expect(HiddenWidth("256") == .width(256))
        #expect(HiddenWidth("-1") == nil)
        #expect(HiddenWidth("wide") == nil)
    }

    /// `--hidden auto --linear-skip auto`: widths 0 and 256 without the skip, then 0 with it.
    @Test func autoKeepsTheCandidateWithTheLowestValidationLoss() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (train, validation) = HeadTrainer.split(world.examples(count: 300, split: 1), fraction: 0.2, seed: 1)
        let config = Small.config(world)
        let options = Small.options(epochs: 4)
        let choice = HeadTrainer.train(config: config, hidden: .auto, skip: .auto, options: options, train: train,
                                       validation: validation)
        let candidates = HiddenWidth.candidates.map { ($0, false) } + [(HiddenWidth.candidates[0], true)]
        // Each candidate alone, as --hidden N --linear-skip on|off trains it with that candidate's
        // seed (the default's, distinct), and its loss on each validation item.
        var itemLosses: [[Float]] = []
        var itemLikelihoods: [[Double]] = []
        var parameters: [[Float]] = []
        for (index, (width, skip)) in candidates.enumerated() {
            var alone = options
            alone.seed = options.candidateSeeds.seed(options.seed, candidate: index)
            let single = HeadTrainer.train(config: config, hidden: .width(width), skip: skip ? .on : .off, options: alone,
                                           train: train, validation: validation)
            let name = WidthChoice.name(width: width, skip: skip)
            let output = HeadEvaluator().run(single.result.model, validation)
            itemLosses.append(zip(validation, output.itemLosses).filter { $0.0.level2 >= 0 }.map(\.1))
            itemLikelihoods.append(zip(validation, output.itemLikelihoods).filter { $0.0.level2 >= 0 }.map(\.1))
            parameters.append(single.result.model.parameters.array())
            let epochLoss = single.result.history[single.result.bestEpoch - 1].validationLoss!
            #expect(abs(choice.validationLoss[name]! - epochLoss) <= 1e-5 * epochLoss, "\(name): the kept epoch's loss")
            #expect(single.width == width && single.linearSkip == skip && single.validationLoss.isEmpty)
        }
        let (expected, comparisons) = ValidationChoice.choose(itemLosses)
        let names = candidates.map { WidthChoice.name(width: $0.0, skip: $0.1) }
        print("hidden and skip auto: \(WidthChoice.describe(choice.validationLoss, choice.standardError)), kept \(choice.name)")
        #expect(choice.standardError == Dictionary(uniqueKeysWithValues: zip(names, comparisons.map(\.standardError))))
        #expect(choice.name == names[expected])
        #expect(choice.result.model.config.hidden2 == candidates[expected].0)
        #expect(choice.result.model.parameters.array() == parameters[expected], "the kept head is that candidate's head")
        #expect(choice.candidates.map(\.name) == names)

        // The default keeps the mixture of the candidates, weighted to fit the validation items.
        let weights = MixtureWeights.fit(itemLikelihoods)
        print("hidden and skip auto: kept \(choice.kept)")
        #expect(choice.mixtureWeights == Dictionary(uniqueKeysWithValues: zip(names, weights)))
        let kept = weights.indices.filter { weights[$0] > 0 }.sorted { weights[$0] > weights[$1] }
        #expect(choice.mixture.weights == kept.map { weights[$0] })
        #expect(choice.mixture.members.map { $0.parameters.array() } == kept.map { parameters[$0] })
        let lowest = HeadTrainer.train(config: config, hidden: .auto, skip: .auto, keep: .lowest, options: options, train: train,
                                       validation: validation)
        #expect(lowest.mixtureWeights.isEmpty && lowest.mixture.members.count == 1)
        #expect(lowest.mixture.members[0].parameters.array() == parameters[expected])
    }

    /// `--candidate-seeds distinct`: candidate i trains as it would alone with seed + 7919·i; the
    /// first keeps the seed. `shared` (heads saved before the option) trains each with the seed.
    @Test func distinctCandidateSeedsTrainEachCandidateWithItsOwnSeed() throws {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (train, validation) = HeadTrainer.split(world.examples(count: 200, split: 1), fraction: 0.2, seed: 1)
        let config = Small.config(world)
        var options = Small.options(epochs: 2)
        options.seed = 5
        options.candidateSeeds = .distinct
        let choice = HeadTrainer.train(config: config, hidden: .auto, skip: .auto, options: options, train: train,
                                       validation: validation)
        let candidates = HiddenWidth.candidates.map { ($0, false) } + [(HiddenWidth.candidates[0], true)]
        #expect(choice.candidates.count == candidates.count)
        for (index, (width, skip)) in candidates.enumerated() {
            var alone = options
            alone.seed = 5 + 7919 * UInt64(index)
            let single = HeadTrainer.train(config: config, hidden: .width(width), skip: skip ? .on : .off, options: alone,
                                           train: train, validation: validation)
            #expect(choice.candidates[index].result.model.parameters.array() == single.result.model.parameters.array(),
                    "candidate \(index) trains with seed \(alone.seed)")
        }
        // Shared: the skip candidate starts from the same initial values as width 0's head and
        // sees the same batches; distinct: not.
        options.candidateSeeds = .shared
        let shared = HeadTrainer.train(config: config, hidden: .auto, skip: .auto, options: options, train: train,
                                       validation: validation)
        #expect(shared.candidates[0].result.model.parameters.array() == choice.candidates[0].result.model.parameters.array())
        #expect(shared.candidates[2].result.model.parameters.array() != choice.candidates[2].result.model.parameters.array())

        // Saved with the head's options; options saved before the option existed read as shared.
        options.candidateSeeds = .distinct
        let saved = try JSONEncoder().encode(options)
        #expect(try JSONDecoder().decode(TrainingOptions.self, from: saved).candidateSeeds == .distinct)
        var old = try JSONSerialization.jsonObject(with: saved) as! [String: Any]
        #expect(old.removeValue(forKey: "candidate_seeds") as? String == "distinct")
        let before = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(before.candidateSeeds == .shared)
    }

    @Test func skipCandidates() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let config = Small.config(world)
        #expect(LinearSkipChoice.off.candidates(config, widths: [0, 256], validation: 10).map(\.skip) == [false, false])
        #expect(LinearSkipChoice.on.candidates(config, widths: [0, 256], validation: 10).map(\.skip) == [true, true])
        let auto = LinearSkipChoice.auto.candidates(config, widths: [64], validation: 10)
        #expect(auto.map(\.width) == [64, 64] && auto.map(\.skip) == [false, true])
        #expect(LinearSkipChoice.auto.candidates(config, widths: [256], validation: 0).map(\.skip) == [false])
        // the text channel's bags alone: nothing for the skip to read
        var bags = config
        bags.modalities = ModalitySpec.textBags(dim: 4)
        #expect(bags.skipWidth == 0)
        #expect(LinearSkipChoice.on.candidates(bags, widths: [0], validation: 10).map(\.skip) == [false])
    }

    @Test func autoWithoutValidationTrainsOneWidth() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let choice = HeadTrainer.train(config: Small.config(world), hidden: .auto, skip: .auto, options: Small.options(epochs: 1),
                                       train: world.examples(count: 40, split: 1), validation: [])
        #expect(choice.width == HiddenWidth.withoutValidation && !choice.linearSkip)
        #expect(choice.validationLoss.isEmpty)
    }

    @Test func theLinearBaselineIsTrainedOnce() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (train, validation) = HeadTrainer.split(world.examples(count: 100, split: 1), fraction: 0.2, seed: 1)
        let choice = HeadTrainer.train(config: Small.config(world, fusion: .linear), hidden: .auto, skip: .auto,
                                       options: Small.options(epochs: 1), train: train, validation: validation)
        #expect(choice.validationLoss.isEmpty && choice.candidates.count == 1, "one training, no choice: \(choice.validationLoss)")
    }
}
