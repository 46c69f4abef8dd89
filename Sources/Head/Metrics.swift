/// What evaluation reports (the `vidtag eval` table and JSON).
public struct EvaluationMetrics: Sendable, Codable, Equatable {
    public struct Confusion: Sendable, Codable, Equatable {
        public var truth: String
        public var predicted: String
        public var count: Int
    }

    public struct ClassScore: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var support: Int
        public var accuracy: Double
        public var precision: Double
        public var f1: Double
    }

    /// Labelled items evaluated.
    public var count: Int
    public var level1Accuracy: Double
    /// A null level 2 (below the threshold) counts as wrong.
    public var level2Accuracy: Double
    /// Share of items whose raw argmaxes (of p1 and p2 separately) agree with the tree; the
    /// decoded prediction always does. (For the flat classifier p1 is p2 summed over each
    /// parent's children, whose argmax can still differ from the parent of p2's argmax.)
    public var consistency: Double
    /// Unweighted mean F1 over the classes present in the truth or the predictions.
    public var level1MacroF1: Double
    public var level2MacroF1: Double
    /// Modality → mean attention weight over items (absent modalities count 0); empty unless
    /// the fusion is attention.
    public var attention: [String: Double]
    /// Modality → share of items where it was present (after any simulated dropping).
    public var presence: [String: Double]
    /// Mean loss terms over the items.
    public var loss: Double
    public var level1Classes: [ClassScore]
    /// Level-2 scores of the classes with test items, in taxonomy order.
    public var level2Classes: [ClassScore]
    /// The level-1 confusion matrix [truth][predicted], in taxonomy order.
    public var level1Confusion: [[Int]]
    /// The most frequent errors, most frequent first.
    public var confusedLevel1: [Confusion]
    public var confusedLevel2: [Confusion]
    /// For a head with the text channel: its accuracies on the same items with the channel's
    /// bags emptied (what the channel adds); nil otherwise.
    public var withoutTextChannel: Accuracies?

    public struct Accuracies: Sendable, Codable, Equatable {
        public var level1Accuracy: Double
        public var level2Accuracy: Double
        public init(level1Accuracy: Double, level2Accuracy: Double) {
            (self.level1Accuracy, self.level2Accuracy) = (level1Accuracy, level2Accuracy)
        }
        enum CodingKeys: String, CodingKey {
            case level1Accuracy = "level1_accuracy", level2Accuracy = "level2_accuracy"
        }
    }

    enum CodingKeys: String, CodingKey {
        case count, consistency, attention, presence, loss
        case level1Accuracy = "level1_accuracy", level2Accuracy = "level2_accuracy"
        case level1MacroF1 = "level1_macro_f1", level2MacroF1 = "level2_macro_f1"
        case level1Classes = "level1_classes", level2Classes = "level2_classes", level1Confusion = "level1_confusion"
        case confusedLevel1 = "confused_level1", confusedLevel2 = "confused_level2"
        case withoutTextChannel = "without_text_channel"
    }

    /// Computes the metrics from truths and predictions.
    public static func compute(
        truth1: [Int], truth2: [Int], predictions: [HierarchicalPrediction], taxonomy: Taxonomy,
        attention: [String: Double], presence: [String: Double], loss: Double, confusedCount: Int = 10
    ) -> EvaluationMetrics {
        let n = predictions.count
        let c1 = taxonomy.level1.count, c2 = taxonomy.level2.count
        var right1 = 0, right2 = 0, consistent = 0
        var matrix1 = [[Int]](repeating: [Int](repeating: 0, count: c1), count: c1)
        var support1 = [Int](repeating: 0, count: c1)
        var pairs2: [Int: Int] = [:]  // truth·c2 + predicted → count (level-2 errors)
        var tp2 = [Int](repeating: 0, count: c2), support2 = [Int](repeating: 0, count: c2), predicted2 = [Int](repeating: 0, count: c2)
        for (r, p) in predictions.enumerated() {
            if p.level1 == truth1[r] && !p.level1Withheld { right1 += 1 }
            if p.level2 == truth2[r] { right2 += 1 }
            if p.rawConsistent { consistent += 1 }
            support1[truth1[r]] += 1
            // A withheld level 1 (unknown) is wrong, and in no column of the confusion matrix.
            if !p.level1Withheld { matrix1[truth1[r]][p.level1] += 1 }
            support2[truth2[r]] += 1
            if let l2 = p.level2 {
                predicted2[l2] += 1
                if l2 == truth2[r] { tp2[l2] += 1 } else { pairs2[truth2[r] * c2 + l2, default: 0] += 1 }
            }
        }
        let predicted1 = (0..<c1).map { i in matrix1.reduce(0) { $0 + $1[i] } }
        let tp1 = (0..<c1).map { matrix1[$0][$0] }
        func f1(_ tp: Int, _ support: Int, _ predicted: Int) -> Double {
            support + predicted == 0 ? 0 : 2 * Double(tp) / Double(support + predicted)
        }
        func macro(_ tp: [Int], _ support: [Int], _ predicted: [Int]) -> Double {
            let classes = tp.indices.filter { support[$0] + predicted[$0] > 0 }
            guard !classes.isEmpty else { return 0 }
            return classes.reduce(0) { $0 + f1(tp[$1], support[$1], predicted[$1]) } / Double(classes.count)
        }
        var confused1: [Confusion] = []
        for t in 0..<c1 { for q in 0..<c1 where t != q && matrix1[t][q] > 0 {
            confused1.append(Confusion(truth: taxonomy.level1[t].id, predicted: taxonomy.level1[q].id, count: matrix1[t][q]))
        } }
        var confused2 = pairs2.map { key, count in
            Confusion(truth: taxonomy.level2[key / c2].id, predicted: taxonomy.level2[key % c2].id, count: count)
        }
        let order: (Confusion, Confusion) -> Bool = { a, b in
            a.count != b.count ? a.count > b.count : (a.truth, a.predicted) < (b.truth, b.predicted)
        }
        confused1.sort(by: order)
        confused2.sort(by: order)
        func scores(_ classes: [Taxonomy.Category], _ tp: [Int], _ support: [Int], _ predicted: [Int]) -> [ClassScore] {
            classes.indices.map { i in
                ClassScore(id: classes[i].id, name: classes[i].name, support: support[i],
                           accuracy: support[i] == 0 ? 0 : Double(tp[i]) / Double(support[i]),
                           precision: predicted[i] == 0 ? 0 : Double(tp[i]) / Double(predicted[i]),
                           f1: f1(tp[i], support[i], predicted[i]))
            }
        }
        let safe = Double(max(n, 1))
        return EvaluationMetrics(
            count: n, level1Accuracy: Double(right1) / safe, level2Accuracy: Double(right2) / safe,
            consistency: Double(consistent) / safe,
            level1MacroF1: macro(tp1, support1, predicted1), level2MacroF1: macro(tp2, support2, predicted2),
            attention: attention, presence: presence, loss: loss,
            level1Classes: scores(taxonomy.level1, tp1, support1, predicted1),
            level2Classes: scores(taxonomy.level2, tp2, support2, predicted2).filter { $0.support > 0 },
            level1Confusion: matrix1,
            confusedLevel1: Array(confused1.prefix(confusedCount)), confusedLevel2: Array(confused2.prefix(confusedCount)))
    }
}
