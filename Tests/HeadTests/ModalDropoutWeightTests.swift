import Foundation
import Testing
@testable import Head
@testable import SyntheticWorlds

/// `--modal-dropout-weight`: the loss weight of the training items that modal dropout changed,
/// fixed or `belief`, acting through AdamW's first moment only.
@Suite struct ModalDropoutWeightTests {
    @Test func aWeightOutsideZeroToOneIsRefused() {
        var o = TrainingOptions()
        #expect(o.modalDropoutWeight == .belief && o.problem() == nil)
        for weight in [0, -0.1, 1.5, .nan] {
            o.modalDropoutWeight = .fixed(weight)
            #expect(o.problem() == "the loss weight of items modal dropout changed is in (0, 1]", "weight \(weight)")
        }
        for weight in [ModalDropoutWeight.fixed(0.05), .belief] {
            o.modalDropoutWeight = weight
            #expect(o.problem() == nil)
        }
    }

    @Test func aWeightIsANumberOrBelief() throws {
        #expect(ModalDropoutWeight("belief") == .belief)
        #expect(ModalDropoutWeight("0.05") == .fixed(0.05))
        #expect(ModalDropoutWeight("beleif") == nil)
        for weight in [ModalDropoutWeight.fixed(0.05), .belief] {
            var o = TrainingOptions()
            o.modalDropoutWeight = weight
            let decoded = try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(o))
            #expect(decoded.modalDropoutWeight == weight)
        }
        let json = #"{"modal_dropout_weight": "beleif"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TrainingOptions.self, from: Data(json.utf8)) }
    }

    /// Heads trained before the option weighed every item 1.
    @Test func headsSavedBeforeTheOptionWeighedEveryItemOne() throws {
        let json = #"{"epochs": 40, "modal_dropout": 0.2, "seed": 1}"#
        let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(json.utf8))
        #expect(options.modalDropoutWeight == .one)
    }

    /// The items whose modalities dropout changed get the weight, the others 1; no weights at
    /// all without dropout or with a weight of 1; the trainer's forward pass weighs the batch so.
    @Test func theBatchWeighsTheItemsDropoutChanged() {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let items = world.examples(count: 64, split: 1)
        let config = Small.config(world)
        let batch = HeadBatch(config: config)
        var random = SeededRandom(seed: 2)
        batch.fill(items, items.indices, dropout: 0.3, random: &random, dropoutReachesSkip: false)
        let m = batch.config.modalityCount
        let changed = items.indices.map { r in (0..<m).contains { items[r].present[$0] && batch.mask[r * m + $0] == 0 } }
        #expect(changed.contains(true) && changed.contains(false), "the check needs both kinds of items")
        #expect(batch.changed == changed && batch.lossWeights.isEmpty)
        #expect(ModalDropoutWeight.fixed(0.05).weights(changed: batch.changed) == changed.map { $0 ? 0.05 : 1 })
        #expect(ModalDropoutWeight.one.weights(changed: batch.changed).isEmpty)
        batch.fill(items, items.indices, dropout: 0, random: &random)
        #expect(!batch.changed.contains(true) && ModalDropoutWeight.fixed(0.05).weights(changed: batch.changed).isEmpty)

        random = SeededRandom(seed: 2)
        HeadTrainer.forward(HeadModel(config: config, seed: 3), items, ArraySlice(items.indices), batch: batch, rate: 0.3,
                            weight: .fixed(0.05), random: &random)
        #expect(batch.changed == changed && batch.lossWeights == changed.map { $0 ? 0.05 : 1 })
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
            batch.fill(items, items.indices, dropout: 0.3, random: &random, dropoutReachesSkip: false)
            batch.weigh(ModalDropoutWeight.fixed(Double(weight)).weights(changed: batch.changed))
            return model.forward(batch).total
        }
        let (one, small, half) = (loss(1), loss(0.05), loss(0.5))
        #expect(small < one - 0.01)
        let expected = one + (small - one) * (0.5 / 0.95)
        #expect(abs(half - expected) < 1e-6 * one, "loss at ½ \(half), expected \(expected)")
    }

    /// `belief` weighs each changed item by p2[y₂] as dropout left it over p2[y₂] whole (at most
    /// 1), from the probabilities of two forward passes made here: one over the whole items, one
    /// over the same draw of modal dropout.
    @Test func beliefWeighsAChangedItemByTheShareOfItsProbabilityKept() {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let items = world.examples(count: 64, split: 1)
        let config = Small.config(world)
        let model = HeadModel(config: config, seed: 3)
        let batch = HeadBatch(config: config)
        let c2 = config.level2Count
        func trueClass(_ p2: [Float]) -> [Float] { items.indices.map { p2[$0 * c2 + items[$0].level2] } }
        batch.fill(items, items.indices)
        model.forward(batch)
        let whole = trueClass(model.level2Probabilities)
        var random = SeededRandom(seed: 2)
        batch.fill(items, items.indices, dropout: 0.3, random: &random, dropoutReachesSkip: false)
        model.forward(batch)
        let kept = trueClass(model.level2Probabilities), changed = batch.changed
        let expected = items.indices.map { changed[$0] ? min(1, kept[$0] / whole[$0]) : 1 }

        random = SeededRandom(seed: 2)
        HeadTrainer.forward(model, items, ArraySlice(items.indices), batch: batch, rate: 0.3, weight: .belief, random: &random)
        #expect(batch.changed == changed)
        let worst = zip(batch.lossWeights, expected).map { abs($0 - $1) }.max()!
        print("belief weights: \(expected.filter { $0 < 0.99 }.count) of \(changed.filter { $0 }.count) changed items under 0.99; max |Δ| = \(worst) (tolerance 1e-5)")
        #expect(batch.lossWeights.count == items.count && worst <= 1e-5)
        #expect(expected.contains { $0 < 0.9 } && expected.contains { $0 == 1 }, "the check needs items that lost belief and items that did not")
    }

    /// Two backward passes may follow one forward pass (the trainer's weighted and unweighted
    /// gradients): the second gives what the first alone gives, on every golden variant.
    @Test func backwardOnlyReadsTheForwardPass() throws {
        let goldens = try HeadGoldens()
        let examples = try goldens.examples()
        for variant in HeadGoldenTests.variants {
            let config = goldens.headConfig(variant)
            let model = HeadModel(config: config, seed: 11)
            let batch = HeadBatch(config: config)
            var random = SeededRandom(seed: 3)
            batch.fill(examples + examples, Array(0..<(2 * examples.count)), dropout: 0.3, random: &random,
                       dropoutReachesSkip: false)
            batch.weigh(ModalDropoutWeight.fixed(0.05).weights(changed: batch.changed))
            model.forward(batch)
            model.backward()
            let once = model.gradients.array()
            model.backward(weighted: false)
            let unweighted = model.gradients.array()
            model.backward()
            #expect(model.gradients.array() == once, "\(variant)")
            #expect(unweighted != once, "\(variant): the weights must change the gradient")
        }
    }

    /// With weights, the trainer's AdamW step takes its first moment from the weighted gradient
    /// and its second from the unweighted one (both clipped by the weighted one's factor): after
    /// one step from zero moments, m = (1−β1)·c·g_w and v = (1−β2)·(c·g)², exactly.
    @Test(arguments: [ModalDropoutWeight.fixed(0.05), .belief])
    func theSecondMomentComesFromTheUnweightedGradient(weight: ModalDropoutWeight) {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let items = world.examples(count: 64, split: 1)
        let config = Small.config(world)
        var options = Small.options(epochs: 1)
        (options.batchSize, options.modalDropoutWeight) = (items.count, weight)
        let model = HeadModel(config: config, seed: 3), reference = HeadModel(config: config, seed: 3)
        let optimizer = AdamW(parameterCount: model.parameterCount, weightDecay: options.weightDecay)
        var step = 0
        var random = SeededRandom(seed: 2)
        _ = HeadTrainer.trainEpoch(1, model, items, order: Array(items.indices), batch: HeadBatch(config: config), options: options,
                                   optimizer: optimizer, schedule: LearningRateSchedule(peak: 1e-3, warmupSteps: 1, totalSteps: 1),
                                   average: nil, step: &step, dropout: &random)

        random = SeededRandom(seed: 2)
        let batch = HeadBatch(config: config)
        HeadTrainer.forward(reference, items, ArraySlice(items.indices), batch: batch, rate: options.modalDropout,
                            weight: weight, random: &random)
        reference.backward(weighted: false)
        let unweighted = reference.gradients.array()
        reference.backward()
        let norm = AdamW.clip(reference.gradients, maxNorm: 0)
        let c = min(1, options.gradientClip / (norm + 1e-6))
        let weighted = reference.gradients.array()
        #expect(weighted != unweighted, "the check needs weights that change the gradient")
        let (b1, b2) = (optimizer.beta1, optimizer.beta2)
        let mError = zip(optimizer.m.array(), weighted.map { (1 - b1) * ($0 * c) }).map { abs($0 - $1) }.max()!
        let vError = zip(optimizer.v.array(), unweighted.map { (1 - b2) * ($0 * c) * ($0 * c) }).map { abs($0 - $1) }.max()!
        #expect(mError == 0, "\(weight): m from the weighted gradient, max |Δ| \(mError)")
        #expect(vError == 0, "\(weight): v from the unweighted one, max |Δ| \(vError)")
    }

    /// The trainer uses the weight: without dropout it changes nothing; with dropout, 0.05 and
    /// `belief` each train differently from 1 (and from no dropout).
    @Test func theTrainerUsesTheWeight() {
        let none = Small.trainedWithModalDropout(0), noneSmall = Small.trainedWithModalDropout(0, weight: .fixed(0.05))
        let noneBelief = Small.trainedWithModalDropout(0, weight: .belief)
        let every = Small.trainedWithModalDropout(0.2), small = Small.trainedWithModalDropout(0.2, weight: .fixed(0.05))
        let belief = Small.trainedWithModalDropout(0.2, weight: .belief)
        #expect(noneSmall == none && noneBelief == none)
        #expect(small != every && belief != every && belief != small)
        #expect(small != none && belief != none)
    }
}
