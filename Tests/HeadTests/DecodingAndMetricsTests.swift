import Foundation
import Testing
@testable import Head

@Suite struct DecodingAndMetricsTests {
    let parents = [0, 0, 1, 1, 1, 2]
    let ranges = [0..<2, 2..<5, 5..<6]

    func softmax(_ x: [Float]) -> [Float] {
        let m = x.max()!
        let e = x.map { expf($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// The decoded pair is always valid and is the brute-force argmax of p1(i)·p2(j) over valid pairs,
    /// even when the raw argmaxes contradict the tree.
    @Test func neverContradictsTheTree() {
        var random = SeededRandom(seed: 9)
        var contradictions = 0
        for _ in 0..<2000 {
            let p1 = softmax((0..<3).map { _ in Float(random.normal() * 2) })
            let p2 = softmax((0..<6).map { _ in Float(random.normal() * 2) })
            let d = HierarchicalDecoder.decode(p1: p1, p2: p2, parents: parents, childRanges: ranges, flat: false, top: 3)
            #expect(parents[d.level2!] == d.level1)
            var best = (0, -Float.infinity)
            for j in 0..<6 where p1[parents[j]] * p2[j] > best.1 { best = (j, p1[parents[j]] * p2[j]) }
            #expect(d.level2 == best.0)
            #expect(d.level1Score == p1[d.level1] && d.level2Score == p2[d.level2!])
            #expect(d.top.count == 3 && d.top[0].score >= d.top[1].score && d.top[1].score >= d.top[2].score)
            #expect(d.top.allSatisfy { parents[$0.level2] == $0.level1 })
            if !d.rawConsistent { contradictions += 1 }
        }
        #expect(contradictions > 100, "the raw argmaxes should often contradict the tree on random inputs")
    }

    @Test func flatDecodesTheLevel2Argmax() {
        let p2: [Float] = [0.1, 0.05, 0.3, 0.3, 0.0, 0.25]
        let p1: [Float] = [0.15, 0.6, 0.25]
        let d = HierarchicalDecoder.decode(p1: p1, p2: p2, parents: parents, childRanges: ranges, flat: true)
        #expect(d.level2 == 2 && d.level1 == 1)
    }

    @Test func thresholdWithholdsLevel2() {
        let p1: [Float] = [0.2, 0.7, 0.1]
        let p2: [Float] = [0.3, 0.05, 0.25, 0.2, 0.15, 0.05]
        let d = HierarchicalDecoder.decode(p1: p1, p2: p2, parents: parents, childRanges: ranges, flat: false, threshold: 0.3)
        #expect(d.level2 == nil)   // best pair (1, 2): p2 = 0.25 < 0.3
        #expect(d.level1 == 1 && d.level1Score == 0.7)
        let kept = HierarchicalDecoder.decode(p1: p1, p2: p2, parents: parents, childRanges: ranges, flat: false, threshold: 0.2)
        #expect(kept.level2 == 2)
    }

    @Test func level1ThresholdMakesTheItemUnknown() {
        let p1: [Float] = [0.2, 0.7, 0.1]
        let p2: [Float] = [0.3, 0.05, 0.25, 0.2, 0.15, 0.05]
        let unknown = HierarchicalDecoder.decode(p1: p1, p2: p2, parents: parents, childRanges: ranges, flat: false,
                                                 level1Threshold: 0.75)
        #expect(unknown.level1Withheld && unknown.level2 == nil)
        let known = HierarchicalDecoder.decode(p1: p1, p2: p2, parents: parents, childRanges: ranges, flat: false,
                                               level1Threshold: 0.7)
        #expect(!known.level1Withheld && known.level1 == 1 && known.level2 == 2)
        // Unknown items count as wrong at both levels, and in no column of the confusion matrix.
        let taxonomy = Taxonomy(name: "t", categories: [
            (.init(id: "a", name: "A"), [.init(id: "a1", name: "A1")]), (.init(id: "b", name: "B"), [.init(id: "b1", name: "B1")]),
        ])
        var withheld = HierarchicalPrediction(level1: 0, level1Score: 0.4, level2: nil, level2Score: 0.4, top: [], rawLevel1: 0,
                                              rawLevel2: 0, rawConsistent: true)
        withheld.level1Withheld = true
        let right = HierarchicalPrediction(level1: 1, level1Score: 0.9, level2: 1, level2Score: 0.9, top: [], rawLevel1: 1,
                                           rawLevel2: 1, rawConsistent: true)
        let m = EvaluationMetrics.compute(truth1: [0, 1], truth2: [0, 1], predictions: [withheld, right], taxonomy: taxonomy,
                                          attention: [:], presence: [:], loss: 0)
        #expect(m.level1Accuracy == 0.5 && m.level2Accuracy == 0.5)
        #expect(m.level1Confusion == [[0, 0], [0, 1]])
    }

    @Test func metricsOnAHandWorkedCase() {
        let taxonomy = Taxonomy(name: "t", categories: [
            (.init(id: "a", name: "A"), [.init(id: "a1", name: "A1"), .init(id: "a2", name: "A2")]),
            (.init(id: "b", name: "B"), [.init(id: "b1", name: "B1")]),
        ])
        func p(_ l1: Int, _ l2: Int?, raw: Bool = true) -> HierarchicalPrediction {
            HierarchicalPrediction(level1: l1, level1Score: 1, level2: l2, level2Score: 1, top: [], rawLevel1: l1,
                                   rawLevel2: l2 ?? 0, rawConsistent: raw)
        }
        // truths: (a,a1) (a,a2) (b,b1) (b,b1); predictions: (a,a1) (a,a1) (a,a2) (b,b1)
        let m = EvaluationMetrics.compute(
            truth1: [0, 0, 1, 1], truth2: [0, 1, 2, 2], predictions: [p(0, 0), p(0, 0, raw: false), p(0, 1), p(1, 2)],
            taxonomy: taxonomy, attention: ["visual": 0.5], presence: ["visual": 1], loss: 0)
        #expect(m.count == 4)
        #expect(m.level1Accuracy == 0.75)
        #expect(m.level2Accuracy == 0.5)
        #expect(m.consistency == 0.75)
        // level 1: A: tp 2, support 2, predicted 3 → F1 0.8; B: tp 1, support 2, predicted 1 → F1 2/3
        #expect(abs(m.level1MacroF1 - (0.8 + 2.0 / 3) / 2) < 1e-12)
        // level 2: a1: tp 1, s 1, p 2 → 2/3; a2: tp 0, s 1, p 1 → 0; b1: tp 1, s 2, p 1 → 2/3
        #expect(abs(m.level2MacroF1 - (2.0 / 3 + 0 + 2.0 / 3) / 3) < 1e-12)
        #expect(m.level1Confusion == [[2, 0], [1, 1]])
        #expect(m.confusedLevel1 == [.init(truth: "b", predicted: "a", count: 1)])
        #expect(m.confusedLevel2.first == .init(truth: "a2", predicted: "a1", count: 1))
        let json = EvaluationReport.json(m)
        for key in ["\"level1_accuracy\"", "\"level2_accuracy\"", "\"consistency\"", "\"level1_macro_f1\"",
                    "\"level2_macro_f1\"", "\"attention\"", "\"count\""] {
            #expect(json.contains(key), "JSON lacks \(key)")
        }
        let html = EvaluationReport.html(m, taxonomy: taxonomy, title: "t <test>")
        #expect(html.contains("<svg") && html.contains("t &lt;test&gt;"))
        #expect(!html.contains("src=") && !html.contains("<script") && !html.contains("<link"), "the report fetches nothing")
        #expect(!html.contains("<polyline"), "no learning curves without a training history")
        let history = (1...3).map { e in
            EpochFigures(epoch: e, learningRate: 1e-3, trainLoss: 3 - Double(e), trainLevel1: 0.2 * Double(e),
                         trainLevel2: 0.1 * Double(e), validationLoss: 2.5, validationLevel1: 0.3, validationLevel2: nil)
        }
        let training = HeadCheckpoint.TrainingSummary(options: TrainingOptions(), trainCount: 90, validationCount: 10,
                                                      bestEpoch: 2, epochsRun: 3, validationLevel1Accuracy: 0.3,
                                                      validationLevel2Accuracy: nil, history: history)
        let curves = EvaluationReport.html(m, taxonomy: taxonomy, title: "t", training: training)
        #expect(curves.contains("learning curves") && curves.contains("kept: epoch 2"))
        #expect(curves.components(separatedBy: "<polyline").count - 1 == 5, "train and validation loss, three accuracies")
    }

    /// The HTML report at taxonomy scale: of 40 level-1 and 400 level-2 classes, only those with
    /// test items (or predictions) appear, named in both languages with their ids, level 2 per
    /// class under its parent, and each misclassified item with its top-3 pairs.
    @Test func reportShowsOnlyClassesWithSupportAndTheMisclassifiedItems() {
        let taxonomy = Taxonomy(name: "big", categories: (0..<40).map { i in
            (.init(id: "c\(i)", name: "类\(i)", nameEN: "Class \(i)"),
             (0..<10).map { j in .init(id: "c\(i).\(j)", name: "子\(i)-\(j)", nameEN: "Child \(i)-\(j)") })
        })
        func p(_ l2: Int, top: [Int]) -> HierarchicalPrediction {
            HierarchicalPrediction(level1: l2 / 10, level1Score: 0.9, level2: l2, level2Score: 0.5,
                                   top: top.enumerated().map { .init(level1: $1 / 10, level2: $1, score: 0.5 / Float($0 + 1)) },
                                   rawLevel1: l2 / 10, rawLevel2: l2, rawConsistent: true)
        }
        // Items of classes 3.1 and 7.2 only; the second is taken for 7.5.
        let predictions = [p(31, top: [31, 32, 33, 34]), p(75, top: [75, 72, 12, 13])]
        let m = EvaluationMetrics.compute(truth1: [3, 7], truth2: [31, 72], predictions: predictions, taxonomy: taxonomy,
                                          attention: [:], presence: [:], loss: 0)
        #expect(m.level2Classes.map(\.id) == ["c3.1", "c7.2"], "level-2 scores of the classes with test items only")
        let miss = EvaluationReport.Miss(id: "item-<2>", truth1: 7, truth2: 72, prediction: predictions[1])
        let html = EvaluationReport.html(m, taxonomy: taxonomy, title: "big", misses: [miss])
        #expect(html.contains("类3 · Class 3 <code>c3</code>") && html.contains("子7-2 · Child 7-2 <code>c7.2</code>"))
        #expect(!html.contains("Class 5") && !html.contains("Child 3-2"), "a class without test items or predictions is listed")
        #expect(html.contains("2 of 40 level-1 classes"))
        #expect(html.contains("Noto Sans CJK SC"), "a CJK font is asked for")
        #expect(html.contains("item-&lt;2&gt;"))
        let guesses = html.components(separatedBy: "item-&lt;2&gt;").last?.components(separatedBy: "</tr>").first ?? ""
        #expect(guesses.components(separatedBy: "<li>").count - 1 == 3, "the top 3 pairs: \(guesses)")
        #expect(guesses.contains("Child 7-5") && guesses.contains("Child 1-2") && !guesses.contains("Child 1-3"))
    }

    /// The text table lists only the level-1 classes with test items, in columns that line up
    /// whatever the ids' lengths, with the English names beside the taxonomy's own.
    @Test func tableListsClassesWithSupportInAlignedColumns() {
        let taxonomy = Taxonomy(name: "t", categories: [
            (.init(id: "apparel", name: "服饰", nameEN: "Apparel"), [.init(id: "apparel.kids", name: "童装")]),
            (.init(id: "art", name: "艺术"), [.init(id: "art.paint", name: "绘画")]),
            (.init(id: "fresh_produce", name: "生鲜", nameEN: "Fresh produce"), [.init(id: "fresh_produce.fruit", name: "水果")]),
        ])
        let prediction = { (l1: Int, l2: Int) in
            HierarchicalPrediction(level1: l1, level1Score: 1, level2: l2, level2Score: 1, top: [], rawLevel1: l1,
                                   rawLevel2: l2, rawConsistent: true)
        }
        let m = EvaluationMetrics.compute(truth1: [0, 2, 2], truth2: [0, 2, 2], predictions: [prediction(0, 0), prediction(2, 2), prediction(0, 0)],
                                          taxonomy: taxonomy, attention: [:], presence: [:], loss: 0)
        let rows = EvaluationReport.table(m, taxonomy: taxonomy).split(separator: "\n").map(String.init)
        let classRows = Array(rows.drop { !$0.hasPrefix("level 1 per class") }.dropFirst(2))
        #expect(classRows.count == 2, "art has no test items: \(rows)")
        #expect(classRows[0].hasPrefix("  apparel        ") && classRows[0].hasSuffix("服饰 / Apparel"), "\(classRows)")
        #expect(classRows[1].hasPrefix("  fresh_produce  ") && classRows[1].hasSuffix("生鲜 / Fresh produce"))
        let supportColumn = classRows.map { $0.range(of: "%")!.lowerBound.utf16Offset(in: $0) }
        #expect(Set(supportColumn).count == 1, "columns line up: \(classRows)")
    }

    @Test func scheduleWarmsUpThenDecays() {
        let s = LearningRateSchedule(peak: 1, warmupSteps: 4, totalSteps: 14, minFraction: 0.1)
        #expect(s(0) == 0.25 && s(3) == 1)
        #expect(abs(s(9) - 0.55) < 1e-6)    // halfway through the cosine
        #expect(abs(s(14) - 0.1) < 1e-6 && abs(s(100) - 0.1) < 1e-6)
    }

    @Test func modalDropoutNeverDropsEverything() {
        var random = SeededRandom(seed: 1)
        var dropped = 0, total = 0
        for trial in 0..<5000 {
            let present = (0..<6).map { ($0 + trial) % 3 != 0 }
            let kept = ModalDropout.keep(present: present, rate: trial % 2 == 0 ? 0.1 : 0.95, random: &random)
            #expect(kept.contains(true))
            #expect(zip(kept, present).allSatisfy { !$0.0 || $0.1 }, "only present modalities can be kept")
            if trial % 2 == 0 {
                total += present.filter { $0 }.count
                dropped += zip(kept, present).filter { $0.1 && !$0.0 }.count
            }
        }
        let rate = Double(dropped) / Double(total)
        print("modal dropout at 0.1: measured rate \(rate)")
        #expect(abs(rate - 0.1) < 0.01)
        #expect(ModalDropout.keep(present: [true, false], rate: 0, random: &random) == [true, false])
        #expect(ModalDropout.keep(present: [false, true, false], rate: 0.99, random: &random) == [false, true, false])
    }
}
