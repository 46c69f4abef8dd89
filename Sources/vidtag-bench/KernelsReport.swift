import Foundation

/// The text tables of `vidtag-bench kernels`: GEMM and Linear cases, convolutions, the
/// im2col breakdown, and a summary by convolution kind against the run's peak, with
/// PyTorch's numbers from its own run beside ours when given.
struct KernelsReport {
    /// The cases that ran, in table order.
    let cases: [KernelCase]
    let ours: BenchReport
    let torch: BenchReport?
    /// The fraction of the peak im2col 3×3 convolution should reach.
    let target: Double

    func render() -> String {
        var sections = [header(), products(), convolutions()]
        if let breakdown = ours.breakdown, !breakdown.isEmpty { sections.append(breakdownTable(breakdown)) }
        sections.append(summary())
        return sections.joined(separator: "\n\n") + "\n"
    }

    private var peak: Double { ours.peakGFLOPS ?? .nan }

    private func header() -> String {
        var lines = [
            "vidtag kernels: \(ours.backend)",
            "threads \(ours.threads), \(ours.warmup) warm-up + \(ours.repeats) timed runs per case; "
                + "GFLOPS at the best run; % peak = GFLOPS / best GFLOPS of \(ours.peakCase) in this run "
                + "(timed at the start and again at the end); others = cores' worth of CPU that other "
                + "processes used during the timed runs (above ~0.1: disturbed numbers)",
            "peak: \(gflops(peak)) GFLOPS (\(ours.peakCase), median run "
                + "\(gflops(ours.results[ours.peakCase].map { $0.flops / $0.medianSeconds * 1e-9 })))",
        ]
        if let torch {
            lines.append("torch: \(torch.backend), threads \(torch.threads), \(torch.warmup) warm-up + "
                + "\(torch.repeats) timed runs; its peak: \(gflops(torch.peakGFLOPS)) GFLOPS; "
                + "vidtag/torch = our GFLOPS ÷ torch's (below 1: torch is faster)")
        } else {
            lines.append("torch: no results given (--torch FILE)")
        }
        return lines.joined(separator: "\n")
    }

    private func products() -> String {
        var table = TextTable(["GEMM / Linear", "m×n×k", "GFLOP", "best ms", "median ms", "GFLOPS", "% peak",
                               "others", "torch ms", "torch GFLOPS", "vidtag/torch"])
        for benchCase in cases where benchCase.kind != .conv {
            guard let result = ours.results[benchCase.name] else { continue }
            table.add([benchCase.kind == .linear ? benchCase.name + " (+bias)" : benchCase.name,
                       benchCase.shapeDescription, number(benchCase.flops * 1e-9, 2)]
                      + timingColumns(result) + torchColumns(benchCase.name, result))
        }
        return table.render()
    }

    private func convolutions() -> String {
        var table = TextTable(["Conv2D (+bias, ReLU)", "NHWC in→Cout kernel", "path", "GFLOP", "best ms",
                               "median ms", "GFLOPS", "% peak", "others", "% own GEMM", "torch ms", "torch GFLOPS",
                               "vidtag/torch"])
        for benchCase in cases where benchCase.kind == .conv {
            guard let result = ours.results[benchCase.name], let conv = benchCase.conv else { continue }
            let ownGEMM = ours.results[gemmName(of: benchCase)].map { percent(result.gflops / $0.gflops) } ?? "—"
            table.add([benchCase.name, benchCase.shapeDescription, conv.path,
                       number(benchCase.flops * 1e-9, 2)]
                      + timingColumns(result) + [ownGEMM] + torchColumns(benchCase.name, result))
        }
        return table.render()
    }

    private func breakdownTable(_ breakdown: [String: ConvBreakdown]) -> String {
        var table = TextTable(["im2col breakdown", "tiles×rows", "conv ms", "im2col ms", "GEMM ms", "alloc ms",
                               "rest ms", "im2col %", "GEMM %", "alloc %", "tiled GEMM GFLOPS", "% peak",
                               "one-GEMM GFLOPS"])
        for benchCase in cases {
            guard let parts = breakdown[benchCase.name], let result = ours.results[benchCase.name] else { continue }
            let conv = result.bestSeconds
            let (copy, multiply, allocation) = (parts.im2col.best, parts.tiledGEMM.best, parts.allocation.best)
            let tiledGFLOPS = benchCase.flops / multiply * 1e-9
            table.add([benchCase.name, "\(parts.tiles)×\(parts.rowsPerTile)", ms(conv), ms(copy), ms(multiply),
                       ms(allocation), ms(conv - copy - multiply - allocation), percent(copy / conv),
                       percent(multiply / conv), percent(allocation / conv), gflops(tiledGFLOPS),
                       percent(tiledGFLOPS / peak), gflops(ours.results[gemmName(of: benchCase)]?.gflops)])
        }
        return table.render() + "\n"
            + "(each part timed alone over one call's tiles, best run, as shares of the conv's best run; alloc = "
            + "the zero-filled output and scratch arrays Conv2D creates per call; rest = conv − the three parts: "
            + "bias+ReLU, thread hand-offs, noise)"
    }

    /// Convolutions grouped by kind: flop-weighted GFLOPS (total flops ÷ total best time).
    private func summary() -> String {
        let groups: [(String, (ConvShape) -> Bool)] = [
            ("3×3 stride-1 conv (winograd, direct, im2col)", { $0.kernel == [3, 3] && $0.stride == [1, 1] }),
            ("im2col 3×3 stride-2 conv", { $0.kernel == [3, 3] && $0.stride == [2, 2] }),
            ("im2col 1×n / n×1 conv", { $0.kernel.contains(1) && $0.kernel != [1, 1] }),
            ("im2col 5×5 conv", { $0.kernel == [5, 5] }),
            ("1×1 fast path conv", { $0.isPointwise }),
        ]
        var table = TextTable(["summary", "cases", "GFLOPS", "% peak", "worst case", "torch GFLOPS",
                               "torch % of its peak"])
        var headline: [String] = []
        for (title, member) in groups {
            let members = cases.filter { $0.conv.map(member) ?? false }
            guard let ours = aggregate(members, in: ours) else { continue }
            let worst = members.compactMap { c in self.ours.results[c.name].map { (c.name, $0.gflops) } }
                .min { $0.1 < $1.1 }!
            let theirs = torch.flatMap { aggregate(members, in: $0) }
            table.add([title, "\(members.count)", gflops(ours), percent(ours / peak),
                       "\(worst.0) \(percent(worst.1 / peak))", gflops(theirs),
                       percent(theirs.flatMap { t in torch?.peakGFLOPS.map { t / $0 } })])
            if title.hasPrefix("3×3 stride-1") {
                let verdict = ours / peak >= target ? "meets" : "BELOW"
                headline.append("3×3 stride-1 conv: \(gflops(ours)) GFLOPS = \(percent(ours / peak)) of peak "
                    + "(\(gflops(peak)) GFLOPS) — \(verdict) the \(percent(target)) target"
                    + " (worst case \(worst.0): \(percent(worst.1 / peak)))")
            }
        }
        let products = cases.filter { $0.kind != .conv && $0.name != ours.peakCase }
        if let all = aggregate(products, in: ours) {
            table.add(["network GEMM / Linear shapes", "\(products.count)", gflops(all), percent(all / peak), "",
                       gflops(torch.flatMap { aggregate(products, in: $0) }), ""])
        }
        return ([table.render()] + headline).joined(separator: "\n")
    }

    // MARK: - Helpers

    /// Total flops ÷ total best time of the cases that have results.
    private func aggregate(_ members: [KernelCase], in report: BenchReport) -> Double? {
        let results = members.compactMap { report.results[$0.name] }
        guard !results.isEmpty else { return nil }
        return results.map(\.flops).reduce(0, +) / results.map(\.bestSeconds).reduce(0, +) * 1e-9
    }

    private func gemmName(of benchCase: KernelCase) -> String {
        benchCase.name.replacingOccurrences(of: ".conv.", with: ".gemm.")
    }

    private func timingColumns(_ result: CaseResult) -> [String] {
        [ms(result.bestSeconds), ms(result.medianSeconds), gflops(result.gflops), percent(result.gflops / peak),
         result.otherCores.map { number($0, 2) } ?? "—"]
    }

    private func torchColumns(_ name: String, _ result: CaseResult) -> [String] {
        guard let theirs = torch?.results[name] else { return ["—", "—", "—"] }
        return [ms(theirs.bestSeconds), gflops(theirs.gflops), number(result.gflops / theirs.gflops, 2) + "×"]
    }

    private func ms(_ seconds: Double) -> String { number(seconds * 1e3, seconds < 0.01 ? 3 : 1) }
    private func gflops(_ value: Double?) -> String { value.map { number($0, 1) } ?? "—" }
    private func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "—" }
        return number(fraction * 100, 0) + "%"
    }
    private func number(_ value: Double, _ decimals: Int) -> String {
        value.isFinite ? String(format: "%.\(decimals)f", value) : "—"
    }
}

/// A plain-text table: the first column left-aligned, the others right-aligned.
struct TextTable {
    private let header: [String]
    private var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) {
        precondition(row.count == header.count, "TextTable: row has \(row.count) cells, header \(header.count)")
        rows.append(row)
    }

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let fill = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + fill : fill + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
