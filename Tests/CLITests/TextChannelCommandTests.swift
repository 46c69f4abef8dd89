import Foundation
import Testing
import Weights

/// The text channel through the commands, as a user runs them: `vidtag extract` keeps the texts
/// in the feature files, `vidtag train` turns the channel on for Chinese titles (and off for
/// English ones) by itself, and `vidtag eval` reports what it adds. The sentence encoder is the
/// tiny random BERT of Fixtures/text.
@Suite struct TextChannelCommandTests {
    static let taxonomy = #"""
        {"name": "test", "categories": [
          {"id": "food", "name": "美食", "children": [
            {"id": "food.baking", "name": "烘焙"}, {"id": "food.street_food", "name": "街头小吃"}]},
          {"id": "pets", "name": "萌宠", "children": [
            {"id": "pets.cats", "name": "猫咪"}, {"id": "pets.dogs", "name": "狗狗"}]}]}
        """#
    /// Per class: its words in Chinese and in English.
    static let words: [(id: String, parent: String, zh: [String], en: [String])] = [
        ("food.baking", "food", ["蛋糕", "面包", "烤箱", "曲奇"], ["cake", "bread", "oven", "cookies"]),
        ("food.street_food", "food", ["煎饼", "烤串", "夜市", "凉皮"], ["pancake", "skewers", "night market", "noodles"]),
        ("pets.cats", "pets", ["猫粮", "逗猫棒", "猫砂", "小猫"], ["cat food", "cat wand", "cat litter", "kitten"]),
        ("pets.dogs", "pets", ["狗粮", "遛狗", "牵引绳", "小狗"], ["dog food", "dog walk", "leash", "puppy"]),
    ]

    /// `count` records (ids from `first`), titles of two of their class's words and a filler,
    /// chosen by a fixed linear congruential sequence; their manifest and labels in `folder`.
    static func corpus(in folder: URL, count: Int, first: Int, chinese: Bool) throws {
        var state: UInt64 = UInt64(first) &* 2_862_933_555_777_941_757 &+ 3_037_000_493
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let fillers = chinese ? ["今天分享", "我的日常", "超级推荐", "第二期"] : ["today", "my daily", "must try", "part 2"]
        var manifest = "", labels = ""
        for i in first..<(first + count) {
            let c = words[i % words.count]
            let vocabulary = chinese ? c.zh : c.en
            let title = [vocabulary[next(4)], fillers[next(4)], vocabulary[next(4)]].joined(separator: chinese ? "" : " ")
            manifest += JSONText.encode(["id": "t\(i)", "title": title]) + "\n"
            labels += JSONText.encode(["id": "t\(i)", "level1": c.parent, "level2": c.id]) + "\n"
        }
        try manifest.write(to: folder.appendingPathComponent("manifest.jsonl"), atomically: true, encoding: .utf8)
        try labels.write(to: folder.appendingPathComponent("labels.jsonl"), atomically: true, encoding: .utf8)
    }

    /// Extracts, trains (text channel left to `auto`) and evaluates in a fresh folder `name`; returns
    /// train's stderr, eval's JSON and the head's folder.
    func run(chinese: Bool, in name: String, options: [String] = []) throws -> (train: String, eval: [String: Any], head: URL) {
        let root = TestFolder.fresh(name)
        let taxonomy = root.appendingPathComponent("taxonomy.json")
        try Self.taxonomy.write(to: taxonomy, atomically: true, encoding: .utf8)
        let bert = CLI.fixtures.appendingPathComponent("text/tiny-bert").path
        for (set, count, first) in [("train", 120, 0), ("test", 40, 1000)] {
            let folder = root.appendingPathComponent(set)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.corpus(in: folder, count: count, first: first, chinese: chinese)
            let extract = try CLI.run(["extract", "--text", bert, "--quiet", "--output", folder.appendingPathComponent("features").path,
                                       "--manifest", folder.appendingPathComponent("manifest.jsonl").path])
            #expect(extract.status == 0, "\(extract.stderr)")
        }
        func path(_ name: String) -> String { root.appendingPathComponent(name).path }
        let train = try CLI.run(["train", "--features", path("train/features"), "--labels", path("train/labels.jsonl"),
                                 "--taxonomy", taxonomy.path, "--output", path("head"), "--width", "16", "--epochs", "30",
                                 "--seed", "1", "--threads", "1"] + options)
        #expect(train.status == 0, "\(train.stderr)")
        let eval = try CLI.run(["eval", "--head", path("head"), "--features", path("test/features"),
                                "--labels", path("test/labels.jsonl"), "--json", "--threads", "1"])
        #expect(eval.status == 0, "\(eval.stderr)")
        return (train.stderr, CLI.object(eval.lines.last ?? ""), root.appendingPathComponent("head"))
    }

    @Test func chineseTitlesTurnTheChannelOnAndItCarriesThem() throws {
        let (train, eval, _) = try run(chinese: true, in: "text-channel-zh")
        #expect(train.contains("text channel on"), "\(train)")
        let level2 = eval["level2_accuracy"] as? Double ?? 0
        let without = (eval["without_text_channel"] as? [String: Any])?["level2_accuracy"] as? Double ?? 1
        print("Chinese titles: level 2 \(level2) with the text channel, \(without) without it")
        #expect(level2 >= 0.9)
        #expect(without < level2, "eval reports the same head without the channel, and the channel helps")
        let attention = eval["attention"] as? [String: Double] ?? [:]
        #expect((attention["title_chars"] ?? 0) > 0, "\(attention)")
    }

    /// Beside the text channel, `--sentence-embeddings auto` trains a head with the title's sentence
    /// embedding and one without, keeps the lower validation loss and says so in head.json.
    @Test func theHeadKeepsTheSentenceEmbeddingsOnlyWhenTheValidationLossSaysSo() throws {
        let (train, _, folder) = try run(chinese: true, in: "text-channel-sentence-embeddings",
                                         options: ["--validation-fraction", "0.25"])
        #expect(train.contains("sentence embeddings kept") || train.contains("sentence embeddings left out"), "\(train)")
        let head = folder.appendingPathComponent("head.json")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: head)) as? [String: Any] ?? [:]
        let losses = (document["training"] as? [String: Any])?["sentence_embeddings_validation_loss"] as? [String: Double] ?? [:]
        let names = ((document["config"] as? [String: Any])?["modalities"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        print("sentence embeddings: validation losses \(losses), modalities \(names)")
        let on = try #require(losses["on"]), off = try #require(losses["off"])
        #expect(names.contains("title") == (on <= off), "the kept head has the title's embedding iff its loss was lower")
        #expect(names.contains("title_chars"))
        // --hidden auto's candidates, with the margin its choice allowed.
        let training = document["training"] as? [String: Any] ?? [:]
        let hidden = training["hidden_validation_loss"] as? [String: Double] ?? [:]
        let errors = training["hidden_validation_standard_error"] as? [String: Double] ?? [:]
        #expect(hidden.count > 1 && Set(hidden.keys) == Set(errors.keys), "\(hidden) \(errors)")
        #expect(errors.values.contains(0) && errors.values.allSatisfy { $0 >= 0 }, "the lowest has no margin: \(errors)")
        #expect(train.contains("the lowest validation loss ("), "\(train)")
        // The default keeps the mixture of the candidates: each one's weight, and a file per member.
        let weights = training["mixture_weights"] as? [String: Double] ?? [:]
        let members = document["mixture"] as? [[String: Any]] ?? []
        print("mixture weights \(weights), \(members.count) members")
        #expect(Set(weights.keys) == Set(hidden.keys) && abs(weights.values.reduce(0, +) - 1) < 1e-9, "\(weights)")
        #expect(members.count == weights.values.filter { $0 > 0 }.count || (members.isEmpty && weights.values.filter { $0 > 0 }.count == 1))
        for member in members {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(member["weights"] as? String ?? "?").path))
        }
        #expect(train.contains(members.isEmpty ? "alone: the mixture weighted to fit the validation items gave the others no weight"
                                               : "kept a mixture of the heads, weighted to fit the validation items: "), "\(train)")
    }

    @Test func englishTitlesLeaveItOff() throws {
        let (train, eval, head) = try run(chinese: false, in: "text-channel-en")
        #expect(train.contains("text channel off"), "\(train)")
        #expect(eval["without_text_channel"] == nil)
        #expect((eval["attention"] as? [String: Double])?["title_chars"] == nil)
        // Without the channel the titles' sentence embeddings are all there is: leaving them out is refused.
        let root = head.deletingLastPathComponent()
        let off = try CLI.run(["train", "--features", root.appendingPathComponent("train/features").path,
                               "--labels", root.appendingPathComponent("train/labels.jsonl").path,
                               "--taxonomy", root.appendingPathComponent("taxonomy.json").path,
                               "--output", root.appendingPathComponent("head-off").path, "--sentence-embeddings", "off"])
        #expect(off.status == 1)
        #expect(off.stderr.contains("--sentence-embeddings off leaves nothing to train on"), "\(off.stderr)")
    }

    /// The feature files keep the texts the channel reads.
    @Test func featureFilesKeepTheTexts() throws {
        let folder = TestFolder.fresh("text-channel-files")
        try Self.corpus(in: folder, count: 2, first: 0, chinese: true)
        let extract = try CLI.run(["extract", "--text", CLI.fixtures.appendingPathComponent("text/tiny-bert").path, "--quiet",
                                   "--output", folder.appendingPathComponent("features").path,
                                   "--manifest", folder.appendingPathComponent("manifest.jsonl").path])
        #expect(extract.status == 0, "\(extract.stderr)")
        let file = try SafetensorsFile(path: folder.appendingPathComponent("features/t0.safetensors").path)
        let manifest = try String(contentsOf: folder.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        let title = CLI.object(String(manifest.split(separator: "\n")[0]))["title"] as? String
        let texts = try JSONSerialization.jsonObject(with: Data((file.metadata["texts"] ?? "{}").utf8)) as? [String: [String]]
        #expect(texts?["title"] == [title ?? "?"])
    }
}
