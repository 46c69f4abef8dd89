import Testing
@testable import Head
@testable import SyntheticWorlds

/// `--sentence-embeddings`: beside the text channel, a head with the text encoder's sentence
/// embeddings and one without, the lower validation loss kept.
@Suite struct SentenceEmbeddingsTests {
    /// A small world's items with a text channel bag (`title_chars`) appended: a few n-gram ids
    /// of the item's level-2 class and one random id.
    static func withBag(_ world: SyntheticWorld, count: Int, split: UInt64) -> (HeadConfig, [HeadExample]) {
        var config = Small.config(world)
        config.modalities += ModalitySpec.textBags(dim: 4).prefix(1)
        config.textChannel = CharNgrams(buckets: 64, dim: 4, seed: 0)
        var random = SeededRandom(seed: UInt64(split), stream: "bag ids")
        let examples = world.examples(count: count, split: split).map { e in
            var e = e
            let ids = [3 * e.level2, 3 * e.level2 + 1, random.below(64)].map(Float.init)
            e.features.append(ids)
            e.rows.append(ids.count)
            return e
        }
        return (config, examples)
    }

    @Test func autoChoosesOnlyBesideTheTextChannelAndWithValidation() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (withBag, _) = Self.withBag(world, count: 1, split: 1)
        let plain = Small.config(world)
        #expect(SentenceEmbeddings.auto.candidates(withBag, validation: 10) == [true, false])
        #expect(SentenceEmbeddings.auto.candidates(withBag, validation: 0) == [true])
        #expect(SentenceEmbeddings.auto.candidates(plain, validation: 10) == [true], "no text channel: nothing reads the texts instead")
        let noSentences = withBag.removingModalities(named: SentenceEmbeddings.modalities)
        #expect(SentenceEmbeddings.auto.candidates(noSentences, validation: 10) == [true], "nothing to leave out")
        #expect(SentenceEmbeddings.on.candidates(withBag, validation: 10) == [true])
        #expect(SentenceEmbeddings.off.candidates(withBag, validation: 10) == [false])
        #expect(!noSentences.modalities.contains { SentenceEmbeddings.modalities.contains($0.name) })
        #expect(noSentences.modalities.count == withBag.modalities.count - 3)
    }

    @Test func autoKeepsTheHeadWithTheLowerValidationLoss() {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (config, examples) = Self.withBag(world, count: 300, split: 1)
        let (train, validation) = HeadTrainer.split(examples, fraction: 0.2, seed: 1)
        let options = Small.options(epochs: 4)
        let choice = HeadTrainer.train(config: config, hidden: .width(0), sentenceEmbeddings: .auto, options: options,
                                       train: train, validation: validation)
        // Each candidate alone, as --sentence-embeddings on / off trains it.
        var losses: [String: Double] = [:]
        var parameters: [String: [Float]] = [:]
        for setting in [SentenceEmbeddings.on, .off] {
            let single = HeadTrainer.train(config: config, hidden: .width(0), sentenceEmbeddings: setting, options: options,
                                           train: train, validation: validation)
            let result = single.kept.result
            losses[setting.rawValue] = result.history[result.bestEpoch - 1].validationLoss!
            parameters[setting.rawValue] = result.model.parameters.array()
            let names = Set(result.model.config.modalities.map(\.name))
            #expect(names.isSuperset(of: SentenceEmbeddings.modalities) == (setting == .on), "\(setting): \(names)")
            #expect(names.contains("title_chars"))
            #expect(single.validationLoss.isEmpty, "one head, no choice")
        }
        let expected = losses["on"]! <= losses["off"]! ? "on" : "off"
        print("sentence embeddings auto: validation losses \(losses), kept \(choice.withSentenceEmbeddings ? "on" : "off")")
        #expect(choice.validationLoss == losses)
        #expect(choice.withSentenceEmbeddings == (expected == "on"))
        #expect(choice.kept.result.model.parameters.array() == parameters[expected], "the kept head is that candidate's head")
    }
}
