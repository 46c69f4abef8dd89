import Foundation
import Kernels

/// The work a batch does on one item, in two stages so that decoding of the next items
/// overlaps the encoding of the current one: `prepare` (decoding) runs ahead on its own thread,
/// at most `lookahead` items ahead; `finish` (encoding, the output line) runs in input order
/// with every thread (`Threading.threads`). `prepare` keeps to its one thread while `finish`
/// has work, and takes every thread whenever `finish` waits for it (the first item, or decoding
/// slower than encoding): `Threading.adaptive`, asked at each of its parallel regions. So on two
/// cores a video's images go through two workers while the next video decodes, and the three
/// threads share the cores without any of them spinning.
public protocol BatchJob: Sendable {
    associatedtype Prepared
    func prepare(_ record: InputRecord) throws -> Prepared
    /// The item's output line.
    func finish(_ prepared: Prepared, record: InputRecord) throws -> String
    /// The stage, code and message of an error `prepare` or `finish` threw, for its error record.
    func detail(of error: Error) -> ErrorLine.Detail
}

extension BatchJob {
    /// The batch's own errors; any other is stage `encode`, code `error` (see ``ErrorLine/detail(_:)``).
    public func detail(of error: Error) -> ErrorLine.Detail { ErrorLine.detail(error) }
}

/// An error after which no later item can succeed (e.g. an encoder that cannot be loaded): the
/// run stops, keeping every record written so far, and rethrows it.
public protocol RunStoppingError: Error {
    /// The run's stop reason, e.g. `encoder_unavailable`.
    var stopReason: String { get }
}

/// Runs a job over a run's inputs: one line per input in input order (results or error
/// records), skipping what `--resume` finds done and what another shard owns, quarantining
/// inputs that fail for good, stopping cleanly on SIGINT/SIGTERM or after too many failures.
public final class BatchRunner: @unchecked Sendable {
    public struct Options: Sendable {
        public var shard: Shard?
        public var maxFailures: Int?
        public var quarantine: Quarantine?
        public var retryFailed = false
        public var lookahead = 2
        public init() {}
    }

    public struct Summary: Codable, Sendable {
        public var processed = 0
        public var succeeded = 0
        public var failed = 0
        public var quarantined = 0
        public var skippedDone = 0
        public var seconds = 0.0
        /// "SIGINT", "SIGTERM" or "max_failures" when the run stopped early.
        public var stoppedBy: String?
        /// The multiply-adds the run's products issued to OpenBLAS (``GEMM/multiplyAdds`` over the
        /// run): the arithmetic actually done, after Winograd.
        public var multiplyAdds = 0

        enum CodingKeys: String, CodingKey {
            case processed, succeeded, failed, quarantined, seconds
            case skippedDone = "skipped_done", stoppedBy = "stopped_by", multiplyAdds = "multiply_adds"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(processed, forKey: .processed)
            try c.encode(succeeded, forKey: .succeeded)
            try c.encode(failed, forKey: .failed)
            try c.encode(quarantined, forKey: .quarantined)
            try c.encode(skippedDone, forKey: .skippedDone)
            try c.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
            try c.encodeIfPresent(stoppedBy, forKey: .stoppedBy)
            try c.encode(multiplyAdds, forKey: .multiplyAdds)
        }
    }

    let options: Options
    let journal: OutputJournal
    let progress: ProgressReporter?
    let stop = StopFlag()

    public init(journal: OutputJournal, options: Options, progress: ProgressReporter? = nil) {
        (self.journal, self.options, self.progress) = (journal, options, progress)
    }

    /// Asks the run to stop after the item in hand (from a signal handler's queue).
    public func requestStop(_ reason: String) { stop.set(reason) }

    /// Inputs read, before sharding (written by the reading thread, read once `run` returned):
    /// zero means the inputs held nothing.
    public private(set) var inputsSeen = 0

    /// Why the run was asked to stop, if it was.
    public var stopReason: String? { stop.reason }

    /// Runs `job` over `inputs` (an ``InputSource``, or any sequence of records and input errors).
    public func run<Job: BatchJob, Inputs: Sequence & Sendable>(_ inputs: Inputs, job: Job) throws -> Summary
        where Inputs.Element == InputSource.Element
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let multiplyAddsBefore = GEMM.multiplyAdds
        var summary = Summary()
        let queue = BoundedQueue<Work<Job.Prepared>>(capacity: max(1, options.lookahead))
        stop.onSet = { queue.close() }
        let producer = Thread { [self] in
            // One thread while `finish` computes; all of them while it waits for this thread.
            Threading.adaptive({ queue.isAwaited ? Threading.threads : 1 }) {
                produce(inputs, job: job, into: queue)
            }
        }
        producer.stackSize = 8 << 20
        producer.start()
        while let work = queue.take() {
            if stop.reason != nil { break }
            let line: String
            let outcome: Outcome
            switch work {
            case let .prepared(record, result):
                do {
                    line = try job.finish(try result.get(), record: record)
                    outcome = .succeeded
                } catch let stopping as RunStoppingError {
                    stop.set(stopping.stopReason)
                    queue.close()
                    journal.sync()
                    progress?.finish(nil)
                    throw stopping
                } catch {
                    let detail = job.detail(of: error)
                    line = ErrorLine.line(id: record.id, input: record.input, detail: detail)
                    outcome = .failed
                    options.quarantine?.record(id: record.id, input: record.input, detail: detail)
                    progress?.failed(input: record.input, detail: detail)
                }
            case let .failed(id, input, error, failure):
                let detail = job.detail(of: error)
                (line, outcome) = (ErrorLine.line(id: id, input: input, detail: detail), failure)
                progress?.failed(input: input, detail: detail)
            case .skipped:
                summary.skippedDone += 1
                continue
            }
            if journal.path == nil { progress?.willWriteRecord() }
            try journal.write(record: line)
            summary.processed += 1
            switch outcome {
            case .succeeded: summary.succeeded += 1
            case .failed: summary.failed += 1
            case .quarantined: summary.quarantined += 1
            }
            summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            progress?.update(summary)
            if let limit = options.maxFailures, summary.failed >= limit {
                stop.set("max_failures")
                break
            }
        }
        queue.close()
        journal.sync()
        summary.stoppedBy = stop.reason
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        summary.multiplyAdds = GEMM.multiplyAdds - multiplyAddsBefore
        progress?.finish(summary)
        return summary
    }

    /// Reads inputs in order and prepares the ones this run owns, at most `lookahead` ahead.
    private func produce<Job: BatchJob, Inputs: Sequence>(_ inputs: Inputs, job: Job,
                                                          into queue: BoundedQueue<Work<Job.Prepared>>)
        where Inputs.Element == InputSource.Element
    {
        var inputs = inputs.makeIterator()
        var firstInput: [String: String] = [:]  // id → the input that has it first
        while stop.reason == nil, let element = inputs.next() {
            inputsSeen += 1
            let work: Work<Job.Prepared>
            switch element {
            case .failure(let error):
                let id = error.id ?? error.location
                if let shard = options.shard, !shard.contains(id) { continue }
                work = .failed(id: id, input: error.location, error: error, .failed)
            case .success(let record):
                if let shard = options.shard, !shard.contains(record.id) { continue }
                work = self.work(for: record, job: job, firstInput: &firstInput)
            }
            guard queue.put(work) else { return }
        }
        queue.close()
    }

    /// What a record of this run needs: nothing (done already, or its `duplicate_id` record is
    /// there), an error record (an id in use, quarantined), or preparing.
    private func work<Job: BatchJob>(for record: InputRecord, job: Job, firstInput: inout [String: String])
        -> Work<Job.Prepared>
    {
        if let first = firstInput[record.id] {
            return journal.duplicates.contains(RecordKey(id: record.id, input: record.input))
                ? .skipped
                : .failed(id: record.id, input: record.input, error: DuplicateID(id: record.id, first: first), .failed)
        }
        firstInput[record.id] = record.input
        if journal.completed.contains(record.id) { return .skipped }
        if !options.retryFailed, let reason = options.quarantine?.reason(for: record.id, input: record.input) {
            let error = QuarantinedInput(reason: "skipped: failed before (\(reason)); pass --retry-failed to try again")
            return .failed(id: record.id, input: record.input, error: error, .quarantined)
        }
        return .prepared(record, Result { try job.prepare(record) })
    }

    enum Work<Prepared> {
        case prepared(InputRecord, Result<Prepared, Error>)
        /// An input refused before any work (malformed, duplicate id, quarantined).
        case failed(id: String, input: String, error: Error, Outcome)
        case skipped
    }

    enum Outcome { case succeeded, failed, quarantined }
}

/// A stop request shared by the signal handler, the producer and the consumer.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    var onSet: (() -> Void)?

    var reason: String? { lock.withLock { value } }

    func set(_ reason: String) {
        let first: Bool = lock.withLock {
            if value == nil { value = reason; return true }
            return false
        }
        if first { onSet?() }
    }
}

/// A first-in first-out queue of at most `capacity` items between two threads; `close()` ends it.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private let capacity: Int
    /// Threads blocked in `take`.
    private var takers = 0

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while full; false once closed.
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Blocks while empty; nil once closed and drained.
    func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed {
            takers += 1
            condition.wait()
            takers -= 1
        }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Empty with a taker waiting: the next item put is awaited.
    var isAwaited: Bool {
        condition.lock()
        defer { condition.unlock() }
        return items.isEmpty && takers > 0
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
