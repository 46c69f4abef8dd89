import Foundation
import Testing
@testable import Head
@testable import SyntheticWorlds

/// `--modal-dropout-weight`: the loss weight of the training items that modal dropout changed.
@Suite struct ModalDropoutWeightTests {
    @Test func aWeightOutsideZeroToOneIsRefused() {
        var o = TrainingOptions()
        #expect(o.modalDropoutWeight == 1 && o.problem() == nil)
        for weight in [0, -0.1, 1.5, .nan] {
            o.modalDropoutWeight = weight
            #expect(o.problem() == "the loss weight of items modal dropout changed is in (0, 1]", "weight \(weight)")
        }
        o.modalDropoutWeight = 0.05
        #expect(o.problem() == nil)
    }

    /// Heads trained before the option weighed every item 1.
    @Test func headsSavedBeforeTheOptionWeighedEveryItemOne() throws {
        let json = #"{"epochs": 40, "modal_dropout": 0.2, "seed": 1}"#
        let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(json.utf8))
        #expect(options.modalDropoutWeight == 1)
    }

    /// The items whose modalities dropout changed get the weight, the others 1; no weights at
    /// all without dropout or with a weight of 1.
    @Test func theBatchWeighsTheItemsDropoutChanged() {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let items = world.examples(count: 64, split: 1)
        let batch = HeadBatch(config: Small.config(world))
        var random = SeededRandom(seed: 2)
        batch.fill(items, items.indices, dropout: 0.3, random: &random, dropoutReachesSkip: false, droppedWeight: 0.05)
        let m = batch.config.modalityCount
        let changed = items.indices.map { r in (0..<m).contains { items[r].present[$0] && batch.mask[r * m + $0] == 0 } }
        #expect(changed.contains(true) && changed.contains(false), "the check needs both kinds of items")
        #expect(batch.lossWeights == changed.map { $0 ? 0.05 : 1 })
        batch.fill(items, items.indices, dropout: 0, random: &random, droppedWeight: 0.05)
        #expect(batch.lossWeights.isEmpty)
        batch.fill(items, items.indices, dropout: 0.3, random: &random, dropoutReachesSkip: false)
        #expect(batch.lossWeights.isEmpty)
    }

    /// The mean loss is Σ w_b·L_b / B, affine in the weight of the changed items: the loss at
    /// w = ½ lies where that line through w = 1 and w = 0.05 puts it.
    @Test func theLossWeighsEachItem() {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let items = world.examples(count: 64, split: 1)
        let config = Small.config(world)
        let model = HeadModel(config: config, seed: 3)
        func loss(_ weight: Float) -> Double {
            let batch = HeadBatch(config: config)
            var random = SeededRandom(seed: 2)
            batch.fill(items, items.indices, dropout: 0.3, random: &random, dropoutReachesSkip: false, droppedWeight: weight)
            return model.forward(batch).total
        }
        let (one, small, half) = (loss(1), loss(0.05), loss(0.5))
        #expect(small < one - 0.01)
        let expected = one + (small - one) * (0.5 / 0.95)
        #expect(abs(half - expected) < 1e-6 * one, "loss at ½ \(half), expected \(expected)")
    }

    /// The trainer uses the weight: without dropout it changes nothing; with dropout, 0.05 trains
    /// differently from 1 (and from no dropout).
    @Test func theTrainerUsesTheWeight() {
        let none = Small.trainedWithModalDropout(0), noneSmall = Small.trainedWithModalDropout(0, weight: 0.05)
        let every = Small.trainedWithModalDropout(0.2), small = Small.trainedWithModalDropout(0.2, weight: 0.05)
        #expect(noneSmall == none)
        #expect(small != every)
        #expect(small != none)
    }
}
