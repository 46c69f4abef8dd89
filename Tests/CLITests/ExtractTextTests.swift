import Foundation
import Testing
import TextEncoder
import Weights

/// `vidtag extract --text`: titles, summaries and products of manifest records through
/// BERT (the tiny random BERT committed in Fixtures/text, saved by transformers).
@Suite struct ExtractTextTests {
    let model = CLI.fixtures.appendingPathComponent("text/tiny-bert").path

    @Test func manifestTextsBecomeTextAndProductFeatures() throws {
        let folder = TestFolder.root.appendingPathComponent("extract-text")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifest = folder.appendingPathComponent("manifest.jsonl")
        try """
            {"id": "a", "title": "Summer linen dress 夏季连衣裙", "summary": "Light and cool", "products": [{"title": "Linen dress", "category": "Dresses"}, {"title": "Straw hat", "category": "Hats"}]}
            {"id": "b", "title": "Cat toys review"}
            {"id": "c", "summary": "no title here"}
            {"id": "d", "title": "", "products": [{"title": null}]}
            """.write(to: manifest, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("features")
        let result = try CLI.run(["extract", "--text", model, "--quiet", "--output", output.path,
                                  "--manifest", manifest.path])
        #expect(result.status == 2, "record d has no video, cover or text: \(result.stdout)")
        #expect(result.lines.count == 4)
        #expect((CLI.object(result.lines[3])["error"] as? [String: Any])?["code"] as? String == "malformed_record")
        let c = try SafetensorsFile(path: output.appendingPathComponent("c.safetensors").path)
        #expect(c.names == ["text.summary"], "a summary alone is an item")

        let encoder = try TextEncoder(directory: model)
        let expected = encoder.encode(["Summer linen dress 夏季连衣裙", "Light and cool", "Linen dress Dresses",
                                       "Straw hat Hats"]).vectors
        let a = try SafetensorsFile(path: output.appendingPathComponent("a.safetensors").path)
        let width = expected.shape[1]
        let ours = try a.floats("text.title") + a.floats("text.summary") + a.floats("product.items")
        #expect(try a.entry("product.items").shape == [2, width])
        let difference = zip(ours, expected.data).map { abs($0 - $1) }.max() ?? .infinity
        print("extract --text: max |Δ| to the library \(difference) (tolerance 1e-6)")
        #expect(ours.count == expected.count && difference <= 1e-6)

        let b = try SafetensorsFile(path: output.appendingPathComponent("b.safetensors").path)
        #expect(b.names == ["text.title"])
        #expect(b.metadata["missing"] == #"{"product":"no_products","summary":"no_summary"}"#)
    }
}
