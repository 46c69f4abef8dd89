import Foundation
import Weights

/// What a run says on standard error while it works:
/// - a live progress line (done/total, items per second, ETA, failures), redrawn in place, when
///   standard error is a terminal that takes escape codes (not `TERM=dumb`, no `NO_COLOR`) and
///   standard output is not a pipe (whose reader may be writing to the same terminal); it is
///   erased before each record written to a terminal standard output, so no record line ever
///   holds progress text;
/// - otherwise a plain progress line every `interval` seconds;
/// - one line per failed input (`vidtag: INPUT: CODE: MESSAGE`), even when quiet;
/// - the final summary as one JSON line, unless quiet.
public final class ProgressReporter: @unchecked Sendable {
    public enum Style: Sendable, Equatable {
        case live
        case lines
        /// Failed inputs only.
        case quiet
    }

    let total: Int?
    let noun: Noun
    let style: Style
    let interval: Double
    /// Standard output is the terminal the live line is drawn on.
    let recordsOnTerminal: Bool
    private var lastReport = 0.0
    private var lineShown = false

    /// The thing counted, in both numbers ("video", "videos").
    public struct Noun: Sendable {
        public let one: String
        public let many: String
        public init(_ one: String, _ many: String) { (self.one, self.many) = (one, many) }
        public func count(_ n: Int) -> String { "\(n) \(n == 1 ? one : many)" }
    }

    /// `total`: the number of inputs when known in advance (not for streamed standard input).
    public init(total: Int?, noun: Noun, quiet: Bool = false, interval: Double = 10,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        (self.total, self.noun, self.interval) = (total, noun, interval)
        style = quiet ? .quiet : Self.style(environment: environment)
        recordsOnTerminal = isatty(STDOUT_FILENO) != 0
    }

    /// The style for this process's standard streams and `environment` (when not quiet).
    static func style(environment: [String: String]) -> Style {
        guard isatty(STDERR_FILENO) != 0, environment["TERM"] != "dumb", environment["NO_COLOR"] == nil else {
            return .lines
        }
        var info = stat()
        let outputIsPipe = fstat(STDOUT_FILENO, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
        return outputIsPipe ? .lines : .live
    }

    /// Called just before a record goes to standard output.
    func willWriteRecord() {
        if lineShown && recordsOnTerminal { erase() }
    }

    /// Says that the input `input` failed, on its own line.
    func failed(input: String, detail: ErrorLine.Detail) { say("vidtag: \(input): \(detail.code): \(detail.message)") }

    func update(_ summary: BatchRunner.Summary) {
        guard style == .live || (style == .lines && summary.seconds - lastReport >= interval) else { return }
        lastReport = summary.seconds
        let text = Self.line(summary, total: total, noun: noun)
        if style == .live {
            write("\r\u{1B}[K" + text)
            lineShown = true
        } else {
            write(text + "\n")
        }
    }

    /// "3/12 videos, 0.38/s, ETA 24s, 1 failed".
    static func line(_ summary: BatchRunner.Summary, total: Int?, noun: Noun) -> String {
        let rate = summary.seconds > 0 ? Double(summary.processed) / summary.seconds : 0
        var text = total.map { "\(summary.processed)/\(noun.count($0))" } ?? noun.count(summary.processed)
        text += String(format: ", %.2f/s", rate)
        if let total, rate > 0 {
            let remaining = Double(max(0, total - summary.processed - summary.skippedDone)) / rate
            text += ", ETA " + duration(remaining)
        }
        text += ", \(summary.failed) failed"
        if summary.quarantined > 0 { text += ", \(summary.quarantined) quarantined" }
        return text
    }

    /// Erases the live line; prints the summary JSON line unless quiet (or nil: a run that
    /// stops on a fatal error, said by the caller).
    func finish(_ summary: BatchRunner.Summary?) {
        if lineShown { erase() }
        if let summary, style != .quiet { write(JSONText.encode(["summary": summary]) + "\n") }
    }

    /// Writes a line of its own on standard error (erasing the live line first).
    public func say(_ text: String) {
        if lineShown { erase() }
        write(text + "\n")
    }

    private func erase() {
        write("\r\u{1B}[K")
        lineShown = false
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(STDERR_FILENO, $0.baseAddress!, $0.count) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
