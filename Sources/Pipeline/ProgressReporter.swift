import Foundation

/// Progress of a run on standard error: a live line on a terminal (done/total, items per
/// second, ETA, failures), plain lines every `interval` seconds otherwise, and a final summary
/// as one JSON line.
public final class ProgressReporter: @unchecked Sendable {
    let total: Int?
    let label: String
    let interactive: Bool
    let interval: Double
    /// Only the final summary is printed.
    let quiet: Bool
    private var lastReport = 0.0

    /// `total`: the number of inputs when known in advance (not for streamed standard input).
    public init(total: Int?, label: String = "videos", interval: Double = 10, quiet: Bool = false) {
        (self.total, self.label, self.interval, self.quiet) = (total, label, interval, quiet)
        interactive = !quiet && isatty(STDERR_FILENO) != 0
    }

    func update(_ summary: BatchRunner.Summary) {
        guard !quiet, interactive || summary.seconds - lastReport >= interval else { return }
        lastReport = summary.seconds
        let rate = summary.seconds > 0 ? Double(summary.processed) / summary.seconds : 0
        var text = "\(summary.processed)"
        if let total { text += "/\(total)" }
        text += String(format: " %@, %.2f/s", label, rate)
        if let total, rate > 0 {
            let remaining = Double(max(0, total - summary.processed - summary.skippedDone)) / rate
            text += String(format: ", ETA %@", Self.duration(remaining))
        }
        text += ", \(summary.failed) failed"
        if summary.quarantined > 0 { text += ", \(summary.quarantined) quarantined" }
        write(interactive ? "\r\u{1B}[K" + text : text + "\n")
    }

    func finish(_ summary: BatchRunner.Summary) {
        if interactive { write("\r\u{1B}[K") }
        write(JSONText.encode(["summary": summary]) + "\n")
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
