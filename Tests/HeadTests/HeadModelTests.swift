import Foundation
import Kernels
import Testing
import Weights
@testable import Head
@testable import SyntheticWorlds

/// Small synthetic worlds and heads, fast enough for unit tests.
enum Small {
    static var spec: SyntheticSpec {
        var s = SyntheticSpec()
        s.level1Count = 3
        s.minChildren = 2
        s.maxChildren = 3
        s.latentDim = 12
        s.nuisanceDim = 4
        s.visualDim = 24
        s.audioDim = 8
        s.textDim = 16
        s.minFrames = 3
        s.maxFrames = 6
        s.minAudioFrames = 2
        s.maxAudioFrames = 5
        return s
    }

    /// A small world with little noise, where a head must learn quickly.
    static var easySpec: SyntheticSpec {
        var s = spec
        s.observationNoise = 0.5
        s.featureNoise = 0.1
        s.visualQuality = 0.8...1.0
        s.coverMisleading = 0
        s.titleMisleading = 0
        s.labelNoise = 0
        return s
    }

    static func config(_ world: SyntheticWorld, fusion: HeadConfig.Fusion = .attention,
                       classifier: HeadConfig.Classifier = .hmc) -> HeadConfig {
        var c = HeadConfig(modalities: world.modalities, parents: world.taxonomy.parents, level1Count: world.taxonomy.level1.count)
        c.fusion = fusion
        c.classifier = fusion == .linear ? .flat : classifier  // the linear baseline's only classifier
        c.clusters = 3
        c.width = 8
        c.tfnWidth = 2
        c.fusedWidth = 8
        c.hidden1 = 16
        c.hidden2 = 16
        return c
    }

    static func options(epochs: Int = 3, seed: UInt64 = 1) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 32
        o.learningRate = 3e-3
        o.seed = seed
        return o
    }

    /// The parameters of a head trained 4 epochs on 96 items of world 4 with these modal
    /// dropout options (the schedule and weight tests compare them).
    static func trainedWithModalDropout(_ rate: Double, until: Double = 1, weight: ModalDropoutWeight = .one) -> [Float] {
        let world = SyntheticWorld(spec: spec, seed: 4)
        var o = options(epochs: 4)
        (o.modalDropout, o.modalDropoutUntil, o.modalDropoutWeight) = (rate, until, weight)
        return HeadTrainer.train(config: config(world), options: o, train: world.examples(count: 96, split: 1),
                                 validation: []).model.parameters.array()
    }

    static func temporaryDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "vidtag-head-tests-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: path)
        return path
    }
}

@Suite struct HeadModelTests {
    @Test func preprocessingScalesToUnitRMSAndAveragesProducts() throws {
        let specs = [ModalitySpec(name: "visual", tensor: "visual.frames", kind: .sequence, dim: 2),
                     ModalitySpec(name: "title", tensor: "text.title", kind: .vector, dim: 2),
                     ModalitySpec(name: "product", tensor: "product.items", kind: .set, dim: 2),
                     ModalitySpec(name: "cover", tensor: "cover", kind: .vector, dim: 2)]
        let e = try HeadExample(id: "x", tensors: [
            "visual.frames": Tensor(shape: [3, 2], data: [3, 4, 0, 0, 0, 2]),   // the zero frame is dropped
            "text.title": Tensor(shape: [2], data: [0, 0]),                      // a blank title is absent
            "product.items": Tensor(shape: [2, 2], data: [2, 0, 0, 2]),
        ], modalities: specs)
        let r2 = Float(2).squareRoot()
        #expect(e.rows == [2, 0, 1, 0])
        #expect(zip(e.features[0], [0.6 * r2, 0.8 * r2, 0, r2]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(e.features[2], [1, 1]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(throws: HeadInputError.shape(id: "y", tensor: "text.title", expected: "[2]", found: [3])) {
            try HeadExample(id: "y", tensors: ["text.title": Tensor(shape: [3], data: [1, 2, 3])], modalities: specs)
        }
    }

    /// An item's outputs do not depend on the rest of its batch, and an absent modality gets
    /// exactly zero attention while the others' weights still sum to one.
    @Test(arguments: HeadConfig.Fusion.allCases)
    func itemsAreIndependentOfTheirBatch(fusion: HeadConfig.Fusion) {
        let world = SyntheticWorld(spec: Small.spec, seed: 3)
        let examples = world.examples(count: 9, split: 1)
        let model = HeadModel(config: Small.config(world, fusion: fusion), seed: 2)
        let batch = HeadBatch(config: model.config)
        batch.fill(examples, examples.indices)
        model.forward(batch)
        let all = model.level2Probabilities, attention = model.attention
        let c2 = model.config.level2Count, m = model.config.modalityCount
        var worst: Float = 0
        for i in examples.indices {
            batch.fill(examples, [i])
            model.forward(batch)
            worst = max(worst, maxAbsDifference(model.level2Probabilities, Array(all[(i * c2)..<((i + 1) * c2)])))
            if let a = model.attention {
                #expect(abs(a.reduce(0, +) - 1) < 1e-5)
                for j in 0..<m where examples[i].rows[j] == 0 { #expect(a[j] == 0) }
                #expect(maxAbsDifference(a, Array(attention![(i * m)..<((i + 1) * m)])) < 1e-5)
            }
        }
        print("\(fusion): batch of 9 vs one by one, max |Δp2| = \(worst) (tolerance 1e-5)")
        #expect(worst < 1e-5)
    }

    @Test func sameSeedGivesIdenticalCheckpointBytes() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let (train, validation) = HeadTrainer.split(world.examples(count: 240, split: 1), fraction: 0.2, seed: 5)
        let config = Small.config(world)
        func run(_ seed: UInt64, _ name: String) throws -> (Data, Data) {
            let result = HeadTrainer.train(config: config, options: Small.options(seed: seed), train: train, validation: validation)
            let dir = Small.temporaryDirectory(name)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try HeadCheckpoint(config: config, taxonomy: world.taxonomy, encoders: world.encoderHashes, training: nil)
                .write(model: result.model, to: dir)
            return (try Data(contentsOf: URL(fileURLWithPath: dir + "/head.safetensors")),
                    try Data(contentsOf: URL(fileURLWithPath: dir + "/head.json")))
        }
        if Threading.threads < 2 { Threading.configure(threads: 2) }
        let a = try run(7, "a"), b = try Threading.serial { try run(7, "b") }, c = try run(8, "c")
        #expect(a.0 == b.0 && a.1 == b.1, "same seed, same bytes, on 2 threads and on 1")
        #expect(a.0 != c.0, "another seed, other parameters")
    }

    /// Training on a small, easy world beats chance clearly at both levels, for every variant
    /// (a sanity check: the comparison in docs/head.md measures the variants properly).
    @Test(arguments: [(HeadConfig.Fusion.attention, HeadConfig.Classifier.hmc), (.concat, .hmc), (.tfn, .hmc), (.lmf, .hmc),
                      (.attention, .flat), (.linear, .flat)])
    func trainingLearns(fusion: HeadConfig.Fusion, classifier: HeadConfig.Classifier) {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        let (train, validation) = HeadTrainer.split(world.examples(count: 600, split: 1), fraction: 0.1, seed: 1)
        let test = world.examples(count: 300, split: 2)
        let config = Small.config(world, fusion: fusion, classifier: classifier)
        // 30 epochs: LMF (six factors multiplied) is the slowest to learn; its loss still fell at 20.
        let result = HeadTrainer.train(config: config, options: Small.options(epochs: 30), train: train, validation: validation)
        let evaluator = HeadEvaluator()
        let m = evaluator.metrics(evaluator.run(result.model, test), examples: test, config: config, taxonomy: world.taxonomy)
        let chance2 = 1 / Double(world.taxonomy.level2.count)
        print("\(fusion) + \(classifier): level-1 \(m.level1Accuracy), level-2 \(m.level2Accuracy) (chance \(1 / 3.0), \(chance2)); losses \(result.history.first!.train.total) → \(result.history.last!.train.total)")
        #expect(result.history.last!.train.total < result.history.first!.train.total)
        #expect(result.history.last!.trainLevel2 > result.history.first!.trainLevel2, "training accuracy rises")
        #expect(m.level1Accuracy > 0.5)
        #expect(m.level2Accuracy > 2 * chance2)
    }

    /// Attention scores: a head.json without `attention_scores` (heads saved before it) loads as
    /// joint, with its [M, M·P] score matrix; the default, own, saves and loads as such with [M, P].
    @Test func attentionScoresDecodeAsSavedAndShapeTheScoreMatrix() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let config = Small.config(world)
        #expect(config.attentionScores == .own)
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
        #expect(json["attention_scores"] as? String == "own")
        #expect(try JSONDecoder().decode(HeadConfig.self, from: JSONEncoder().encode(config)) == config)
        json["attention_scores"] = nil
        let legacy = try JSONDecoder().decode(HeadConfig.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(legacy.attentionScores == .joint)
        let (m, p) = (config.modalityCount, config.blockWidth)
        #expect(ParameterLayout(config: config).entry("fusion.attention.weight")?.shape == [m, p])
        #expect(ParameterLayout(config: legacy).entry("fusion.attention.weight")?.shape == [m, m * p])
    }

    @Test func checkpointRoundTripAndStrictLoading() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let config = Small.config(world, fusion: .lmf)
        let model = HeadModel(config: config, seed: 3)
        let dir = Small.temporaryDirectory("checkpoint")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let checkpoint = HeadCheckpoint(config: config, taxonomy: world.taxonomy, encoders: ["visual": "abc"], training: nil)
        try checkpoint.write(model: model, to: dir)
        let (loaded, again) = try HeadCheckpoint.load(directory: dir)
        #expect(loaded.config == config && loaded.taxonomy == world.taxonomy && loaded.encoders == ["visual": "abc"])
        #expect(again.members.count == 1 && again.members[0].parameters.array() == model.parameters.array())

        // a weight file with a tensor of the wrong shape (and head.json's hash updated to match)
        let weights = dir + "/head.safetensors"
        var tensors = model.namedParameters().map { (name: $0.name, tensor: Tensor(shape: $0.shape, data: $0.values)) }
        tensors[0] = (tensors[0].name, Tensor(shape: [1], data: [0]))
        try SafetensorsWriter.write(tensors, to: weights)
        #expect(throws: HeadCheckpointError.self) { try HeadCheckpoint.load(directory: dir) }   // hash mismatch first
        let json = dir + "/head.json"
        var text = try String(contentsOfFile: json, encoding: .utf8)
        let oldHash = try #require(text.range(of: #""weights_sha256" : "[0-9a-f]+""#, options: .regularExpression))
        text.replaceSubrange(oldHash, with: "\"weights_sha256\" : \"\(try SHA256.hexDigest(ofFile: weights))\"")
        try text.write(toFile: json, atomically: true, encoding: .utf8)
        #expect(throws: HeadCheckpointError.weights(.wrongShape(source: weights, tensor: tensors[0].name,
                                                                expected: ParameterLayout(config: config).entries[0].shape,
                                                                found: [1]))) {
            try HeadCheckpoint.load(directory: dir)
        }
    }

    /// The linear baseline standardises each modality's pooled vector with the training items'
    /// mean and deviation (computed here in float64 again), and its checkpoint keeps them, so
    /// that a loaded head predicts what the trained one did.
    @Test func linearBaselineKeepsItsStandardisation() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 8)
        let (train, validation) = HeadTrainer.split(world.examples(count: 200, split: 1), fraction: 0.1, seed: 1)
        let config = Small.config(world, fusion: .linear)
        let result = HeadTrainer.train(config: config, options: Small.options(epochs: 3), train: train, validation: validation)
        let trained = result.model.config
        for (j, spec) in trained.modalities.enumerated() {
            let pooled = train.filter { $0.rows[j] > 0 }.map { example in
                (0..<spec.dim).map { i in (0..<example.rows[j]).map { Double(example.features[j][$0 * spec.dim + i]) }.reduce(0, +) / Double(example.rows[j]) }
            }
            let standardisation = try #require(spec.standardisation, "\(spec.name)")
            var worst = 0.0
            for i in 0..<spec.dim {
                let mean = pooled.map { $0[i] }.reduce(0, +) / Double(pooled.count)
                let deviation = (pooled.map { ($0[i] - mean) * ($0[i] - mean) }.reduce(0, +) / Double(pooled.count)).squareRoot()
                worst = max(worst, abs(Double(standardisation.mean[i]) - mean),
                            abs(Double(standardisation.scale[i]) - 1 / (deviation + 1e-6)) / (1 / (deviation + 1e-6)))
            }
            print("linear \(spec.name): standardisation vs float64, max error \(worst) (tolerance 1e-4)")
            #expect(worst <= 1e-4, "\(spec.name)")
        }
        let dir = Small.temporaryDirectory("linear")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try HeadCheckpoint(config: trained, taxonomy: world.taxonomy, encoders: [:], training: nil)
            .write(model: result.model, to: dir)
        let (loaded, mixture) = try HeadCheckpoint.load(directory: dir)
        let model = mixture.members[0]
        #expect(loaded.config == trained)
        let batch = HeadBatch(config: trained)
        batch.fill(validation, validation.indices)
        result.model.forward(batch)
        let before = result.model.level2Probabilities
        model.forward(batch)
        #expect(model.level2Probabilities == before)
    }

    /// The text channel's bags hold n-gram ids, one float per row: the skip's standardisation
    /// leaves them out (it once read them `dim` floats per row, past the ids' end, and a NaN
    /// there made the trained head fail to save).
    @Test func linearSkipStandardisesNoTextBag() throws {
        let world = SyntheticWorld(spec: Small.easySpec, seed: 6)
        var (config, examples) = SentenceEmbeddingsTests.withBag(world, count: 40, split: 1)
        config.linearSkip = true
        let bag = try #require(config.modalities.firstIndex { $0.kind == .bag })
        #expect(examples.allSatisfy { $0.features[bag].count == $0.rows[bag] && $0.rows[bag] * config.modalities[bag].dim > $0.features[bag].count })
        let standardised = HeadTrainer.standardised(config, examples)
        #expect(standardised.modalities[bag].standardisation == nil)
        for j in standardised.skipModalities {
            let st = try #require(standardised.modalities[j].standardisation, "\(standardised.modalities[j].name)")
            #expect((st.mean + st.scale).allSatisfy { $0.isFinite })
        }
        _ = try JSONEncoder().encode(standardised)
    }

    /// The linear skip reads each modality's standardised mean frame or vector (float64 again
    /// here), every modality an item has while modal dropout hides some from the network in
    /// training, and only the kept ones when modalities go missing at evaluation. Its weights
    /// start at zero, and its checkpoint keeps it.
    @Test func linearSkipReadsWhatModalDropoutHidesFromTheNetwork() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 8)
        let (train, validation) = HeadTrainer.split(world.examples(count: 200, split: 1), fraction: 0.1, seed: 1)
        var config = Small.config(world)
        config.linearSkip = true
        #expect(HeadModel(config: config, seed: 1).namedParameters().filter { $0.name.hasPrefix("skip.") }
            .allSatisfy { $0.values.allSatisfy { $0 == 0 } })
        let result = HeadTrainer.train(config: config, options: Small.options(epochs: 3), train: train, validation: validation)
        let trained = result.model.config
        let (s, skip) = (trained.skipWidth, trained.skipModalities)
        #expect(s == skip.map { trained.modalities[$0].dim }.reduce(0, +) && s > 0)

        let indices = Array(validation.indices)
        let all = HeadBatch(config: trained), hidden = HeadBatch(config: trained), missing = HeadBatch(config: trained)
        all.fill(validation, indices)
        var r1 = SeededRandom(seed: 5), r2 = SeededRandom(seed: 5)
        hidden.fill(validation, indices, dropout: 0.5, random: &r1, dropoutReachesSkip: false)
        missing.fill(validation, indices, dropout: 0.5, random: &r2, dropoutReachesSkip: true)
        #expect(hidden.mask == missing.mask && hidden.mask != all.mask)
        #expect(hidden.skipInputs == all.skipInputs)
        var worst = 0.0, dropped = 0
        for (r, example) in validation.enumerated() {
            var column = 0
            for j in skip {
                let spec = trained.modalities[j], d = spec.dim, rows = example.rows[j]
                let st = try #require(spec.standardisation)
                let kept = missing.mask[r * trained.modalityCount + j] != 0
                if rows > 0 && !kept { dropped += 1 }
                for i in 0..<d {
                    let mean = rows == 0 ? 0 : (0..<rows).map { Double(example.features[j][$0 * d + i]) }.reduce(0, +) / Double(rows)
                    let expected = rows == 0 ? 0 : (mean - Double(st.mean[i])) * Double(st.scale[i])
                    worst = max(worst, abs(Double(all.skipInputs[r * s + column + i]) - expected))
                    #expect(missing.skipInputs[r * s + column + i] == (kept ? all.skipInputs[r * s + column + i] : 0))
                }
                column += d
            }
        }
        print("linear skip: inputs vs float64, max difference \(worst) (tolerance 1e-4); \(dropped) modalities dropped")
        #expect(worst <= 1e-4 && dropped > 0)

        let dir = Small.temporaryDirectory("skip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try HeadCheckpoint(config: trained, taxonomy: world.taxonomy, encoders: [:], training: nil).write(model: result.model, to: dir)
        let (loaded, mixture) = try HeadCheckpoint.load(directory: dir)
        let model = mixture.members[0]
        #expect(loaded.config == trained && loaded.config.linearSkip)
        result.model.forward(all)
        let before = result.model.level2Probabilities
        model.forward(all)
        #expect(model.level2Probabilities == before)
    }

    /// Centring: the centre `FeatureDirectory.load(centre: true)` stores is the mean computed
    /// here in float64 from the items' raw tensors, and each example is unit-RMS(x − centre).
    @Test func centredModalitiesSubtractTheTrainingMean() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 5)
        let dir = Small.temporaryDirectory("centred")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SyntheticWriter.write(world: world, count: 10, split: 1, to: dir)
        let labels = try Labels.load(path: dir + "/labels.jsonl", taxonomy: Taxonomy.load(path: dir + "/taxonomy.json"))
        let contents = try FeatureDirectory.load(directory: dir + "/features", labels: labels, centre: true)
        let raw = (0..<10).map { world.item($0, split: 1) }
        var worst: Float = 0
        for spec in contents.modalities {
            let centre = try #require(spec.centre)
            // reference mean: frames (sequence) or vectors pooled over items; sets: mean of item means
            var total = [Double](repeating: 0, count: spec.dim)
            var count = 0
            for item in raw {
                guard let t = item.tensors[spec.tensor] else { continue }
                let rows = (0..<(t.count / spec.dim)).map { Array(t.data[($0 * spec.dim)..<(($0 + 1) * spec.dim)]) }
                    .filter { !$0.allSatisfy { $0 == 0 } }
                guard !rows.isEmpty else { continue }
                if spec.kind == .set {
                    for j in 0..<spec.dim { total[j] += rows.reduce(0.0) { $0 + Double($1[j]) } / Double(rows.count) }
                    count += 1
                } else {
                    for row in rows { for j in 0..<spec.dim { total[j] += Double(row[j]) } }
                    count += rows.count
                }
            }
            for j in 0..<spec.dim { worst = max(worst, abs(centre[j] - Float(total[j] / Double(count)))) }
        }
        print("centres vs a float64 mean: max |Δ| \(worst) (tolerance 1e-6)")
        #expect(worst <= 1e-6)

        // one example by hand: a vector modality, unit RMS of x − centre
        let spec = try #require(contents.modalities.first { $0.kind == .vector })
        let m = try #require(contents.modalities.firstIndex(of: spec))
        let item = try #require(raw.first { $0.tensors[spec.tensor] != nil })
        let x = item.tensors[spec.tensor]!.data
        let d = zip(x, spec.centre!).map { Double($0) - Double($1) }
        let scale = (Double(spec.dim) / d.reduce(0) { $0 + $1 * $1 }).squareRoot()
        let example = try #require(contents.examples.first { $0.id == item.id })
        let difference = zip(example.features[m], d).map { abs(Double($0) - $1 * scale) }.max() ?? .infinity
        print("centred example vs by hand: max |Δ| \(difference) (tolerance 1e-5)")
        #expect(difference <= 1e-5)
    }

    @Test func featureDirectoriesRefuseMixedEncoders() throws {
        let world = SyntheticWorld(spec: Small.spec, seed: 4)
        let dir = Small.temporaryDirectory("features")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SyntheticWriter.write(world: world, count: 12, split: 1, to: dir)
        let labels = try Labels.load(path: dir + "/labels.jsonl", taxonomy: Taxonomy.load(path: dir + "/taxonomy.json"))
        let contents = try FeatureDirectory.load(directory: dir + "/features", labels: labels)
        #expect(contents.examples.count == 12 && contents.encoders == world.encoderHashes)
        #expect(contents.modalities.map(\.dim) == world.modalities.map(\.dim))
        let expected = world.examples(count: 12, split: 1)
        #expect(contents.examples.map(\.features) == expected.map(\.features), "files hold what the generator made")

        // evaluation against a head trained on other encoders
        #expect(throws: FeatureLoadError.self) {
            try FeatureDirectory.load(directory: dir + "/features", labels: labels, encoders: ["visual": "other"])
        }
        // one file from other encoders
        let item = world.item(99, split: 9)
        try SafetensorsWriter.write([(name: "cover", tensor: item.tensors["cover"] ?? Tensor(zeros: [Small.spec.visualDim]))],
                                    metadata: ["id": "odd", "encoders": #"{"visual":"0123"}"#], to: dir + "/features/zz-odd.safetensors")
        do {
            _ = try FeatureDirectory.load(directory: dir + "/features", labels: nil)
            Issue.record("mixed encoders must be refused")
        } catch let error {
            guard case .mixedEncoders = error else { Issue.record("unexpected \(error)"); return }
            print("mixed encoders: \(error)")
        }
    }
}

@Suite struct ParameterAverageTests {
    /// Three updates of a two-parameter average against the formula in float64; the first
    /// updates weigh the new values heavily (d_1 = 2/11), later ones at most `decay`.
    @Test func followsTheWarmedUpMovingAverage() {
        let parameters = FloatBuffer([1, -2])
        let average = ParameterAverage(parameters, decay: 0.5)
        var expected: [Double] = [1, -2]
        for (t, step) in [[3.0, 0.5], [-1.0, 4.0], [2.0, 2.0]].enumerated() {
            for i in 0..<2 { parameters[i] = Float(step[i]) }
            average.update(parameters)
            let n = Double(t + 1), d = min(0.5, (1 + n) / (10 + n))
            expected = zip(expected, step).map { d * $0 + (1 - d) * $1 }
        }
        let got = average.values.array()
        let worst = zip(got, expected).map { abs(Double($0) - $1) }.max()!
        print("parameter average: max |Δ| = \(worst) against float64 (tolerance 1e-6)")
        #expect(worst < 1e-6)
        #expect(average.count == 3)
    }

    /// Heads trained before averaging existed have no `average_decay`: they were trained without.
    @Test func optionsWithoutTheKeyMeanNoAveraging() throws {
        let old = #"{"epochs": 40, "batch_size": 64, "learning_rate": 0.001, "weight_decay": 1, "warmup_fraction": 0.05, "min_learning_rate_fraction": 0.1, "gradient_clip": 1, "modal_dropout": 0.2, "validation_fraction": 0.1, "patience": 0, "seed": 3}"#
        let options = try JSONDecoder().decode(TrainingOptions.self, from: Data(old.utf8))
        #expect(options.averageDecay == 0)
        #expect(options.netvladWeightDecay == nil)  // NetVLAD decayed at weight_decay then
        #expect(options.seed == 3)
        let roundTrip = try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(TrainingOptions()))
        #expect(roundTrip == TrainingOptions())
    }
}
