import Testing
@testable import Batch

/// Records come out in input order, whatever the look-ahead and wherever items fail.
@Suite struct OrderingTests {
    /// `prepare` is quick and `finish` slow, so the look-ahead queue is full while each item
    /// finishes: a queue that handed out anything but its oldest item would reorder the output.
    @Test(arguments: [1, 2, 4])
    func recordsFollowTheInputs(lookahead: Int) throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let failing = ErrorLine.Detail(stage: "decode", code: "corrupt", message: "bad bytes")
        let job = ScriptedJob(failures: ["id3": failing, "id7": failing], finishPause: 2_000)
        var options = BatchRunner.Options()
        options.lookahead = lookahead
        let inputs = Scratch.records(24)
        let summary = try Scratch.run(job, inputs, into: scratch.path("out.jsonl"), options: options)
        let ids = try Scratch.ids(scratch.path("out.jsonl"))
        #expect(ids == (0..<24).map { "id\($0)" })
        #expect(try Scratch.codes(scratch.path("out.jsonl")) == ["id3": "corrupt", "id7": "corrupt"])
        #expect(job.prepared.all == ids, "prepare runs in input order on its one thread")
        #expect((summary.processed, summary.succeeded, summary.failed) == (24, 22, 2))
    }

    /// A bad input line keeps its place among the records, with its own error record.
    @Test func malformedInputsKeepTheirPlace() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        var inputs = Scratch.records(4)
        inputs.insert(.failure(InputError(location: "manifest.jsonl:2", message: "not valid JSON")), at: 1)
        _ = try Scratch.run(ScriptedJob(), inputs, into: scratch.path("out.jsonl"))
        #expect(try Scratch.ids(scratch.path("out.jsonl")) == ["id0", "manifest.jsonl:2", "id1", "id2", "id3"])
        #expect(try Scratch.codes(scratch.path("out.jsonl")) == ["manifest.jsonl:2": "malformed_record"])
    }

    /// A repeated id gets a `duplicate_id` record in its place; the first input keeps the id.
    @Test func repeatedIDsAreRecordedWhereTheyOccur() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        var inputs = Scratch.records(3)
        inputs.insert(.success(InputRecord(id: "id0", video: "/elsewhere/id0.mp4")), at: 2)
        let job = ScriptedJob()
        _ = try Scratch.run(job, inputs, into: scratch.path("out.jsonl"))
        let lines = try Scratch.lines(scratch.path("out.jsonl"))
        #expect(lines.map { $0["input"] as? String } == ["/videos/id0.mp4", "/videos/id1.mp4", "/elsewhere/id0.mp4",
                                                         "/videos/id2.mp4"])
        #expect(try Scratch.codes(scratch.path("out.jsonl")).values.sorted() == [DuplicateID.code])
        #expect(job.prepared.all == ["id0", "id1", "id2"], "the repeated id is never prepared")
    }
}
