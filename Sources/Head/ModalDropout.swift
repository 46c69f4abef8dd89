/// Modal dropout (the article): during training, drop whole modalities at random so that the
/// model learns not to depend on any single one; the same procedure, with another rate,
/// simulates missing modalities at test time.
///
/// Each present modality is dropped independently with probability `rate`; if that would
/// drop every present modality, one of them (uniformly at random) is kept instead, so an item
/// never loses all its modalities.
public enum ModalDropout {
    public static func keep(present: [Bool], rate: Double, random: inout SeededRandom) -> [Bool] {
        guard rate > 0 else { return present }
        var kept = present
        for i in kept.indices where kept[i] && random.unit() < rate { kept[i] = false }
        if !kept.contains(true), present.contains(true) {
            let candidates = present.indices.filter { present[$0] }
            kept[candidates[random.below(candidates.count)]] = true
        }
        return kept
    }
}
