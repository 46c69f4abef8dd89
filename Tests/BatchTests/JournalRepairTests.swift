import Foundation
import Testing
@testable import Batch

/// `--resume`: a torn last line is cut off, whole lines count as done, damaged lines are kept
/// and their inputs run again, and a run never overwrites results.
@Suite struct JournalRepairTests {
    static let done = [#"{"id":"id0","input":"/videos/id0.mp4"}"#, #"{"id":"id1","input":"/videos/id1.mp4"}"#]

    @Test func tornLastLineIsCutAndItsInputRunsAgain() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = scratch.path("out.jsonl")
        let torn = #"{"id":"id2","inp"#
        try (Self.done.joined(separator: "\n") + "\n" + torn).write(toFile: path, atomically: true, encoding: .utf8)
        let journal = try OutputJournal(path: path, resume: true)
        #expect(journal.repairedBytes == torn.utf8.count)
        #expect(journal.completed == ["id0", "id1"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.done.joined(separator: "\n") + "\n")

        let job = ScriptedJob()
        let summary = try BatchRunner(journal: journal, options: .init()).run(Scratch.records(4), job: job)
        #expect(job.prepared.all == ["id2", "id3"])
        #expect((summary.processed, summary.skippedDone) == (2, 2))
        #expect(try Scratch.ids(path) == ["id0", "id1", "id2", "id3"], "every line whole, each id once")
    }

    @Test func damagedLinesAreKeptAndTheirInputsRunAgain() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = scratch.path("out.jsonl")
        let damaged = "\u{0}\u{0}garbage"
        try ([Self.done[0], damaged, Self.done[1]].joined(separator: "\n") + "\n").write(toFile: path, atomically: true,
                                                                                        encoding: .utf8)
        let journal = try OutputJournal(path: path, resume: true)
        #expect(journal.unreadableLines == [2])
        #expect(journal.repairedBytes == 0)
        let job = ScriptedJob()
        _ = try BatchRunner(journal: journal, options: .init()).run(Scratch.records(3), job: job)
        #expect(job.prepared.all == ["id2"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix([Self.done[0], damaged, Self.done[1]].joined(separator: "\n") + "\n"))
    }

    /// Failures that may pass (`unreadable`, `timeout`) run again on resume; the new line
    /// follows the old one. Other failures are done.
    @Test func passingFailuresRunAgain() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = scratch.path("out.jsonl")
        let timeout = ErrorLine.Detail(stage: "decode", code: "timeout", message: "took too long")
        let corrupt = ErrorLine.Detail(stage: "decode", code: "corrupt", message: "bad bytes")
        _ = try Scratch.run(ScriptedJob(failures: ["id1": timeout, "id2": corrupt]), Scratch.records(3), into: path)
        let again = ScriptedJob()
        _ = try Scratch.run(again, Scratch.records(3), into: path, resume: true)
        #expect(again.prepared.all == ["id1"])
        #expect(try Scratch.ids(path) == ["id0", "id1", "id2", "id1"])
    }

    @Test func resultsAreNeverOverwritten() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let path = scratch.path("out.jsonl")
        try (Self.done[0] + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: JournalError.self) { try OutputJournal(path: path, resume: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.done[0] + "\n")
    }
}
