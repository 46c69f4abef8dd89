import Testing
@testable import Head
@testable import SyntheticWorlds

/// `--hidden auto`: one head per candidate width, the lower validation loss kept.
@Suite struct HiddenWidthTests {
    @Test func parsesAutoAndWidths() {
        #expect(HiddenWidth("auto") == .auto)
        #expect(HiddenWidth("0") == .width(0))
        #expect(HiddenWidth("256") == .width(256))
        #expect(HiddenWidth("-1") == nil)
        #expect(HiddenWidth("wide") == nil)
    }

    @Test func autoKeepsTheWidthWithTheLowerValidationLoss() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (train, validation) = HeadTrainer.split(world.examples(count: 300, split: 1), fraction: 0.2, seed: 1)
        let config = Small.config(world)
        let options = Small.options(epochs: 4)
        let choice = HeadTrainer.train(config: config, hidden: .auto, options: options, train: train, validation: validation)
        // Each candidate alone, as --hidden N trains it.
        var losses: [Int: Double] = [:]
        var parameters: [Int: [Float]] = [:]
        for width in HiddenWidth.candidates {
            let single = HeadTrainer.train(config: config, hidden: .width(width), options: options, train: train, validation: validation)
            losses[width] = single.result.history[single.result.bestEpoch - 1].validationLoss!
            parameters[width] = single.result.model.parameters.array()
            #expect(single.width == width)
        }
        let expected = HiddenWidth.candidates.min { losses[$0]! < losses[$1]! }!
        print("hidden auto: validation losses \(losses), kept \(choice.width)")
        #expect(choice.validationLoss == losses)
        #expect(choice.width == expected)
        #expect(choice.result.model.config.hidden2 == expected)
        #expect(choice.result.model.parameters.array() == parameters[expected], "the kept head is that width's head")
    }

    @Test func autoWithoutValidationTrainsOneWidth() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let choice = HeadTrainer.train(config: Small.config(world), hidden: .auto, options: Small.options(epochs: 1),
                                       train: world.examples(count: 40, split: 1), validation: [])
        #expect(choice.width == HiddenWidth.withoutValidation)
        #expect(choice.validationLoss.isEmpty)
    }

    @Test func theLinearBaselineIsTrainedOnce() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (train, validation) = HeadTrainer.split(world.examples(count: 100, split: 1), fraction: 0.2, seed: 1)
        let choice = HeadTrainer.train(config: Small.config(world, fusion: .linear), hidden: .auto,
                                       options: Small.options(epochs: 1), train: train, validation: validation)
        #expect(choice.validationLoss.count == 1, "one training, no choice: \(choice.validationLoss)")
    }
}
