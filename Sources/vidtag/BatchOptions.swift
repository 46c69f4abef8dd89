import ArgumentParser
import Batch
import Foundation
import Media
import Pipeline
import Weights

/// Inputs and batch behaviour shared by `extract` and `classify`.
struct BatchOptions: ParsableArguments {
    @Argument(help: "Files or directories (walked recursively, sorted; sidecar <stem>.json and cover <stem>.jpg|png|webp picked up), or - to read JSON records or paths from standard input as they arrive.")
    var inputs: [String] = []

    @Option(help: "A manifest: JSON lines {\"id\", \"video\", \"cover\", \"title\", \"summary\", \"products\"}; relative paths resolve against its folder.")
    var manifest: [String] = []

    @Flag(help: "Continue an interrupted run: skip inputs already done (a torn last line is repaired).")
    var resume = false

    @Option(help: "Process only shard I of N (0-based), split by a stable hash of the id, e.g. --shard 2/8.")
    var shard: String?

    @Option(help: "Stop after this many failed inputs (exit status 2).")
    var maxFailures: Int?

    @Option(help: "The quarantine file: inputs that failed for good, skipped by later runs (default: beside the output).")
    var quarantine: String?

    @Flag(help: "Try inputs in the quarantine again.")
    var retryFailed = false

    @Option(help: "Seconds allowed for decoding one input.")
    var timeLimit: Double = 120

    @Flag(help: "Print nothing on standard error but one line per failed input and fatal errors (for cron).")
    var quiet = false

    @Option(help: "Also write the final summary, one JSON object, to this file (even with --quiet).")
    var summary: String?

    var specs: [InputSource.Spec] {
        manifest.map { .manifest($0) } + inputs.map { input in
            input == "-" ? .standardInput : Self.undecodableArguments.contains(input) ? .undecodablePath(input) : .path(input)
        }
    }

    /// The command-line arguments whose bytes are not UTF-8, as Swift shows them (U+FFFD for
    /// each bad byte): such a path cannot be opened by its shown name.
    static let undecodableArguments: Set<String> = Set((0..<Int(CommandLine.argc)).compactMap { index in
        guard let argument = CommandLine.unsafeArgv[index] else { return nil }
        let bytes = UnsafeRawBufferPointer(start: argument, count: strlen(argument)).bindMemory(to: UInt8.self)
        return String(validating: bytes, as: UTF8.self) == nil ? String(decoding: bytes, as: UTF8.self) : nil
    })

    var limits: MediaLimits { MediaLimits(secondsPerFile: timeLimit) }

    var hasInputs: Bool { !(inputs.isEmpty && manifest.isEmpty) }

    /// The inputs as given, for messages: "dump/, list.jsonl".
    var describedInputs: String {
        (manifest + inputs.map { $0 == "-" ? "standard input" : $0 }).joined(separator: ", ")
    }

    /// For commands that need inputs (`classify --features` reads a folder instead).
    func requireInputs() throws {
        if !hasInputs { throw ValidationError("no inputs: give files, directories, --manifest FILE or -") }
    }

    func validate() throws {
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (standard input) may be given once") }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard takes I/N with 0 ≤ I < N, got '\(shard)'") }
        if let maxFailures, maxFailures < 1 { throw ValidationError("--max-failures must be at least 1") }
        if !(timeLimit > 0 && timeLimit <= 86_400) {
            throw ValidationError("--time-limit is in seconds, above 0 and at most 86400 (a day), got \(timeLimit)")
        }
    }

    /// Runner options; `defaultQuarantine` is used when none is given.
    func runnerOptions(defaultQuarantine: String?) -> BatchRunner.Options {
        var options = BatchRunner.Options()
        options.shard = shard.flatMap(Shard.init)
        options.maxFailures = maxFailures
        options.retryFailed = retryFailed
        options.quarantine = (quarantine ?? defaultQuarantine).map { Quarantine(path: $0) }
        return options
    }

    /// Progress on standard error; `total` is the input count when it can be known in advance.
    func progress(noun: ProgressReporter.Noun, total: @autoclosure () -> Int?) -> ProgressReporter {
        quiet ? ProgressReporter(total: nil, noun: noun, quiet: true) : ProgressReporter(total: total(), noun: noun)
    }

    /// The inputs given as arguments, and their count unless they stream from standard input.
    var source: (inputs: InputSource, count: () -> Int?) {
        let specs = specs
        return (InputSource(specs), { specs.contains(.standardInput) ? nil : Array(InputSource(specs)).count })
    }
}

/// Runs a batch job, stopping cleanly on SIGINT/SIGTERM, and turns the summary into the exit
/// status: 0 all done, 2 some inputs failed, 3 no inputs found, 130 after SIGINT, 143 after
/// SIGTERM.
enum BatchExecution {
    /// Runs `job` over `inputs` (default: the arguments' inputs), with `total` for the progress line.
    static func run<Job: BatchJob, Inputs: Sequence & Sendable>(
        _ job: Job, inputs: Inputs, total: @autoclosure () -> Int?, batch: BatchOptions, journal: OutputJournal,
        defaultQuarantine: String?, noun: ProgressReporter.Noun
    ) throws where Inputs.Element == InputSource.Element {
        do {
            try InputSource.checkReadable(batch.specs)
        } catch {
            throw CommandFailure(error)
        }
        let options = batch.runnerOptions(defaultQuarantine: defaultQuarantine)
        let progress = batch.progress(noun: noun, total: total())
        let runner = BatchRunner(journal: journal, options: options, progress: progress)
        if journal.repairedBytes > 0, let path = journal.path, !batch.quiet {
            progress.say("vidtag: \(path): cut a torn last line (\(journal.repairedBytes) bytes) left by an interrupted run; its input runs again")
        }
        if !journal.unreadableLines.isEmpty, let path = journal.path {
            let lines = journal.unreadableLines
            progress.say("vidtag: warning: \(path): \(lines.count == 1 ? "line" : "lines") "
                + lines.prefix(5).map(String.init).joined(separator: ", ") + (lines.count > 5 ? ", …" : "")
                + " \(lines.count == 1 ? "is not a record" : "are not records") (damaged?); kept as \(lines.count == 1 ? "it is" : "they are"), and their inputs run again")
        }
        let watchers = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { signalNumber, name in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                // A second signal abandons the item in hand: every written line is already whole.
                if runner.stopReason != nil { journal.sync(); Foundation.exit(signalNumber == SIGINT ? 130 : 143) }
                runner.requestStop(name)
            }
            source.resume()
            return source
        }
        let summary: BatchRunner.Summary
        do {
            summary = try runner.run(inputs, job: job)
        } catch let unavailable as EncoderUnavailable {
            throw CommandFailure(unavailable)
        }
        watchers.forEach { $0.cancel() }
        if let quarantine = options.quarantine, let problem = quarantine.writeFailure {
            progress.say("vidtag: warning: cannot write the quarantine \(quarantine.path) (\(problem)); failed inputs will be tried again next run")
        }
        if let file = batch.summary {
            do {
                try Data((JSONText.encode(summary) + "\n").utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            } catch {
                progress.say("vidtag: cannot write the summary to \(file): \(error.localizedDescription)")
            }
        }
        switch summary.stoppedBy {
        case "SIGINT": throw ExitCode(130)
        case "SIGTERM": throw ExitCode(143)
        default:
            if summary.failed + summary.quarantined > 0 { throw ExitCode(2) }
            if runner.inputsSeen == 0 {
                progress.say("vidtag: no inputs: \(batch.describedInputs) held no media files or records")
                throw ExitCode(3)
            }
        }
    }
}
