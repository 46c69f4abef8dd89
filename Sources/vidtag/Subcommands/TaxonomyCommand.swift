import ArgumentParser
import Bundles
import Foundation
import Head
import Pipeline
import Weights

/// `vidtag taxonomy`: the categories a bundle's head (or a taxonomy file) predicts.
struct TaxonomyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taxonomy",
        abstract: "List the categories: the bundle head's taxonomy, or a taxonomy file's.",
        discussion: """
            A tree by default: each level-1 category (id, name, English name) with its level-2 \\
            children indented below it. With --json, JSON lines: {"level": 1, "id", "name", \\
            "name_en"} and {"level": 2, "id", "name", "name_en", "parent"}, in taxonomy order.

            Exit status: 0, or 1 when the bundle or file cannot be read.
            """
    )

    @Option(help: "The model bundle (default: $VIDTAG_BUNDLE, else the installed or demo bundle).")
    var bundle: String?

    @Option(help: "A taxonomy JSON file instead of a bundle's.")
    var file: String?

    @Flag(help: "JSON lines instead of the tree.")
    var json = false

    func validate() throws {
        if bundle != nil && file != nil { throw ValidationError("give --bundle or --file, not both") }
    }

    func run() throws {
        let taxonomy: Taxonomy
        do {
            if let file {
                taxonomy = try Taxonomy.load(path: file)
            } else {
                taxonomy = try TrainedBundle(ModelBundle.load(directory: BundleLocator.locate(explicit: bundle))).checkpoint.taxonomy
            }
        } catch {
            throw CommandFailure(error)
        }
        var lines: [String] = []
        for (i, parent) in taxonomy.level1.enumerated() {
            lines.append(json ? JSONText.encode(Line(level: 1, category: parent, parent: nil))
                              : [parent.id, parent.name, parent.nameEN].compactMap { $0 }.joined(separator: "  "))
            for child in taxonomy.level2.indices.filter({ taxonomy.parents[$0] == i }).map({ taxonomy.level2[$0] }) {
                lines.append(json ? JSONText.encode(Line(level: 2, category: child, parent: parent.id))
                                  : "  " + [child.id, child.name, child.nameEN].compactMap { $0 }.joined(separator: "  "))
            }
        }
        print(lines.joined(separator: "\n"))
    }

    struct Line: Encodable {
        let level: Int
        let id: String
        let name: String
        let nameEN: String?
        let parent: String?
        init(level: Int, category: Taxonomy.Category, parent: String?) {
            (self.level, id, name, nameEN, self.parent) = (level, category.id, category.name, category.nameEN, parent)
        }
        enum CodingKeys: String, CodingKey { case level, id, name, nameEN = "name_en", parent }
    }
}
