import Foundation
import Testing

/// Ids in real dumps, where `0001.mp4` sits in many folders: an input found under a directory
/// is named by its path below it, a second input with an id in use gets a `duplicate_id`
/// error record (and `--resume` neither repeats nor loses it), a file is never quarantined by
/// another file's failure, feature files mirror the id's folders, and a malformed record keeps
/// its id.
@Suite(.serialized) struct BatchIdentityTests {
    static let media = CLI.fixtures.appendingPathComponent("media")

    static func folder(_ name: String) -> URL { TestFolder.fresh("identity-\(name)") }

    /// `root/<folder>/clip.mp4` for each folder, copies of `fixture`.
    static func dump(_ root: URL, folders: [String], fixture: String = "h264_aac.mp4") throws {
        for name in folders {
            let dir = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: media.appendingPathComponent(fixture), to: dir.appendingPathComponent("clip.mp4"))
        }
    }

    static func lines(_ file: URL) -> [[String: Any]] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map { CLI.object(String($0)) }
    }

    static func code(_ object: [String: Any]) -> String? { (object["error"] as? [String: Any])?["code"] as? String }

    @Test func sameNamedFilesInNestedFoldersKeepApartAndResumeCompletesThem() throws {
        let folder = Self.folder("nested")
        let dump = folder.appendingPathComponent("dump")
        try Self.dump(dump, folders: ["a", "b", "c/d", "e"])
        let output = folder.appendingPathComponent("out.jsonl")
        let arguments = ["classify", "--bundle", ClassifyBundle.path, "--quiet", "--threads", "1", "--output", output.path, dump.path]
        let run = try CLI.Running(arguments)
        #expect(run.waitForLines(1, in: output), "a first record before the kill")
        kill(run.process.processIdentifier, SIGKILL)
        _ = run.wait()
        let before = Self.lines(output).count
        let resumed = try CLI.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let ids = Self.lines(output).map { $0["id"] as? String }
        #expect(ids == ["a/clip", "b/clip", "c/d/clip", "e/clip"], "killed after \(before) of 4: \(ids)")
        #expect(Self.lines(output).allSatisfy { $0["level1"] != nil })

        // A file given by itself is named by its file name.
        let single = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", dump.appendingPathComponent("a/clip.mp4").path])
        #expect(single.lines.map { CLI.object($0)["id"] as? String } == ["clip"])
    }

    @Test func aSecondRecordWithAnIdInUseGetsDuplicateIdAndResumeKeepsItOnce() throws {
        let folder = Self.folder("duplicates")
        let video = Self.media.appendingPathComponent("h264_aac.mp4").path
        let manifest = folder.appendingPathComponent("manifest.jsonl")
        try """
            {"id": "x", "video": "\(video)"}
            {"id": "y", "title": "Cat toys review"}
            {"id": "x", "title": "Another record called x"}

            """.write(to: manifest, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.jsonl")
        let arguments = ["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", output.path, "--manifest", manifest.path]
        let first = try CLI.run(arguments)
        #expect(first.status == 2)
        let objects = Self.lines(output)
        #expect(objects.map { $0["id"] as? String } == ["x", "y", "x"])
        #expect(objects[0]["level1"] != nil && Self.code(objects[2]) == "duplicate_id")
        let message = (objects[2]["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains(video), "names the first input: \(message)")
        #expect(first.stderr.contains("duplicate_id"), "the failed input is said on stderr: \(first.stderr)")

        let resumed = try CLI.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "nothing left to do: \(resumed.stderr)")
        #expect(Self.lines(output).count == 3, "the duplicate's error record is not written twice")

        // Killed before the duplicate's line: resuming writes it.
        let cut = folder.appendingPathComponent("cut.jsonl")
        let text = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").prefix(2).joined(separator: "\n") + "\n"
        try text.write(to: cut, atomically: true, encoding: .utf8)
        _ = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", cut.path, "--manifest",
                         manifest.path, "--resume"])
        #expect(Self.lines(cut).map { Self.code($0) } == [nil, nil, "duplicate_id"])
    }

    @Test func aFileIsNeverQuarantinedByAnotherFilesFailure() throws {
        let folder = Self.folder("quarantine")
        try Self.dump(folder.appendingPathComponent("bad"), folders: ["."], fixture: "zeroed_header.mp4")
        try Self.dump(folder.appendingPathComponent("good"), folders: ["."])
        let quarantine = folder.appendingPathComponent("q.jsonl")
        func classify(_ path: String) throws -> CLI.Result {
            try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--quarantine", quarantine.path,
                         folder.appendingPathComponent(path).path])
        }
        #expect(try classify("bad/clip.mp4").status == 2)
        let entry = try #require(Self.lines(quarantine).first)
        #expect(entry["id"] as? String == "clip" && Self.code(entry) != nil && (entry["error"] as? [String: Any])?["stage"] != nil,
                "quarantine lines are error records: \(entry)")
        let good = try classify("good/clip.mp4")
        #expect(good.status == 0, "same id, another file: \(good.stdout)")
        #expect(CLI.object(good.lines.first ?? "")["level1"] != nil)
        let again = try classify("bad/clip.mp4")
        #expect(Self.code(CLI.object(again.lines.first ?? "")) == "quarantined")
    }

    @Test func featureFilesMirrorTheIdsFolders() throws {
        let folder = Self.folder("extract")
        let dump = folder.appendingPathComponent("dump")
        try Self.dump(dump, folders: ["a", "b"])
        let features = folder.appendingPathComponent("features")
        let result = try CLI.run(["extract", "--bundle", ClassifyBundle.path, "--quiet", "--frames", "2", "--output", features.path, dump.path])
        #expect(result.status == 0, "\(result.stderr)")
        for id in ["a/clip", "b/clip"] {
            #expect(FileManager.default.fileExists(atPath: features.appendingPathComponent(id + ".safetensors").path), "\(id)")
        }
        let classified = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--features", features.path])
        #expect(classified.lines.map { CLI.object($0)["id"] as? String } == ["a/clip", "b/clip"])
        // The same folder through a symbolic link (a features folder linked into a work tree).
        let link = folder.appendingPathComponent("linked-features")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: features)
        let linked = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--features", link.path])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.lines.map { CLI.object($0)["id"] as? String } == ["a/clip", "b/clip"])
        // Extracting into the linked folder again: refused without --resume, nothing redone with it.
        let again = ["extract", "--bundle", ClassifyBundle.path, "--quiet", "--frames", "2", "--output", link.path, dump.path]
        #expect(try CLI.run(again).status != 0, "the folder already holds feature files")
        let resumed = try CLI.run(again + ["--resume"])
        #expect(resumed.status == 0 && resumed.lines.isEmpty, "both ids are done: \(resumed.stdout)")
    }

    @Test func aMalformedStandardInputRecordKeepsItsId() throws {
        let run = try CLI.Running(["classify", "--bundle", ClassifyBundle.path, "--quiet", "-"])
        run.send("{\"id\": \"r3\"}\n{\"id\": \"r4\", \"title\": 5}\n")
        run.closeInput()
        #expect(run.wait() == 2)
        let objects = run.lines().map(CLI.object)
        #expect(objects.map { $0["id"] as? String } == ["r3", "r4"])
        #expect(objects.map { Self.code($0) } == ["malformed_record", "malformed_record"])
    }
}
