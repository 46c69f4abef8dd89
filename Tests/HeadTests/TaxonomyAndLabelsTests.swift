import Foundation
import Testing
@testable import Head

@Suite struct TaxonomyAndLabelsTests {
    static let taxonomyJSON = """
        {"name": "demo", "categories": [
          {"id": "fashion", "name": "服饰", "name_en": "Fashion", "children": [
            {"id": "fashion.young", "name": "少女穿搭", "name_en": "Young women"},
            {"id": "fashion.men", "name": "男士休闲"}]},
          {"id": "food", "name": "美食", "children": [{"id": "food.baking", "name": "烘焙", "name_en": "Baking"}]}
        ]}
        """

    func parse(_ text: String) throws(TaxonomyError) -> Taxonomy { try Taxonomy.parse(Data(text.utf8), source: "t.json") }

    @Test func parsesTheDesignFormat() throws {
        let t = try parse(Self.taxonomyJSON)
        #expect(t.name == "demo")
        #expect(t.level1.map(\.id) == ["fashion", "food"])
        #expect(t.level2.map(\.id) == ["fashion.young", "fashion.men", "food.baking"])
        #expect(t.parents == [0, 0, 1])
        #expect(t.childRanges == [0..<2, 2..<3])
        #expect(t.level1[0].nameEN == "Fashion" && t.level2[1].nameEN == nil)
        // writing and parsing again gives the same taxonomy and the same bytes
        let again = try Taxonomy.parse(t.jsonData(), source: "again")
        #expect(again == t && again.jsonData() == t.jsonData())
    }

    @Test func rejectsMalformedTaxonomies() {
        func error(_ text: String) -> TaxonomyError? {
            do { _ = try parse(text); return nil } catch { return error }
        }
        if case .malformed(source: "t.json", reason: _)? = error("{") {} else { Issue.record("not JSON should be .malformed") }
        #expect(error("[]") == .wrongType(source: "t.json", path: "$", expected: "an object"))
        #expect(error(#"{"categories": []}"#) == .missingField(source: "t.json", path: "$", field: "name"))
        #expect(error(#"{"name": "x", "categories": []}"#) == .noCategories(source: "t.json"))
        #expect(error(#"{"name": "x", "categories": [{"id": "a", "name": "A", "children": []}]}"#)
                == .emptyChildren(source: "t.json", id: "a"))
        #expect(error(#"{"name": "x", "categories": [{"id": "a", "name": "A"}]}"#)
                == .missingField(source: "t.json", path: "$.categories[0]", field: "children"))
        #expect(error(#"{"name": "x", "categories": [{"id": "", "name": "A", "children": [{"id": "b", "name": "B"}]}]}"#)
                == .emptyId(source: "t.json", path: "$.categories[0]"))
        #expect(error(#"{"name": "x", "categories": [{"id": 3, "name": "A", "children": [{"id": "b", "name": "B"}]}]}"#)
                == .wrongType(source: "t.json", path: "$.categories[0].id", expected: "a string"))
        // ids are unique across both levels
        #expect(error(#"{"name": "x", "categories": [{"id": "a", "name": "A", "children": [{"id": "a", "name": "B"}]}]}"#)
                == .duplicateId(source: "t.json", id: "a", first: "$.categories[0]", second: "$.categories[0].children[0]"))
        #expect(error(#"{"name": "x", "categories": [{"id": "a", "name": "A", "children": [{"id": "b", "name": "B"}]}, {"id": "c", "name": "C", "children": [{"id": "b", "name": "B"}]}]}"#)
                == .duplicateId(source: "t.json", id: "b", first: "$.categories[0].children[0]", second: "$.categories[1].children[0]"))
    }

    @Test func parsesLabelsAndNamesTheBadLine() throws {
        let t = try parse(Self.taxonomyJSON)
        let good = """
            {"id": "v1", "level1": "fashion", "level2": "fashion.men"}

            {"id": "v2", "level1": "food", "level2": "food.baking"}
            """
        let labels = try Labels.parse(good, source: "l.jsonl", taxonomy: t)
        #expect(labels.order == ["v1", "v2"])
        #expect(labels.entries["v1"] == Labels.Entry(level1: 0, level2: 1, line: 1))
        #expect(labels.entries["v2"] == Labels.Entry(level1: 1, level2: 2, line: 3))

        func error(_ text: String) -> LabelError? {
            do { _ = try Labels.parse(text, source: "l.jsonl", taxonomy: t); return nil } catch { return error }
        }
        let notChild = "{\"id\": \"v1\", \"level1\": \"fashion\", \"level2\": \"fashion.men\"}\n{\"id\": \"v2\", \"level1\": \"fashion\", \"level2\": \"food.baking\"}"
        #expect(error(notChild) == .notAChild(source: "l.jsonl", line: 2, level1: "fashion", level2: "food.baking", parent: "food"))
        #expect(String(describing: error(notChild)!).contains("l.jsonl:2"))
        #expect(error(#"{"id": "v", "level1": "toys", "level2": "food.baking"}"#) == .unknownCategory(source: "l.jsonl", line: 1, level: 1, id: "toys"))
        #expect(error(#"{"id": "v", "level1": "food", "level2": "food.x"}"#) == .unknownCategory(source: "l.jsonl", line: 1, level: 2, id: "food.x"))
        #expect(error(#"{"id": "v", "level1": "food"}"#) == .missingField(source: "l.jsonl", line: 1, field: "level2"))
        #expect(error("not json") == .malformed(source: "l.jsonl", line: 1, reason: "not JSON"))
        let twice = "{\"id\": \"v\", \"level1\": \"food\", \"level2\": \"food.baking\"}\n{\"id\": \"v\", \"level1\": \"food\", \"level2\": \"food.baking\"}"
        #expect(error(twice) == .duplicateId(source: "l.jsonl", line: 2, id: "v", firstLine: 1))
    }
}

@Suite struct CommittedTaxonomyTests {
    /// The repository's Taobao-style taxonomy parses strictly and sizes a head.
    @Test func taobaoTaxonomyParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/taxonomy/taobao.json").path
        let taxonomy = try Taxonomy.load(path: path)
        print("\(path): \(taxonomy.level1.count) level-1, \(taxonomy.level2.count) level-2 categories")
        #expect(taxonomy.level1.count >= 30 && taxonomy.level2.count >= 150)
        let config = HeadConfig(modalities: ModalitySpec.catalogue, parents: taxonomy.parents, level1Count: taxonomy.level1.count)
        #expect(config.problem() == nil)
        #expect(ParameterLayout(config: config).entry("classifier.level2.out.weight")?.shape == [taxonomy.level2.count, 256])
    }
}
