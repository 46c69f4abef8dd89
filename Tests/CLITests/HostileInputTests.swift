import Foundation
import Testing

/// Hostile and unusual inputs end in a clear error, never a crash or a hang: manifests and
/// standard input that are directories, FIFOs and devices where files are expected, two runs on
/// one output, CRLF and non-object lines, and very long lines.
@Suite(.serialized) struct HostileInputTests {
    static let media = CLI.fixtures.appendingPathComponent("media")
    static var video: String { media.appendingPathComponent("h264_aac.mp4").path }

    static func folder(_ name: String) -> URL { TestFolder.fresh("hostile-\(name)") }

    static func code(_ line: String) -> String? { CLI.errorCode(line) }

    /// Runs `vidtag arguments…` with standard input from `input`, killing it after `timeout`
    /// seconds (a hang fails the test instead of stopping the suite).
    static func run(_ arguments: [String], timeout: Double = 60) throws -> CLI.Result {
        let run = try CLI.Running(arguments)
        run.closeInput()
        let deadline = Date().addingTimeInterval(timeout)
        while run.process.isRunning && Date() < deadline { usleep(20_000) }
        let hung = run.process.isRunning
        if hung { kill(run.process.processIdentifier, SIGKILL) }
        let status = run.wait()
        #expect(!hung, "\(arguments) did not finish in \(timeout) s")
        return CLI.Result(status: hung ? -1 : status, stdout: (try? String(contentsOf: run.stdout, encoding: .utf8)) ?? "",
                          stderr: run.errorText)
    }

    /// `vidtag arguments…` through the shell, standard input redirected from `file`.
    static func shell(_ arguments: [String], stdinFrom file: String) throws -> CLI.Result {
        let vidtag = CLI.products.appendingPathComponent("vidtag").path
        let quoted = ([vidtag] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \(quoted) < '\(file)'"]
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }

    @Test func manifestsAndStandardInputThatAreDirectoriesAreRefused() throws {
        let folder = Self.folder("directories")
        let manifest = try Self.run(["classify", "--bundle", ClassifyBundle.path, "--manifest", folder.path])
        #expect(manifest.status == 1 && manifest.stderr.contains("a directory"), "\(manifest.stderr)")
        let missing = try Self.run(["classify", "--bundle", ClassifyBundle.path, "--manifest", folder.appendingPathComponent("none.jsonl").path])
        #expect(missing.status == 1 && missing.stderr.contains("none.jsonl"), "a missing manifest is fatal: \(missing.stderr)")
        let stdin = try Self.shell(["classify", "--bundle", ClassifyBundle.path, "-"], stdinFrom: folder.path)
        #expect(stdin.status == 1 && stdin.stderr.contains("standard input") && stdin.stderr.contains("a directory"),
                "\(stdin.status): \(stdin.stderr)")
    }

    @Test func fifosAndDevicesWhereFilesBelongFailFastAndTheBatchGoesOn() throws {
        let folder = Self.folder("fifos")
        let fifo = folder.appendingPathComponent("f.mp4").path
        #expect(mkfifo(fifo, 0o644) == 0)
        // A FIFO cover beside a good video, and a video whose "file" is /dev/zero.
        try FileManager.default.copyItem(atPath: Self.video, toPath: folder.appendingPathComponent("a.mp4").path)
        #expect(mkfifo(folder.appendingPathComponent("a.jpg").path, 0o644) == 0)
        let zero = folder.appendingPathComponent("z.mp4").path
        try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")

        let result = try Self.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", fifo,
                                   folder.appendingPathComponent("a.mp4").path, zero, Self.video])
        #expect(result.status == 2, "\(result.stderr)")
        let lines = result.lines
        #expect(lines.count == 4, "\(result.stdout)")
        #expect(lines.first.map(Self.code) == "unreadable" && result.stderr.contains("a FIFO"), "\(result.stderr)")
        #expect(lines.dropFirst(2).first.map(Self.code) == "unreadable" && result.stderr.contains("a character device"))
        #expect(CLI.object(lines.last ?? "")["level1"] != nil, "the batch went on")

        let inspect = try Self.run(["inspect", fifo])
        #expect(inspect.status == 2 && inspect.stdout.contains("a FIFO"), "\(inspect.stdout)")
    }

    @Test func aBundleFileThatIsADeviceOrFIFOIsRefusedNotReadForever() throws {
        let folder = Self.folder("bundle-zero")
        for item in try FileManager.default.contentsOfDirectory(atPath: ClassifyBundle.path) where item != "visual.safetensors" {
            try FileManager.default.copyItem(at: ClassifyBundle.directory.appendingPathComponent(item), to: folder.appendingPathComponent(item))
        }
        let weights = folder.appendingPathComponent("visual.safetensors").path
        for (kind, make, message) in [
            ("a link to /dev/zero", { try FileManager.default.createSymbolicLink(atPath: weights, withDestinationPath: "/dev/zero") },
             "outside the bundle"),
            ("a FIFO", { #expect(mkfifo(weights, 0o644) == 0) }, "not a regular file"),
        ] as [(String, () throws -> Void, String)] {
            try? FileManager.default.removeItem(atPath: weights)
            try make()
            let verify = try Self.run(["bundle", "verify", folder.path])
            #expect(verify.status == 1 && verify.stderr.contains(message), "\(kind): \(verify.stderr)")
            let classify = try Self.run(["classify", "--bundle", folder.path, "--quiet", Self.video])
            #expect(classify.status == 1 && classify.stderr.contains(message), "\(kind): \(classify.stderr)")
        }
    }

    @Test func bundleFilesStayInsideTheBundleAndImportsDoNotFollowLinksOut() throws {
        // bundle.json naming a file through ../ (the file itself is a fine copy, outside).
        let outside = Self.folder("escape")
        let bundle = outside.appendingPathComponent("bundle")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: ClassifyBundle.path) where item != "visual.safetensors" {
            try FileManager.default.copyItem(at: ClassifyBundle.directory.appendingPathComponent(item), to: bundle.appendingPathComponent(item))
        }
        try FileManager.default.copyItem(at: ClassifyBundle.directory.appendingPathComponent("visual.safetensors"),
                                         to: outside.appendingPathComponent("visual.safetensors"))
        let manifest = bundle.appendingPathComponent("bundle.json")
        let text = try String(contentsOf: manifest, encoding: .utf8)
            .replacingOccurrences(of: "\"visual.safetensors\"", with: "\"../visual.safetensors\"")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let verify = try Self.run(["bundle", "verify", bundle.path])
        #expect(verify.status == 1 && verify.stderr.contains("outside the bundle"), "\(verify.stderr)")
        let classify = try Self.run(["classify", "--bundle", bundle.path, Self.video])
        #expect(classify.status == 1 && classify.stderr.contains("outside the bundle"), "\(classify.stderr)")

        // A BERT folder with a link to a file elsewhere: refused, nothing linked into a bundle.
        let bert = outside.appendingPathComponent("bert")
        try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("text/tiny-bert"), to: bert)
        let secret = outside.appendingPathComponent("secret.txt")
        try "not for the bundle".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: bert.appendingPathComponent("leak.txt").path, withDestinationPath: secret.path)
        let taxonomy = CLI.fixtures.deletingLastPathComponent().appendingPathComponent("Models/taxonomy/taobao.json").path
        let imported = try Self.run(["bundle", "import", "--text", bert.path, "--taxonomy", taxonomy,
                                     "--output", outside.appendingPathComponent("imported").path])
        #expect(imported.status == 1 && imported.stderr.contains("outside"), "\(imported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("imported").path))
    }

    @Test func aKilledImportsStagingFolderIsRemovedByTheNextImport() throws {
        let folder = Self.folder("staging")
        // The pid of a process that has exited, and pid 1, which is always alive.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let abandoned = folder.appendingPathComponent(".mine.partial-\(gone.processIdentifier)")
        let alive = folder.appendingPathComponent(".mine.partial-1")
        for staging in [abandoned, alive] {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            try "400 MB of weights".write(to: staging.appendingPathComponent("visual.safetensors"), atomically: true, encoding: .utf8)
        }
        let taxonomy = CLI.fixtures.deletingLastPathComponent().appendingPathComponent("Models/taxonomy/taobao.json").path
        let result = try Self.run(["bundle", "import", "--text", CLI.fixtures.appendingPathComponent("text/tiny-bert").path,
                                   "--taxonomy", taxonomy, "--output", folder.appendingPathComponent("mine").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: abandoned.path), "the dead import's folder is gone")
        #expect(FileManager.default.fileExists(atPath: alive.path), "a running import's folder is left alone")
    }

    @Test func aSecondRunOnTheSameOutputIsRefusedWhileTheFirstWrites() throws {
        let folder = Self.folder("lock")
        let output = folder.appendingPathComponent("out.jsonl")
        let videos = Array(repeating: Self.video, count: 1) + ["h264_bframes.mp4", "vfr.mp4", "gray.mkv", "mpeg4.avi"]
            .map { Self.media.appendingPathComponent($0).path }
        let first = try CLI.Running(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--threads", "1",
                                     "--output", output.path] + videos)
        defer { _ = first.wait() }
        // The first holds the lock from the moment it opens the file, before any record.
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: output.path) && Date() < deadline { usleep(5_000) }
        for extra in [[], ["--resume"]] {
            let second = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--output", output.path]
                                     + extra + videos)
            if first.process.isRunning {
                #expect(second.status == 1 && second.stderr.contains("another vidtag run"), "\(extra): \(second.stderr)")
            }
        }
        #expect(first.wait() == 0)
        let ids = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map { CLI.object(String($0))["id"] as? String }
        #expect(ids.count == 5 && Set(ids).count == 5, "no record written twice: \(ids)")
    }

    @Test func aBadCoverCostsTheCoverNotTheVideo() throws {
        let folder = Self.folder("bad-cover")
        let manifest = folder.appendingPathComponent("m.jsonl")
        let bad = Self.media.appendingPathComponent("random_bytes.mp4").path
        try """
            {"id": "v", "video": "\(Self.video)", "cover": "\(bad)"}
            {"id": "c", "cover": "\(bad)"}

            """.write(to: manifest, atomically: true, encoding: .utf8)
        let result = try Self.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--manifest", manifest.path])
        #expect(result.status == 2)
        let lines = result.lines.map(CLI.object)
        #expect(lines.count == 2)
        #expect(lines.first?["level1"] != nil, "the video is classified")
        let missing = (lines.first?["missing"] as? [[String: Any]] ?? []).first { $0["modality"] as? String == "cover" }
        #expect(missing?["reason"] as? String == "cover_unreadable", "\(String(describing: missing))")
        #expect(Self.code(result.lines.last ?? "") == "not_media", "a cover alone still fails: \(result.lines.last ?? "")")
    }

    @Test func fileNamesThatAreNotUTF8AreSaidNotSkipped() throws {
        let folder = Self.folder("names")
        try FileManager.default.copyItem(atPath: Self.video, toPath: folder.appendingPathComponent("good.mp4").path)
        // "bad\xff.mp4": a Latin-1 byte, as a dump from another system may hold.
        let name = Array(folder.path.utf8) + Array("/bad".utf8) + [0xFF] + Array(".mp4".utf8) + [0]
        let source = open(Self.video, O_RDONLY)
        let target = name.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) } }
        #expect(source >= 0 && target >= 0)
        close(source)
        close(target)
        let result = try Self.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", folder.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.lines.map(Self.code) == [nil, "file_name_not_utf8"], "\(result.stdout)")
        #expect(CLI.object(result.lines.last ?? "")["input"] as? String == folder.path + "/bad\u{FFFD}.mp4")

        // The same name given as an argument (Process takes only UTF-8 arguments: a shell makes the byte).
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", #"exec "$0" classify --bundle "$1" --quiet "$2/bad$(printf '\377').mp4" "$2/good.mp4""#,
                           CLI.products.appendingPathComponent("vidtag").path, ClassifyBundle.path, folder.path]
        let output = Pipe()
        (shell.standardOutput, shell.standardError) = (output, FileHandle.nullDevice)
        try shell.run()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 2)
        #expect(lines.map(Self.code) == ["file_name_not_utf8", nil], "\(lines)")
    }

    /// A failure that may pass (`unreadable`: a file not readable yet; `timeout`) is tried again
    /// by `--resume`, its new line after the old; a failure for good is not.
    @Test func resumeRetriesTransientFailuresOnly() throws {
        let folder = Self.folder("retry")
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: dump, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.video, toPath: dump.appendingPathComponent("clip.mp4").path)
        try FileManager.default.copyItem(atPath: Self.media.appendingPathComponent("text.mp4").path,
                                         toPath: dump.appendingPathComponent("bad.mp4").path)
        let output = folder.appendingPathComponent("out.jsonl")
        let earlier = [
            #"{"id":"bad","input":"\#(dump.path)/bad.mp4","error":{"stage":"open","code":"not_media","message":"earlier"}}"#,
            #"{"id":"clip","input":"\#(dump.path)/clip.mp4","error":{"stage":"open","code":"unreadable","message":"permission denied"}}"#,
        ]
        try (earlier.joined(separator: "\n") + "\n").write(to: output, atomically: true, encoding: .utf8)
        let result = try Self.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--resume", "--output", output.path, dump.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && Array(lines.prefix(2)) == earlier, "\(lines)")
        #expect(CLI.object(lines.last ?? "")["id"] as? String == "clip" && CLI.object(lines.last ?? "")["level1"] != nil,
                "the unreadable input ran again: \(lines.last ?? "")")
    }

    @Test func crlfLinesNonObjectJSONAndLongLines() throws {
        let run = try CLI.Running(["classify", "--bundle", ClassifyBundle.path, "--quiet", "-"])
        run.send(Self.video + "\r\n\r\n[1,2]\n42\nnull\n{\"id\": \"t\", \"title\": \"Cat toys review\"}\r\n")
        // 8 MB without a newline, then one: a malformed record, read in linear time.
        let long = String(repeating: "x", count: 8 << 20)
        run.send("{\"id\": \"long\", \"title\": \"" + long + "\n")
        run.closeInput()
        let deadline = Date().addingTimeInterval(120)
        while run.process.isRunning && Date() < deadline { usleep(20_000) }
        if run.process.isRunning { kill(run.process.processIdentifier, SIGKILL) }
        #expect(run.wait() == 2)
        let lines = run.lines()
        #expect(lines.count == 6, "\(lines.map { String($0.prefix(120)) })")
        #expect(CLI.object(lines.first ?? "")["id"] as? String == "h264_aac", "CRLF stripped, blank CRLF line skipped")
        #expect(lines.dropFirst().prefix(3).map(Self.code) == ["malformed_record", "malformed_record", "malformed_record"])
        #expect(CLI.object(lines[4])["id"] as? String == "t" && CLI.object(lines[4])["level1"] != nil)
        #expect(Self.code(lines[5]) == "malformed_record")
    }
}
