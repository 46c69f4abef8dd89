import Foundation
import Testing

/// Real outputs and committed files against the versioned JSON Schemas in docs/schemas/v1:
/// prediction and error records of a mixed classify run (and the quarantine written beside
/// it), the taxonomies, the bundles' manifests, input and label records. Each schema also
/// refuses a broken example, so the checks can fail.
@Suite(.serialized) struct SchemaTests {
    static let root = CLI.fixtures.deletingLastPathComponent()
    static func schema(_ name: String) throws -> JSONSchemaValidator {
        try JSONSchemaValidator(file: root.appendingPathComponent("docs/schemas/v1/\(name).schema.json"))
    }

    static func json(_ text: String) -> Any { try! JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) }

    @Test func classifyOutputAndQuarantineMatchTheirSchemas() throws {
        let folder = TestFolder.root.appendingPathComponent("schemas")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let media = CLI.fixtures.appendingPathComponent("media")
        let manifest = folder.appendingPathComponent("m.jsonl")
        try """
            {"id": "a", "video": "\(media.path)/h264_aac.mp4", "title": "Cat toys review", "products": [{"title": "Mouse toy", "category": "Pets"}]}
            {"id": "b", "video": "\(media.path)/zeroed_header.mp4"}
            {"id": "c", "title": "Braised pork belly", "summary": "Slow cooked"}
            {"id": 5}
            {"id": "e", "video": "https://example.com/e.mp4"}

            """.write(to: manifest, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.jsonl")
        let result = try CLI.run(["classify", "--bundle", ClassifyBundle.path, "--quiet", "--threshold", "0.5",
                                  "--output", output.path, "--manifest", manifest.path])
        #expect(result.status == 2)
        let (prediction, error) = (try Self.schema("prediction-record"), try Self.schema("error-record"))
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        for line in lines {
            let object = Self.json(line) as! [String: Any]
            let problems = object["error"] == nil ? prediction.problems(object) : error.problems(object)
            #expect(problems.isEmpty, "\(problems) in \(line)")
        }
        #expect(lines.contains { $0.contains("\"level2\":null") }, "a level 2 under the threshold is null")
        let quarantine = try String(contentsOf: URL(fileURLWithPath: output.path + ".quarantine.jsonl"), encoding: .utf8)
        for line in quarantine.split(separator: "\n") { #expect(error.problems(Self.json(String(line))).isEmpty, "\(line)") }

        var broken = Self.json(lines[0]) as! [String: Any]
        broken["level1"] = nil
        broken["extra"] = 1
        #expect(prediction.problems(broken).count == 2, "\(prediction.problems(broken))")
    }

    @Test func unknownItemsBelowTheLevel1ThresholdMatchTheSchema() throws {
        let video = CLI.fixtures.appendingPathComponent("media/h264_aac.mp4").path
        let base = ["classify", "--bundle", ClassifyBundle.path, "--quiet", video]
        let unknown = try CLI.run(base + ["--level1-threshold", "1"])
        #expect(unknown.status == 0, "\(unknown.stderr)")
        let object = Self.json(unknown.lines.first ?? "{}") as! [String: Any]
        #expect(object["level1"] is NSNull && object["level2"] is NSNull, "\(unknown.stdout)")
        #expect(try Self.schema("prediction-record").problems(object).isEmpty)
        let known = try CLI.run(base + ["--level1-threshold", "0"])
        #expect(CLI.object(known.lines.first ?? "")["level1"] is [String: Any], "\(known.stdout)")
        #expect(try CLI.run(base + ["--level1-threshold", "1.5"]).status == 1)
    }

    @Test func committedTaxonomiesAndBundleManifestsMatchTheirSchemas() throws {
        let taxonomy = try Self.schema("taxonomy")
        for file in ["Models/taxonomy/taobao.json"] {
            let value = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.root.appendingPathComponent(file)))
            #expect(taxonomy.problems(value).isEmpty, "\(file): \(taxonomy.problems(value))")
        }
        #expect(!taxonomy.problems(Self.json(#"{"name": "t", "categories": [{"id": "a", "name": "A", "children": []}]}"#)).isEmpty)

        let bundle = try Self.schema("bundle-manifest")
        for folder in [Self.root.appendingPathComponent("Models/demo"), ClassifyBundle.directory, ClassifyBundle.withAudio] {
            let value = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("bundle.json")))
            #expect(bundle.problems(value).isEmpty, "\(folder.path): \(bundle.problems(value))")
        }
        #expect(!bundle.problems(Self.json(#"{"format": "vidtag-bundle", "version": 2, "name": "x", "encoders": {}}"#)).isEmpty)
    }

    @Test func inputAndLabelRecordsMatchTheirSchemas() throws {
        let record = try Self.schema("manifest-record")
        for good in [#"{"id": "v001", "video": "v001.mp4", "title": "夏季连衣裙", "products": [{"title": "Dress", "category": "Apparel"}]}"#,
                     #"{"cover": "a.jpg"}"#, #"{"title": "Cat toys", "summary": null}"#] {
            #expect(record.problems(Self.json(good)).isEmpty, "\(good)")
        }
        for bad in [#"{"id": "x"}"#, #"{"id": 5, "title": "t"}"#, #"{"title": "t", "products": "p"}"#, "[1, 2]"] {
            #expect(!record.problems(Self.json(bad)).isEmpty, "\(bad)")
        }
        let label = try Self.schema("labels-record")
        #expect(label.problems(Self.json(#"{"id": "v001", "level1": "apparel", "level2": "apparel.kids_clothing"}"#)).isEmpty)
        #expect(!label.problems(Self.json(#"{"id": "v001", "level1": "apparel"}"#)).isEmpty)
    }
}
