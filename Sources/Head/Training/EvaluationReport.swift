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

    /// A self-contained HTML page; with `training` (the head's head.json summary), its learning
    /// curves too.
    public static func html(_ m: EvaluationMetrics, taxonomy: Taxonomy, title: String,
                            training: HeadCheckpoint.TrainingSummary? = nil) -> String {
        let n = taxonomy.level1.count
        let cell = max(14, min(36, 520 / max(n, 1)))
        let margin = 150
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(margin + n * cell + 20)\" height=\"\(margin + n * cell + 20)\" font-size=\"11\">"
        for (t, row) in m.level1Confusion.enumerated() {
            let total = max(row.reduce(0, +), 1)
            for (p, count) in row.enumerated() {
                let share = Double(count) / Double(total)
                let shade = Int(255 - 215 * share)
                let color = t == p ? "rgb(\(shade),\(min(255, shade + 40)),\(shade))" : "rgb(255,\(shade),\(shade))"
                svg += "<rect x=\"\(margin + p * cell)\" y=\"\(margin + t * cell)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"\(color)\"><title>\(escape(taxonomy.level1[t].id)) → \(escape(taxonomy.level1[p].id)): \(count) (\(String(format: "%.1f", 100 * share))% of the row)</title></rect>"
                if count > 0 && cell >= 22 {
                    svg += "<text x=\"\(margin + p * cell + cell / 2)\" y=\"\(margin + t * cell + cell / 2 + 4)\" text-anchor=\"middle\">\(count)</text>"
                }
            }
            svg += "<text x=\"\(margin - 6)\" y=\"\(margin + t * cell + cell / 2 + 4)\" text-anchor=\"end\">\(escape(taxonomy.level1[t].name)) (\(escape(taxonomy.level1[t].id)))</text>"
            svg += "<text transform=\"translate(\(margin + t * cell + cell / 2),\(margin - 6)) rotate(-60)\">\(escape(taxonomy.level1[t].name))</text>"
        }
        svg += "<text x=\"\(margin)\" y=\"14\">rows: truth, columns: predicted (shade: share of the row)</text></svg>"

        func bars(_ items: [(String, Double)], max top: Double = 1) -> String {
            let width = 420, rowHeight = 20
            var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width + 260)\" height=\"\(items.count * rowHeight + 10)\" font-size=\"12\">"
            for (i, (label, value)) in items.enumerated() {
                let w = Int(Double(width) * value / max(top, 1e-9))
                s += "<text x=\"150\" y=\"\(i * rowHeight + 15)\" text-anchor=\"end\">\(escape(label))</text>"
                s += "<rect x=\"156\" y=\"\(i * rowHeight + 3)\" width=\"\(w)\" height=\"\(rowHeight - 6)\" fill=\"#4a7bb7\"/>"
                s += "<text x=\"\(160 + w)\" y=\"\(i * rowHeight + 15)\">\(String(format: "%.1f%%", 100 * value))</text>"
            }
            return s + "</svg>"
        }
        let perClass = bars(m.level1Classes.filter { $0.support > 0 }.map { ("\($0.name) (\($0.support))", $0.accuracy) })
        let attention = m.attention.isEmpty ? "<p>(no attention: the head's fusion is not modal attention)</p>"
            : bars(m.attention.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let summary = [
            ("items", "\(m.count)"), ("level-1 accuracy", percent(m.level1Accuracy)),
            ("level-2 accuracy", percent(m.level2Accuracy)), ("consistency", percent(m.consistency)),
            ("level-1 macro-F1", String(format: "%.4f", m.level1MacroF1)),
            ("level-2 macro-F1", String(format: "%.4f", m.level2MacroF1)),
        ].map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined()
        let curves = training?.history.map { history in
            "<h2>Training: learning curves (\(training!.trainCount) items, \(training!.validationCount) validating; kept epoch "
                + "\(training!.bestEpoch) of \(training!.epochsRun))</h2>\n"
                + "<p>Training figures are those of the epoch's minibatches, with modal dropout on. A validation loss "
                + "that rises while the training loss falls is over-fitting.</p>\n" + learningCurves(history, bestEpoch: training!.bestEpoch)
        } ?? ""
        let confused = m.confusedLevel2.map { "<tr><td>\(escape($0.truth))</td><td>\(escape($0.predicted))</td><td>\($0.count)</td></tr>" }.joined()
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}h2{margin-top:1.6em}</style>
            </head><body>
            <h1>\(escape(title))</h1>
            <table>\(summary)</table>
            <h2>Level-1 confusion</h2>
            \(svg)
            <h2>Level-1 accuracy per class (support)</h2>
            \(perClass)
            <h2>Mean attention per modality</h2>
            \(attention)
            <h2>Most confused level-2 pairs</h2>
            <table><tr><th>truth</th><th>predicted</th><th>count</th></tr>\(confused)</table>
            \(curves)
            </body></html>

            """
    }
}
