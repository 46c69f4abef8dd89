import Foundation
import Testing
@testable import Batch

/// Inputs that failed for good are remembered and skipped by later runs; inputs whose failure
/// may pass are not; an entry is one input's (its id and path together).
@Suite struct QuarantineTests {
    static let corrupt = ErrorLine.Detail(stage: "decode", code: "corrupt", message: "bad bytes")
    static let timeout = ErrorLine.Detail(stage: "decode", code: "timeout", message: "took too long")

    func options(_ quarantine: Quarantine, retry: Bool = false) -> BatchRunner.Options {
        var options = BatchRunner.Options()
        options.quarantine = quarantine
        options.retryFailed = retry
        return options
    }

    @Test func lastingFailuresAreSkippedNextTime() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let quarantinePath = scratch.path("quarantine.jsonl")
        let first = ScriptedJob(failures: ["id1": Self.corrupt, "id2": Self.timeout])
        _ = try Scratch.run(first, Scratch.records(4), into: scratch.path("run1.jsonl"),
                            options: options(Quarantine(path: quarantinePath)))
        #expect(try Scratch.ids(quarantinePath) == ["id1"], "only the lasting failure is quarantined")

        let second = ScriptedJob()
        let summary = try Scratch.run(second, Scratch.records(4), into: scratch.path("run2.jsonl"),
                                      options: options(Quarantine(path: quarantinePath)))
        #expect(second.prepared.all == ["id0", "id2", "id3"], "the quarantined input is not opened again")
        #expect(try Scratch.codes(scratch.path("run2.jsonl")) == ["id1": "quarantined"])
        #expect((summary.quarantined, summary.failed) == (1, 0))
    }

    @Test func retryFailedRunsThemAgain() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let quarantinePath = scratch.path("quarantine.jsonl")
        _ = try Scratch.run(ScriptedJob(failures: ["id1": Self.corrupt]), Scratch.records(2),
                            into: scratch.path("run1.jsonl"), options: options(Quarantine(path: quarantinePath)))
        let retry = ScriptedJob()
        _ = try Scratch.run(retry, Scratch.records(2), into: scratch.path("run2.jsonl"),
                            options: options(Quarantine(path: quarantinePath), retry: true))
        #expect(retry.prepared.all == ["id0", "id1"])
    }

    /// The same id at another path (a re-encoded upload) is another input.
    @Test func entriesMatchIDAndInputTogether() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let quarantine = Quarantine(path: scratch.path("quarantine.jsonl"))
        quarantine.record(id: "id1", input: "/videos/id1.mp4", detail: Self.corrupt)
        #expect(quarantine.reason(for: "id1", input: "/videos/id1.mp4") == "corrupt: bad bytes")
        #expect(quarantine.reason(for: "id1", input: "/reuploads/id1.mp4") == nil)
        #expect(quarantine.reason(for: "id2", input: "/videos/id1.mp4") == nil)
        // A later run reads the file back the same way.
        let reread = Quarantine(path: scratch.path("quarantine.jsonl"))
        #expect(reread.reason(for: "id1", input: "/videos/id1.mp4") == "corrupt: bad bytes")
        #expect(reread.reason(for: "id1", input: "/reuploads/id1.mp4") == nil)
    }

    /// A quarantine file that cannot be written costs only its memory: the run goes on.
    @Test func anUnwritableQuarantineDoesNotStopTheRun() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let quarantine = Quarantine(path: scratch.folder)  // a folder, not a file
        let summary = try Scratch.run(ScriptedJob(failures: ["id0": Self.corrupt]), Scratch.records(3),
                                      into: scratch.path("run.jsonl"), options: options(quarantine))
        #expect((summary.processed, summary.failed) == (3, 1))
        #expect(quarantine.writeFailure != nil)
        #expect(quarantine.reason(for: "id0", input: "/videos/id0.mp4") != nil)
    }
}
