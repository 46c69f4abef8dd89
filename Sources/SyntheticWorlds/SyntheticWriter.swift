import Foundation
import Head

/// Writes a synthetic split as the real pipeline's files: one feature file per item
/// (with the world's pseudo encoder hashes in the metadata), `labels.jsonl`
/// and `taxonomy.json`, so `vidtag train` / `vidtag eval` can run on it.
public enum SyntheticWriter {
    /// Writes items 0..<count of `split` into `directory/features/`, plus
    /// `directory/labels.jsonl` and `directory/taxonomy.json`.
    public static func write(world: SyntheticWorld, count: Int, split: UInt64, to directory: String) throws {
        let root = URL(fileURLWithPath: directory)
        let features = root.appendingPathComponent("features")
        try FileManager.default.createDirectory(at: features, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var labels = ""
        for i in 0..<count {
            let item = world.item(i, split: split)
            var set = FeatureSet(id: item.id)
            set.tensors = item.tensors
            set.encoders = world.encoderHashes
            set.metadata = ["source": "synthetic"]
            try set.write(to: features.path)
            let line: [String: String] = ["id": item.id, "level1": world.taxonomy.level1[item.level1].id,
                                          "level2": world.taxonomy.level2[item.level2].id]
            labels += String(decoding: try encoder.encode(line), as: UTF8.self) + "\n"
        }
        try Data(labels.utf8).write(to: root.appendingPathComponent("labels.jsonl"), options: .atomic)
        try world.taxonomy.jsonData().write(to: root.appendingPathComponent("taxonomy.json"), options: .atomic)
    }
}
