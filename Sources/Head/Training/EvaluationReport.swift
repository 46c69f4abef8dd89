import Foundation

/// `vidtag eval`'s outputs: a text table, one JSON object, and a self-contained HTML page
/// (inline SVG, nothing fetched) with the level-1 confusion heat map, per-class accuracy, the
/// attention each modality receives and the head's learning curves.
public enum EvaluationReport {
    static func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

    /// A plain-text table.
    public static func table(_ m: EvaluationMetrics, taxonomy: Taxonomy, title: String? = nil) -> String {
        var lines: [String] = []
        if let title { lines.append(title) }
        func row(_ k: String, _ v: String) { lines.append(k.padding(toLength: 22, withPad: " ", startingAt: 0) + v) }
        row("items", "\(m.count)")
        row("level-1 accuracy", percent(m.level1Accuracy))
        row("level-2 accuracy", percent(m.level2Accuracy))
        if let without = m.withoutTextChannel {
            row("without text channel", "level 1 \(percent(without.level1Accuracy)), level 2 \(percent(without.level2Accuracy))"
                + "  (the same head, its n-gram bags emptied)")
        }
        row("consistency", percent(m.consistency) + "  (raw argmaxes of p1 and p2 agree with the tree)")
        row("level-1 macro-F1", String(format: "%.4f", m.level1MacroF1))
        row("level-2 macro-F1", String(format: "%.4f", m.level2MacroF1))
        row("mean loss", String(format: "%.4f", m.loss))
        if !m.attention.isEmpty {
            row("attention", m.attention.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: "  "))
        }
        row("present", m.presence.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: "  "))
        func confused(_ title: String, _ list: [EvaluationMetrics.Confusion]) {
            guard !list.isEmpty else { return }
            lines.append("")
            lines.append(title)
            for c in list { lines.append("  \(c.truth) → \(c.predicted)  \(c.count)") }
        }
        confused("most confused level-1 pairs (truth → predicted, count):", m.confusedLevel1)
        confused("most confused level-2 pairs (truth → predicted, count):", m.confusedLevel2)
        lines.append("")
        // Classes with test items only (a real taxonomy has dozens the test set may not hold),
        // in aligned columns, with the English name beside the taxonomy's own.
        let present = m.level1Classes.filter { $0.support > 0 }
        let idWidth = max(2, present.map(\.id.count).max() ?? 0)
        let english = Dictionary(taxonomy.level1.map { ($0.id, $0.nameEN ?? "") }, uniquingKeysWith: { a, _ in a })
        lines.append("level 1 per class with test items (\(present.count) of \(m.level1Classes.count)):")
        lines.append("  " + "id".padding(toLength: idWidth, withPad: " ", startingAt: 0)
                     + "  support  accuracy  precision      F1  name")
        for c in present {
            let name = [c.name, english[c.id] ?? ""].filter { !$0.isEmpty }.joined(separator: " / ")
            lines.append("  " + c.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
                         + String(format: "  %7d  %7.2f%%  %8.2f%%  %.4f  ", c.support, 100 * c.accuracy, 100 * c.precision, c.f1)
                         + name)
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object (keys sorted); includes `level1_accuracy`, `level2_accuracy`,
    /// `consistency`, `level1_macro_f1`, `level2_macro_f1`, `attention` and `count`.
    public static func json(_ m: EvaluationMetrics) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(m)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Learning curves as one inline SVG: per epoch, the training and validation loss (left)
    /// and level-1 / level-2 accuracies (right), the kept epoch marked.
    static func learningCurves(_ history: [EpochFigures], bestEpoch: Int?) -> String {
        let (width, height, pad) = (380, 220, 40)
        let epochs = max(history.count, 2)
        func x(_ epoch: Int) -> Double { Double(pad) + Double(epoch - 1) / Double(epochs - 1) * Double(width - 2 * pad) }
        func chart(_ title: String, _ series: [(String, String, [Double?])], top: Double, left: Int) -> String {
            func y(_ v: Double) -> Double { Double(height - pad) - v / max(top, 1e-9) * Double(height - 2 * pad) }
            var svg = "<g transform=\"translate(\(left),0)\"><text x=\"\(pad)\" y=\"16\">\(escape(title))</text>"
            svg += "<line x1=\"\(pad)\" y1=\"\(height - pad)\" x2=\"\(width - pad)\" y2=\"\(height - pad)\" stroke=\"#888\"/>"
            svg += "<line x1=\"\(pad)\" y1=\"\(pad)\" x2=\"\(pad)\" y2=\"\(height - pad)\" stroke=\"#888\"/>"
            svg += "<text x=\"\(pad - 4)\" y=\"\(pad + 4)\" text-anchor=\"end\">\(String(format: "%.2g", top))</text>"
            svg += "<text x=\"\(pad - 4)\" y=\"\(height - pad + 4)\" text-anchor=\"end\">0</text>"
            svg += "<text x=\"\(width - pad)\" y=\"\(height - pad + 16)\" text-anchor=\"end\">epoch \(history.count)</text>"
            if let bestEpoch {
                svg += "<line x1=\"\(x(bestEpoch))\" y1=\"\(pad)\" x2=\"\(x(bestEpoch))\" y2=\"\(height - pad)\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"><title>kept: epoch \(bestEpoch)</title></line>"
            }
            for (i, (name, color, values)) in series.enumerated() {
                let points = values.enumerated().compactMap { e, v in v.map { String(format: "%.1f,%.1f", x(e + 1), y($0)) } }
                guard !points.isEmpty else { continue }
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
                svg += "<text x=\"\(width - pad + 4)\" y=\"\(pad + 14 * i)\" fill=\"\(color)\">\(escape(name))</text>"
            }
            return svg + "</g>"
        }
        let losses = history.map(\.trainLoss) + history.compactMap(\.validationLoss)
        let loss = chart("loss", [("train", "#4a7bb7", history.map { $0.trainLoss }),
                                  ("validation", "#d9822b", history.map(\.validationLoss))],
                         top: losses.max() ?? 1, left: 0)
        let accuracy = chart("accuracy", [("train L1", "#9ab8dd", history.map { $0.trainLevel1 }),
                                          ("train L2", "#4a7bb7", history.map { $0.trainLevel2 }),
                                          ("validation L1", "#f0b27a", history.map(\.validationLevel1)),
                                          ("validation L2", "#d9822b", history.map(\.validationLevel2))],
                             top: 1, left: width + 80)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(2 * width + 180)\" height=\"\(height)\" font-size=\"11\">\(loss)\(accuracy)</svg>"
    }

    /// A test item whose level 2 the head got wrong: its truth and the head's best pairs.
    public struct Miss: Sendable {
        public var id: String
        public var truth1: Int
        public var truth2: Int
        public var prediction: HierarchicalPrediction

        public init(id: String, truth1: Int, truth2: Int, prediction: HierarchicalPrediction) {
            (self.id, self.truth1, self.truth2, self.prediction) = (id, truth1, truth2, prediction)
        }
    }

    /// At most this many misclassified items are listed (the page stays light on big test sets).
    static let missesShown = 300

    /// CJK names need a CJK font; the first one installed is used (Linux, macOS, Windows).
    static let fonts = "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",sans-serif"

    /// "服饰 · Apparel" with the id beside it, for tables.
    static func label(_ c: Taxonomy.Category) -> String {
        escape(c.name) + (c.nameEN.map { " · " + escape($0) } ?? "") + " <code>\(escape(c.id))</code>"
    }

    /// A self-contained HTML page at any taxonomy size: only classes with test items (or
    /// predictions) appear; names in the taxonomy's language and English with their ids.
    /// With `training` (head.json's summary), the learning curves too; with `misses`, the
    /// misclassified items with their top-3 pairs.
    public static func html(_ m: EvaluationMetrics, taxonomy: Taxonomy, title: String,
                            training: HeadCheckpoint.TrainingSummary? = nil, misses: [Miss] = []) -> String {
        let svg = confusionSVG(m, taxonomy)
        let (level1Table, level2Table) = classTables(m, taxonomy)
        let attention = m.attention.isEmpty ? "<p>(no attention: the head's fusion is not modal attention)</p>"
            : "<table>" + m.attention.sorted { $0.key < $1.key }.map { "<tr><td>\(escape($0.key))</td>\(bar($0.value))</tr>" }.joined() + "</table>"
        let without = m.withoutTextChannel.map { without in
            [("without the text channel", "level 1 \(percent(without.level1Accuracy)), level 2 \(percent(without.level2Accuracy))")]
        } ?? []
        let rows: [(String, String)] = [
            ("items", "\(m.count)"), ("level-1 accuracy", percent(m.level1Accuracy)),
            ("level-2 accuracy", percent(m.level2Accuracy)),
        ] + without + [
            ("consistency", percent(m.consistency)),
            ("level-1 macro-F1", String(format: "%.4f", m.level1MacroF1)),
            ("level-2 macro-F1", String(format: "%.4f", m.level2MacroF1)),
        ]
        let summary = rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined()
        let curves = training?.history.map { history in
            "<h2>Training: learning curves (\(training!.trainCount) items, \(training!.validationCount) validating; kept epoch "
                + "\(training!.bestEpoch) of \(training!.epochsRun))</h2>\n"
                + "<p>Training figures are those of the epoch's minibatches, with modal dropout on. A validation loss "
                + "that rises while the training loss falls is over-fitting.</p>\n" + learningCurves(history, bestEpoch: training!.bestEpoch)
        } ?? ""
        let missesSection = missesHTML(misses, taxonomy)
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body,svg{font-family:\(fonts)}body{margin:2em;color:#222}table{border-collapse:collapse}\
            th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}h2{margin-top:1.6em}\
            td.n{text-align:right;font-variant-numeric:tabular-nums}td.bar div{display:inline-block;height:10px;background:#4a7bb7;margin-right:6px}\
            tr.group th{background:#f2f2f2}td.child{padding-left:2em}code{color:#666;font-size:90%}td.id{white-space:nowrap}ol{margin:0;padding-left:1.4em}</style>
            </head><body>
            <h1>\(escape(title))</h1>
            <p>Taxonomy <b>\(escape(taxonomy.name))</b>: \(taxonomy.level1.count) level-1 and \(taxonomy.level2.count) level-2 classes; \
            below, only those with test items.</p>
            <table>\(summary)</table>
            <h2>Level-1 confusion</h2>
            \(svg)
            <h2>Level 1 per class</h2>
            \(level1Table)
            <h2>Level 2 per class, under each level-1 class</h2>
            \(level2Table)
            <h2>Mean attention per modality</h2>
            \(attention)
            <h2>Misclassified items</h2>
            \(missesSection)
            \(curves)
            </body></html>

            """
    }

    /// The level-1 confusion as an SVG, over the classes with test items or predictions.
    static func confusionSVG(_ m: EvaluationMetrics, _ taxonomy: Taxonomy) -> String {
        let shown = taxonomy.level1.indices.filter { i in
            m.level1Confusion[i].reduce(0, +) > 0 || m.level1Confusion.contains { $0[i] > 0 }
        }
        let n = shown.count
        let cell = max(14, min(36, 640 / max(n, 1)))
        let margin = 220
        // The column labels lean right, past the last column.
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(margin + n * cell + 140)\" height=\"\(margin + n * cell + 20)\" font-size=\"11\">"
        for (row, t) in shown.enumerated() {
            let total = max(m.level1Confusion[t].reduce(0, +), 1)
            for (column, p) in shown.enumerated() {
                let count = m.level1Confusion[t][p]
                let share = Double(count) / Double(total)
                let shade = Int(255 - 215 * share)
                let color = t == p ? "rgb(\(shade),\(min(255, shade + 40)),\(shade))" : "rgb(255,\(shade),\(shade))"
                svg += "<rect x=\"\(margin + column * cell)\" y=\"\(margin + row * cell)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(color)\"><title>\(escape(taxonomy.level1[t].id)) → \(escape(taxonomy.level1[p].id)): \(count) (\(String(format: "%.1f", 100 * share))% of the row)</title></rect>"
                if count > 0 && cell >= 22 {
                    svg += "<text x=\"\(margin + column * cell + cell / 2)\" y=\"\(margin + row * cell + cell / 2 + 4)\" text-anchor=\"middle\">\(count)</text>"
                }
            }
            let c = taxonomy.level1[t]
            let english = c.nameEN.map { " · " + escape($0) } ?? ""
            svg += "<text x=\"\(margin - 6)\" y=\"\(margin + row * cell + cell / 2 + 4)\" text-anchor=\"end\">\(escape(c.name))\(english)</text>"
            svg += "<text transform=\"translate(\(margin + row * cell + cell / 2),\(margin - 6)) rotate(-60)\">\(escape(c.name))\(english)</text>"
        }
        svg += "<text x=\"4\" y=\"14\">rows: truth, columns: predicted (shade: share of the row); \(n) of \(taxonomy.level1.count) level-1 classes</text></svg>"

        return svg
    }

    /// A bar of `value` (0…1) with its percentage, as a table cell.
    static func bar(_ value: Double) -> String {
        "<td class=\"bar\"><div style=\"width:\(Int(200 * value))px\"></div>\(String(format: "%.1f%%", 100 * value))</td>"
    }

    /// The per-class tables: level 1, and level 2 grouped under each parent in taxonomy order.
    static func classTables(_ m: EvaluationMetrics, _ taxonomy: Taxonomy) -> (level1: String, level2: String) {
        let header = "<table><tr><th>class</th><th>test items</th><th>accuracy (recall)</th><th>precision</th><th>F1</th></tr>"
        func row(_ category: Taxonomy.Category?, _ score: EvaluationMetrics.ClassScore, nameClass: String = "") -> String {
            "<tr><td\(nameClass)>\(category.map(label) ?? escape(score.id))</td><td class=\"n\">\(score.support)</td>\(bar(score.accuracy))"
                + "<td class=\"n\">\(String(format: "%.3f", score.precision))</td><td class=\"n\">\(String(format: "%.3f", score.f1))</td></tr>"
        }
        let level1Table = header + m.level1Classes.filter { $0.support > 0 }
            .map { row(taxonomy.level1Index(of: $0.id).map { taxonomy.level1[$0] }, $0) }.joined() + "</table>"
        // Level 2 grouped under each parent, in taxonomy order (level2Classes holds classes with test items).
        let byParent = Dictionary(grouping: m.level2Classes) { taxonomy.level2Index(of: $0.id).map { taxonomy.parents[$0] } ?? -1 }
        let level2Table = header + taxonomy.level1.indices.compactMap { i -> String? in
            guard let children = byParent[i] else { return nil }
            return "<tr class=\"group\"><th colspan=\"5\">\(label(taxonomy.level1[i]))</th></tr>"
                + children.map { row(taxonomy.level2Index(of: $0.id).map { taxonomy.level2[$0] }, $0, nameClass: " class=\"child\"") }.joined()
        }.joined() + "</table>"

        return (level1Table, level2Table)
    }

    /// The misclassified items with their top-3 pairs (the first `missesShown`).
    static func missesHTML(_ misses: [Miss], _ taxonomy: Taxonomy) -> String {
        func pair(_ i: Int, _ j: Int) -> String { label(taxonomy.level1[i]) + " / " + label(taxonomy.level2[j]) }
        let missRows = misses.prefix(missesShown).map { miss in
            let guesses = miss.prediction.top.prefix(3).map { "<li>\(pair($0.level1, $0.level2)) <span class=\"n\">\(String(format: "%.3f", $0.score))</span></li>" }
            let unknown = miss.prediction.level1Withheld ? "<p><em>withheld (unknown)</em></p>" : miss.prediction.level2 == nil ? "<p><em>level 2 withheld</em></p>" : ""
            return "<tr><td class=\"id\"><code>\(escape(miss.id))</code></td><td>\(pair(miss.truth1, miss.truth2))</td><td>\(unknown)<ol>\(guesses.joined())</ol></td></tr>"
        }.joined()
        return misses.isEmpty ? "<p>None: every level-2 prediction is right.</p>"
            : "<p>\(misses.count) items\(misses.count > missesShown ? ", the first \(missesShown) shown" : ""); top-3 pairs by joint score.</p>"
                + "<table><tr><th>item</th><th>truth</th><th>predicted (top 3)</th></tr>\(missRows)</table>"
    }
}
