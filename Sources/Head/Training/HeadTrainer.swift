import Foundation

/// How to train (the `vidtag train` options other than the architecture's).
///
/// The defaults come from measurements on synthetic worlds (docs/head.md, "Why the head lost to
/// a linear model"): the head over-fitted within a few epochs (training level-2 loss 0.3,
/// validation 4.5 on 3,600 items), and early stopping after 5 epochs without progress ended
/// training on validation noise. Weight decay 1 (AdamW's decoupled decay, not an L2 term) and
/// 40 epochs keeping the best validation epoch took the default head from 60.9% to 77–78% at
/// level 2, above the linear baseline's 75.6%; keeping the last epoch instead (``EpochChoice``)
/// avoided early epochs picked by chance.
public struct TrainingOptions: Codable, Sendable, Equatable {
    public var epochs = 40
    public var batchSize = 64
    /// Peak learning rate of the schedule.
    public var learningRate: Float = 1e-3
    /// AdamW's decoupled weight decay (0: Adam).
    public var weightDecay: Float = 1
    /// Warm-up length as a fraction of all steps (at least one step).
    public var warmupFraction: Double = 0.05
    /// The cosine schedule's floor, as a fraction of the peak.
    public var minLearningRateFraction: Float = 0.1
    /// Global gradient-norm clipping (0: off).
    public var gradientClip: Float = 1
    /// Modal dropout: the probability of dropping each present modality of a training item.
    public var modalDropout: Double = 0.2
    /// The share of the epochs, from the first, that use modal dropout; the rest train on the
    /// items as they are (0.5: epochs 1–20 of 40). Where a few frames tell, dropping in the
    /// first half only gained 2.9 level-2 points over every epoch and cost nothing on complete
    /// items, but it lost level 1 where every modality carries its own part (−0.9 points) and
    /// level 2 where the evidence is linear (−1.0), and robustness on the standard worlds, so
    /// every epoch (1) is the default (docs/head.md, "Measured again on the corrected worlds").
    public var modalDropoutUntil: Double = 1
    /// The loss weight of a training item that modal dropout changed (the others weigh 1):
    /// ``ModalDropoutWeight``. `belief` (the default) weighs each by the share of the head's
    /// belief in its level-2 class that the drop left (docs/head.md, "`belief` the default");
    /// 1 weighs them as any other item, as heads trained before 2026-12-07 did.
    public var modalDropoutWeight = ModalDropoutWeight.belief
    /// Share of the labelled items held out for validation and early stopping.
    public var validationFraction: Double = 0.1
    /// Stop after this many epochs without a better validation figure (the loss, or the
    /// level-2 accuracy with `keep` best-accuracy; 0: never).
    public var patience = 0
    /// Which epoch's parameters are kept (docs/head.md, "Which epoch to keep").
    public var keep = EpochChoice.last

    public enum EpochChoice: String, Codable, Sendable, CaseIterable {
        /// The last epoch's: the schedule has brought the learning rate down to its floor.
        case last
        /// The epoch with the lowest validation loss (L1 + λ·L2 + β·LH).
        case bestLoss = "best-loss"
        /// The epoch with the highest validation level-2 accuracy (heads trained before
        /// the option existed).
        case bestAccuracy = "best-accuracy"
    }
    /// Fixes initialisation, the validation split, shuffling and modal dropout.
    public var seed: UInt64 = 0
    /// Polyak averaging: the decay d of an exponential moving average of the parameters, taken
    /// after every step (0: off, the default: on the synthetic worlds it moved attention's
    /// level-2 accuracy by +0.1 points on average over the six kinds, from −1.3 to +2.1; see
    /// docs/head.md). Validation, the choice of the best epoch and the saved head use the
    /// average. See ``ParameterAverage``.
    public var averageDecay: Float = 0
    /// The text channel's table learns at this multiple of the learning rate: each of its rows
    /// is updated only in the batches whose texts hold that n-gram.
    public var textLearningRateScale: Float = 10
    /// AdamW's weight decay for NetVLAD's parameters (assignment weights and biases, centres,
    /// shot weights); nil: `weightDecay`, as for heads trained before the option existed. Decay
    /// pulls the assignment weights to zero, i.e. every frame equally into every cluster, and
    /// NetVLAD then sees no more than the mean frame (docs/head.md, "NetVLAD without weight decay").
    public var netvladWeightDecay: Float? = 0
    /// The seeds of the candidates `--hidden auto` and `--linear-skip auto` train: ``CandidateSeeds``
    /// (distinct since 2026-12-07: the mixture gains where its members differ; docs/head.md, "A
    /// seed per candidate"). Heads saved before the option read as shared, how they trained.
    public var candidateSeeds = CandidateSeeds.distinct

    public init() {}

    enum CodingKeys: String, CodingKey {
        case epochs, patience, seed, keep
        case batchSize = "batch_size", learningRate = "learning_rate", weightDecay = "weight_decay"
        case warmupFraction = "warmup_fraction", minLearningRateFraction = "min_learning_rate_fraction"
        case gradientClip = "gradient_clip", modalDropout = "modal_dropout", validationFraction = "validation_fraction"
        case modalDropoutUntil = "modal_dropout_until", modalDropoutWeight = "modal_dropout_weight"
        case averageDecay = "average_decay", textLearningRateScale = "text_learning_rate_scale"
        case netvladWeightDecay = "netvlad_weight_decay"
        case candidateSeeds = "candidate_seeds"
    }

    /// Decodes options; a key may be absent (heads trained before it existed) and takes its
    /// default, which is what those heads were trained with.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? learningRate
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? weightDecay
        warmupFraction = try c.decodeIfPresent(Double.self, forKey: .warmupFraction) ?? warmupFraction
        minLearningRateFraction = try c.decodeIfPresent(Float.self, forKey: .minLearningRateFraction) ?? minLearningRateFraction
        gradientClip = try c.decodeIfPresent(Float.self, forKey: .gradientClip) ?? gradientClip
        modalDropout = try c.decodeIfPresent(Double.self, forKey: .modalDropout) ?? modalDropout
        modalDropoutUntil = try c.decodeIfPresent(Double.self, forKey: .modalDropoutUntil) ?? 1
        modalDropoutWeight = try c.decodeIfPresent(ModalDropoutWeight.self, forKey: .modalDropoutWeight) ?? .one
        validationFraction = try c.decodeIfPresent(Double.self, forKey: .validationFraction) ?? validationFraction
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? patience
        keep = try c.decodeIfPresent(EpochChoice.self, forKey: .keep) ?? .bestAccuracy
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        averageDecay = try c.decodeIfPresent(Float.self, forKey: .averageDecay) ?? averageDecay
        textLearningRateScale = try c.decodeIfPresent(Float.self, forKey: .textLearningRateScale) ?? textLearningRateScale
        netvladWeightDecay = try c.decodeIfPresent(Float.self, forKey: .netvladWeightDecay)
        candidateSeeds = try c.decodeIfPresent(CandidateSeeds.self, forKey: .candidateSeeds) ?? .shared
    }

    public func problem() -> String? {
        if epochs < 1 { return "epochs must be at least 1" }
        if batchSize < 1 { return "batch size must be at least 1" }
        if !(learningRate > 0) { return "the learning rate must be positive" }
        if weightDecay < 0 { return "weight decay must not be negative" }
        if let netvladWeightDecay, netvladWeightDecay < 0 { return "NetVLAD's weight decay must not be negative" }
        if !(0..<1).contains(modalDropout) { return "modal dropout is a probability in [0, 1)" }
        if !(0...1).contains(modalDropoutUntil) { return "modal dropout's share of the epochs is in [0, 1]" }
        if let problem = modalDropoutWeight.problem { return problem }
        if !(0..<1).contains(validationFraction) { return "the validation fraction is in [0, 1)" }
        if patience < 0 { return "patience must not be negative" }
        if !(0..<1).contains(averageDecay) { return "the average's decay is in [0, 1)" }
        if !(textLearningRateScale > 0) { return "the text channel's learning-rate scale must be positive" }
        if learningRate * max(1, textLearningRateScale) * max(weightDecay, netvladWeightDecay ?? 0) >= 1 {
            return "learning rate × weight decay (× the text channel's scale, \(textLearningRateScale)) must stay under 1: "
                + "each step shrinks the parameters by that factor"
        }
        return nil
    }

    /// The modal dropout rate of `epoch` (1-based): ``modalDropout`` in the first
    /// ``modalDropoutUntil`` × ``epochs`` epochs (rounded to the nearest epoch), 0 after.
    public func modalDropout(inEpoch epoch: Int) -> Double {
        epoch <= Int((modalDropoutUntil * Double(epochs)).rounded()) ? modalDropout : 0
    }

    /// AdamW's parameter groups for a head with `layout`: the text channel's table at
    /// `textLearningRateScale` × the learning rate, NetVLAD's tensors with `netvladWeightDecay`.
    public func optimizerGroups(_ layout: ParameterLayout) -> [AdamW.Group] {
        layout.entries.compactMap { entry in
            let range = entry.offset..<(entry.offset + entry.shape.reduce(1, *))
            if entry.name == HeadModel.textTable { return AdamW.Group(range: range, learningRateScale: textLearningRateScale) }
            if entry.name.hasPrefix("netvlad."), let netvladWeightDecay {
                return AdamW.Group(range: range, weightDecay: netvladWeightDecay)
            }
            return nil
        }
    }
}

/// One epoch's progress.
public struct EpochReport: Sendable {
    public var epoch: Int
    public var learningRate: Float
    /// Mean training loss terms over the epoch's steps (with modal dropout on).
    public var train: LossTerms
    /// Accuracies on the epoch's training minibatches, as they were seen (modal dropout on,
    /// parameters changing along the epoch).
    public var trainLevel1: Double
    public var trainLevel2: Double
    public var validationLoss: Double?
    public var validationLevel1: Double?
    public var validationLevel2: Double?
    public var improved: Bool
    public var seconds: Double
    /// Training examples per second (forward + backward + update, batch assembly included).
    public var examplesPerSecond: Double

    /// What head.json keeps of the epoch (no timings, so that the file is reproducible).
    public var figures: EpochFigures {
        EpochFigures(epoch: epoch, learningRate: learningRate, trainLoss: train.total, trainLevel1: trainLevel1,
                     trainLevel2: trainLevel2, validationLoss: validationLoss, validationLevel1: validationLevel1,
                     validationLevel2: validationLevel2)
    }

    /// One line for stderr.
    public var line: String {
        var s = "epoch \(epoch): lr \(String(format: "%.2e", learningRate)) loss \(String(format: "%.4f", train.total))"
            + " (L1 \(String(format: "%.4f", train.level1)) L2 \(String(format: "%.4f", train.level2)) LH \(String(format: "%.4f", train.hierarchy)))"
            + String(format: " acc1 %.4f acc2 %.4f", trainLevel1, trainLevel2)
        if let validationLoss, let validationLevel1, let validationLevel2 {
            s += String(format: " | val loss %.4f acc1 %.4f acc2 %.4f", validationLoss, validationLevel1, validationLevel2)
            if improved { s += " *" }
        }
        s += String(format: " | %.1fs, %.0f ex/s", seconds, examplesPerSecond)
        return s
    }
}

/// One epoch's learning-curve point, as head.json keeps it.
public struct EpochFigures: Codable, Sendable, Equatable {
    public var epoch: Int
    public var learningRate: Float
    public var trainLoss: Double
    public var trainLevel1: Double
    public var trainLevel2: Double
    public var validationLoss: Double?
    public var validationLevel1: Double?
    public var validationLevel2: Double?

    enum CodingKeys: String, CodingKey {
        case epoch
        case learningRate = "learning_rate", trainLoss = "train_loss", trainLevel1 = "train_level1_accuracy"
        case trainLevel2 = "train_level2_accuracy", validationLoss = "validation_loss"
        case validationLevel1 = "validation_level1_accuracy", validationLevel2 = "validation_level2_accuracy"
    }
}

public struct TrainingResult: Sendable {
    /// The head with the kept epoch's parameters (``TrainingOptions/keep``; the last without validation).
    public var model: HeadModel
    public var history: [EpochReport]
    /// 1-based epoch whose parameters were kept.
    public var bestEpoch: Int
    public var stoppedEarly: Bool

    /// The kept epoch's validation loss, what the automatic choices compare (+∞ without validation).
    public var keptValidationLoss: Double { history[bestEpoch - 1].validationLoss ?? .infinity }
}

/// Minibatch AdamW training with warm-up + cosine schedule, gradient clipping, modal dropout,
/// validation after each epoch (kept epoch and early stopping: ``TrainingOptions``). Every random
/// choice comes from `options.seed`, so the same data, config and seed give the same
/// parameters bit for bit, on any number of threads (GEMM's blocks depend on shapes alone).
public enum HeadTrainer {
    /// Splits off a validation set: ids sorted, shuffled with the seed, the first
    /// ⌊fraction·N⌋ held out. The result does not depend on the input order.
    public static func split(_ examples: [HeadExample], fraction: Double, seed: UInt64)
        -> (train: [HeadExample], validation: [HeadExample]) {
        var order = examples.indices.sorted { examples[$0].id < examples[$1].id }
        var random = SeededRandom(seed: seed, stream: "validation-split")
        random.shuffle(&order)
        let held = Int(Double(examples.count) * fraction)
        let validation = order.prefix(held).sorted { examples[$0].id < examples[$1].id }.map { examples[$0] }
        let train = order.dropFirst(held).sorted { examples[$0].id < examples[$1].id }.map { examples[$0] }
        return (train, validation)
    }

    /// The fewest validation items an epoch is chosen on: below this, accuracy moves by whole
    /// items and the "best" epoch is noise, so `vidtag train` trains on every item instead and
    /// keeps the last epoch.
    public static let minimumValidation = 20

    /// Whether an epoch's validation figures beat the best so far: the higher level-2 accuracy
    /// (ties: the lower loss) for `bestAccuracy`, the lower loss (ties: the higher accuracy) otherwise.
    static func improves(_ keep: TrainingOptions.EpochChoice, accuracy: Double, loss: Double,
                         over best: (epoch: Int, accuracy: Double, loss: Double, parameters: [Float])) -> Bool {
        keep == .bestAccuracy
            ? accuracy > best.accuracy || (accuracy == best.accuracy && loss < best.loss)
            : loss < best.loss || (loss == best.loss && accuracy > best.accuracy)
    }

    public static func train(
        config: HeadConfig, options: TrainingOptions, train: [HeadExample], validation: [HeadExample],
        progress: (EpochReport) -> Void = { _ in }
    ) -> TrainingResult {
        precondition(!train.isEmpty, "HeadTrainer: no training examples")
        let config = config.fusion == .linear || config.linearSkip ? standardised(config, train) : config
        let model = HeadModel(config: config, seed: options.seed)
        let optimizer = AdamW(parameterCount: model.parameterCount, weightDecay: options.weightDecay)
        optimizer.groups = options.optimizerGroups(model.layout)
        let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
        let totalSteps = stepsPerEpoch * options.epochs
        let schedule = LearningRateSchedule(
            peak: options.learningRate, warmupSteps: max(1, Int(Double(totalSteps) * options.warmupFraction)),
            totalSteps: totalSteps, minFraction: options.minLearningRateFraction)
        var shuffle = SeededRandom(seed: options.seed, stream: "shuffle")
        var dropout = SeededRandom(seed: options.seed, stream: "modal-dropout")
        let batch = HeadBatch(config: config)
        let evaluator = HeadEvaluator(batchSize: 256)
        var order = Array(train.indices)
        var history: [EpochReport] = []
        var best: (epoch: Int, accuracy: Double, loss: Double, parameters: [Float])?
        var sinceBest = 0
        var step = 0
        var stoppedEarly = false
        let average = options.averageDecay > 0 ? ParameterAverage(model.parameters, decay: options.averageDecay) : nil
        /// The head as it would be saved now: the parameters' average, or the parameters themselves.
        func saved() -> HeadModel { average.map { HeadModel(config: config, parameters: $0.values.array()) } ?? model }
        for epoch in 1...options.epochs {
            let clock = ContinuousClock.now
            shuffle.shuffle(&order)
            var report = trainEpoch(epoch, model, train, order: order, batch: batch, options: options,
                                    optimizer: optimizer, schedule: schedule, average: average, step: &step,
                                    dropout: &dropout)
            if !validation.isEmpty {
                let current = saved()
                let output = evaluator.run(current, validation)
                let (a1, a2) = HeadEvaluator.accuracies(output, validation)
                report.validationLoss = output.loss
                report.validationLevel1 = a1
                report.validationLevel2 = a2
                if best == nil || Self.improves(options.keep, accuracy: a2, loss: output.loss, over: best!) {
                    // With `last` the figures still mark progress (and drive --patience).
                    best = (epoch, a2, output.loss, options.keep == .last ? [] : current.parameters.array())
                    report.improved = true
                    sinceBest = 0
                } else {
                    sinceBest += 1
                }
            }
            report.seconds = (ContinuousClock.now - clock).seconds
            history.append(report)
            progress(report)
            if options.patience > 0 && sinceBest >= options.patience {
                stoppedEarly = epoch < options.epochs
                break
            }
        }
        if let best, options.keep != .last {
            return TrainingResult(model: HeadModel(config: config, parameters: best.parameters), history: history,
                                  bestEpoch: best.epoch, stoppedEarly: stoppedEarly)
        }
        return TrainingResult(model: saved(), history: history, bestEpoch: history.count, stoppedEarly: stoppedEarly)
    }
}

extension HeadTrainer {
    /// Fills `batch` with `train[indices]` through modal dropout at `rate`, weighs the items it
    /// changed by `weight` and runs the forward pass; returns its loss terms. A fixed weight
    /// weighs them before the pass (its terms are weighted); `belief` first runs the whole items,
    /// to compare each changed item's level-2 loss with, and weighs after the pass whose losses it
    /// reads (its terms are unweighted).
    @discardableResult
    static func forward(_ model: HeadModel, _ train: [HeadExample], _ indices: ArraySlice<Int>, batch: HeadBatch,
                        rate: Double, weight: ModalDropoutWeight, random: inout SeededRandom) -> LossTerms {
        guard case .belief = weight, rate > 0 else {
            batch.fill(train, indices, dropout: rate, random: &random, dropoutReachesSkip: false)
            batch.weigh(weight.weights(changed: batch.changed))
            return model.forward(batch)
        }
        batch.fill(train, indices)
        model.forward(batch)
        let whole = level2Losses(model)
        batch.fill(train, indices, dropout: rate, random: &random, dropoutReachesSkip: false)
        let terms = model.forward(batch)
        batch.weigh(weight.weights(changed: batch.changed, whole: whole, kept: level2Losses(model)))
        return terms
    }

    /// (B) the last forward pass's level-2 cross-entropy per item (0 without a level-2 label).
    private static func level2Losses(_ model: HeadModel) -> [Float] {
        let terms = model.lossTerms
        return stride(from: 1, to: terms.count, by: 4).map { terms[$0] }
    }

    /// One pass over the training items in `order`: forward, backward, clipping, an AdamW step
    /// at the schedule's rate and the parameters' average, per batch; the epoch's training
    /// figures (its validation figures are left for the caller).
    static func trainEpoch(
        _ epoch: Int, _ model: HeadModel, _ train: [HeadExample], order: [Int], batch: HeadBatch,
        options: TrainingOptions, optimizer: AdamW, schedule: LearningRateSchedule, average: ParameterAverage?,
        step: inout Int, dropout: inout SeededRandom
    ) -> EpochReport {
        let clock = ContinuousClock.now
        let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
        var sums = [Double](repeating: 0, count: 4)
        var correct = (level1: 0, level2: 0)
        var lr: Float = 0
        let rate = options.modalDropout(inEpoch: epoch)
        var unweighted: FloatBuffer?
        for s in 0..<stepsPerEpoch {
            let indices = order[(s * options.batchSize)..<min((s + 1) * options.batchSize, order.count)]
            let terms = forward(model, train, indices, batch: batch, rate: rate, weight: options.modalDropoutWeight,
                                random: &dropout)
            let hits = Self.correct(model, batch)
            correct = (correct.level1 + hits.level1, correct.level2 + hits.level2)
            lr = schedule(step)
            // With loss weights, they act through AdamW's first moment only (ModalDropoutWeight):
            // the second moment comes from the unweighted gradient, clipped by the same factor.
            var secondMoment: FloatBuffer?
            if !batch.lossWeights.isEmpty {
                let g = unweighted ?? FloatBuffer(count: model.parameterCount)
                unweighted = g
                model.backward(weighted: false)
                g.pointer.update(from: model.gradients.pointer, count: g.count)
                secondMoment = g
            }
            model.backward()
            AdamW.clip(model.gradients, maxNorm: options.gradientClip, alongside: secondMoment)
            optimizer.update(parameters: model.parameters, gradients: model.gradients, secondMomentGradients: secondMoment,
                             learningRate: lr)
            average?.update(model.parameters)
            step += 1
            for (t, v) in [terms.level1, terms.level2, terms.hierarchy, terms.total].enumerated() {
                sums[t] += v * Double(indices.count)
            }
        }
        let trainSeconds = (ContinuousClock.now - clock).seconds
        let n = Double(train.count)
        return EpochReport(
            epoch: epoch, learningRate: lr,
            train: LossTerms(level1: sums[0] / n, level2: sums[1] / n, hierarchy: sums[2] / n, total: sums[3] / n,
                             count: train.count),
            trainLevel1: Double(correct.level1) / n, trainLevel2: Double(correct.level2) / n,
            validationLoss: nil, validationLevel1: nil, validationLevel2: nil, improved: false,
            seconds: 0, examplesPerSecond: n / max(trainSeconds, 1e-9))
    }

    /// How many items of the last forward pass's batch have the argmax of p1, and of p2, on
    /// their label.
    static func correct(_ model: HeadModel, _ batch: HeadBatch) -> (level1: Int, level2: Int) {
        let (p1, p2) = (model.level1Probabilities, model.level2Probabilities)
        let (c1, c2) = (model.config.level1Count, model.config.level2Count)
        func argmax(_ p: [Float], _ row: Int, _ width: Int) -> Int {
            var best = 0
            for j in 1..<width where p[row * width + j] > p[row * width + best] { best = j }
            return best
        }
        var hits = (level1: 0, level2: 0)
        for b in 0..<batch.count where batch.targets2[b] >= 0 {
            if argmax(p1, b, c1) == batch.targets1[b] { hits.level1 += 1 }
            if argmax(p2, b, c2) == batch.targets2[b] { hits.level2 += 1 }
        }
        return hits
    }

    /// `config` with each modality's standardisation (the linear baseline's and the skip's) taken from the
    /// items of `examples` that have it: the mean and 1/standard deviation of the pooled vector
    /// (the mean frame for sequences). A modality no item has keeps none, and so do the text
    /// channel's bags, which neither reads (their rows are n-gram ids, one float each, not `dim`-wide).
    static func standardised(_ config: HeadConfig, _ examples: [HeadExample]) -> HeadConfig {
        var config = config
        for j in config.skipModalities {
            let d = config.modalities[j].dim
            var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
            var count = 0
            for example in examples where example.rows[j] > 0 {
                let rows = example.rows[j]
                var pooled = [Double](repeating: 0, count: d)
                example.features[j].withUnsafeBufferPointer { x in
                    for t in 0..<rows { for i in 0..<d { pooled[i] += Double(x[t * d + i]) } }
                }
                for i in 0..<d {
                    let v = pooled[i] / Double(rows)
                    sum[i] += v
                    squares[i] += v * v
                }
                count += 1
            }
            guard count > 0 else { continue }
            let n = Double(count)
            let mean = sum.map { $0 / n }
            let scale = (0..<d).map { i in
                let variance = max(0, squares[i] / n - mean[i] * mean[i])
                return Float(1 / (variance.squareRoot() + 1e-6))
            }
            config.modalities[j].standardisation = .init(mean: mean.map(Float.init), scale: scale)
        }
        return config
    }
}
