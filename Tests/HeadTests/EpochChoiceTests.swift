import Foundation
import Testing
@testable import Head
@testable import SyntheticWorlds

/// `--keep`: which epoch's parameters a training run returns.
@Suite struct EpochChoiceTests {
    static func run(_ keep: TrainingOptions.EpochChoice) -> TrainingResult {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let (train, validation) = HeadTrainer.split(world.examples(count: 200, split: 1), fraction: 0.3, seed: 1)
        var options = Small.options(epochs: 12)
        (options.keep, options.learningRate, options.weightDecay) = (keep, 2e-2, 0)  // over-fits: the loss turns up
        var config = Small.config(world)
        config.attentionReaches = .both  // a run on which the three rules pick three different epochs
        return HeadTrainer.train(config: config, options: options, train: train, validation: validation)
    }

    @Test func eachRuleKeepsItsEpoch() {
        let last = Self.run(.last), byLoss = Self.run(.bestLoss), byAccuracy = Self.run(.bestAccuracy)
        let losses = last.history.map { $0.validationLoss! }, accuracies = last.history.map { $0.validationLevel2! }
        print("validation losses \(losses), level-2 accuracies \(accuracies); kept: last \(last.bestEpoch), "
              + "best-loss \(byLoss.bestEpoch), best-accuracy \(byAccuracy.bestEpoch)")
        // The three runs train identically; only the kept parameters differ.
        #expect(byLoss.history.map { $0.validationLoss! } == losses)
        #expect(last.bestEpoch == 12)
        #expect(byLoss.bestEpoch == 1 + losses.indices.min { losses[$0] < losses[$1] }!)
        #expect(Set([last.bestEpoch, byLoss.bestEpoch, byAccuracy.bestEpoch]).count == 3, "the rules differ on this run")
        let top = accuracies.max()!
        let candidates = accuracies.indices.filter { accuracies[$0] == top }
        #expect(byAccuracy.bestEpoch == 1 + candidates.min { losses[$0] < losses[$1] }!)
        // The kept parameters are that epoch's: evaluating them gives its validation loss.
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let validation = HeadTrainer.split(world.examples(count: 200, split: 1), fraction: 0.3, seed: 1).validation
        for result in [last, byLoss, byAccuracy] {
            let loss = HeadEvaluator(batchSize: 256).run(result.model, validation).loss
            #expect(abs(loss - losses[result.bestEpoch - 1]) < 1e-9, "epoch \(result.bestEpoch): \(loss)")
        }
    }

    @Test func headsSavedBeforeTheOptionKeptTheBestAccuracy() throws {
        let json = #"{"epochs": 10, "patience": 0, "seed": 1}"#
        let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(json.utf8))
        #expect(options.keep == .bestAccuracy)
        #expect(TrainingOptions().keep == .last)
    }
}
