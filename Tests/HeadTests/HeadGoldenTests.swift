import Foundation
import Testing
@testable import Head

/// The Swift head against the PyTorch reference (float64, autograd) on the same parameters and
/// batch: forward outputs, every parameter's gradient, and the losses of ten AdamW steps.
@Suite struct HeadGoldenTests {
    let goldens: HeadGoldens

    init() throws { goldens = try HeadGoldens() }

    init(goldens: HeadGoldens) { self.goldens = goldens }

    /// Forward outputs are O(1); float32 against float64 through a few small GEMMs and softmaxes.
    static let forwardTolerance: Float = 1e-5
    /// Gradients, relative to each tensor's largest entry.
    static let gradientTolerance: Float = 2e-5
    /// Losses (O(1)–O(10)) along ten AdamW steps: the float32 trajectory drifts slowly from the float64 one.
    static let adamTolerance: Float = 1e-4

    func model(_ variant: String) throws -> HeadModel {
        let config = goldens.headConfig(variant)
        let model = HeadModel(config: config, seed: goldens.config.seed)
        // The seeded initial parameters equal Python's (except the two biases the script overrides,
        // and the skip's weights).
        var values = model.parameters.array()
        for entry in model.layout.entries {
            let stored = try goldens.floats("\(variant).init.\(entry.name)")
            let ours = Array(values[entry.offset..<(entry.offset + entry.count)])
            // (The table's scaling, 1/√(6E), is rounded in float32 on both sides. The skip starts
            // at zero in training; the goldens give it seeded values so that it shows.)
            if entry.name.hasPrefix("skip.") {
                #expect(ours.allSatisfy { $0 == 0 }, "the skip \(entry.name) does not start at zero")
            } else if !entry.name.hasSuffix("out.bias") {
                #expect(ours == stored, "seeded \(entry.name) differs from seeded_weights.py")
            }
            values.replaceSubrange(entry.offset..<(entry.offset + entry.count), with: stored)
        }
        return HeadModel(config: config, parameters: values)
    }

    static let variants = ["attention_hmc", "concat_hmc", "tfn_hmc", "lmf_hmc", "attention_flat", "attention_hmc_flattened",
                           "attention_hmc_both_residual", "attention_hmc_mean_mean", "concat_hmc_both", "linear_flat",
                           "attention_hmc_residual_learned", "concat_hmc_learned", "attention_hmc_residual_hidden0",
                           "concat_hmc_hidden0", "attention_flat_residual_hidden0", "attention_hmc_residual_own",
                           "attention_hmc_residual_own_hidden0", "attention_hmc_appended_own",
                           "attention_hmc_appended_own_learned_hidden0", "attention_hmc_appended_own_hidden0_skip",
                           "concat_flat_skip", "attention_hmc_appended_level2_own", "attention_hmc_appended_level2_own_hidden0"]

    @Test(arguments: Self.variants)
    func forwardAndGradientsMatchPyTorch(variant: String) throws {
        #expect(goldens.config.variants.contains(variant))
        let model = try model(variant)
        let examples = try goldens.examples()
        let batch = HeadBatch(config: model.config)
        batch.fill(examples, examples.indices)
        model.forward(batch)
        var outputs: [(String, [Float])] = [
            ("p1", model.level1Probabilities), ("p2", model.level2Probabilities),
            ("fused", model.fused), ("terms", model.lossTerms),
        ]
        if let attention = model.attention { outputs.append(("attention", attention)) }
        for (name, ours) in outputs {
            let expected = try goldens.floats("\(variant).\(name)")
            let difference = maxAbsDifference(ours, expected)
            print("\(variant) \(name): max |Δ| = \(difference) (tolerance \(Self.forwardTolerance))")
            #expect(difference <= Self.forwardTolerance, "\(variant) \(name)")
        }
        model.backward()
        let gradients = model.namedGradients()
        var worst: (String, Float) = ("", 0)
        for entry in model.layout.entries {
            let expected = try goldens.floats("\(variant).grad.\(entry.name)")
            let difference = scaledDifference(gradients[entry.name]!, expected)
            if difference > worst.1 { worst = (entry.name, difference) }
            #expect(difference <= Self.gradientTolerance, "\(variant) grad \(entry.name): \(difference)")
        }
        print("\(variant): \(model.layout.entries.count) gradients, max |Δ|/max|ref| = \(worst.1) at \(worst.0) (tolerance \(Self.gradientTolerance))")
    }

    @Test(arguments: Self.variants)
    func tenAdamStepsMatchPyTorch(variant: String) throws {
        let model = try model(variant)
        let examples = try goldens.examples()
        let batch = HeadBatch(config: model.config)
        batch.fill(examples, examples.indices)
        let o = goldens.config.optimizer
        let optimizer = AdamW(parameterCount: model.parameterCount, weightDecay: o.weight_decay)
        optimizer.groups = o.trainingOptions.optimizerGroups(model.layout)
        optimizer.beta1 = o.beta1
        optimizer.beta2 = o.beta2
        optimizer.epsilon = o.eps
        let schedule = LearningRateSchedule(peak: o.lr, warmupSteps: o.warmup, totalSteps: o.total, minFraction: o.min_fraction)
        var losses: [Float] = []
        for step in 0..<o.steps {
            losses.append(Float(model.forward(batch).total))
            model.backward()
            AdamW.clip(model.gradients, maxNorm: o.clip)
            optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: schedule(step))
        }
        let expected = try goldens.floats("\(variant).adam_losses")
        let difference = maxAbsDifference(losses, expected)
        print("\(variant) AdamW: losses \(losses.first!) → \(losses.last!), max |Δ| over \(o.steps) steps = \(difference) (tolerance \(Self.adamTolerance))")
        #expect(difference <= Self.adamTolerance)
    }
}

/// The text channel (three bags of n-gram ids sharing one table) against the same PyTorch
/// reference, with the table in an AdamW parameter group of its own
/// (`Scripts/reference/make_text_channel_goldens.py`); same tolerances.
@Suite struct TextChannelGoldenTests {
    let reference: HeadGoldenTests

    init() throws { reference = HeadGoldenTests(goldens: try HeadGoldens(url: HeadGoldens.textChannelURL)) }

    static let variants = ["attention_hmc_residual", "concat_hmc"]

    @Test(arguments: Self.variants)
    func forwardAndGradientsMatchPyTorch(variant: String) throws {
        #expect(reference.goldens.config.text_channel != nil)
        try reference.forwardAndGradientsMatchPyTorch(variant: variant)
    }

    @Test(arguments: Self.variants)
    func tenAdamStepsMatchPyTorch(variant: String) throws { try reference.tenAdamStepsMatchPyTorch(variant: variant) }
}
