/// The text channel's pooling: each item's bag of n-gram ids (``CharNgrams``) becomes the mean
/// of their rows of a learned table (`nn.EmbeddingBag(mode="mean")` in PyTorch):
///   pooled[b] = (1/n_b) Σ_{i ∈ bag b} table[id_i]   (B, E); an empty bag gives zeros.
enum EmbeddingBag {
    /// - pooled: `(B, E)`; table: `(buckets, E)`.
    /// - ids: the bags' ids packed one after another (stored as floats, exact below 2²⁴);
    ///   bag b is `ids[offsets[b] ..< offsets[b + 1]]`.
    static func forward(pooled: UnsafeMutablePointer<Float>, table: UnsafePointer<Float>, ids: UnsafePointer<Float>,
                        offsets: [Int], batch: Int, dim e: Int) {
        for b in 0..<batch {
            let row = pooled + b * e
            row.update(repeating: 0, count: e)
            let n = offsets[b + 1] - offsets[b]
            guard n > 0 else { continue }
            for i in offsets[b]..<offsets[b + 1] {
                let source = table + Int(ids[i]) * e
                for j in 0..<e { row[j] += source[j] }
            }
            let inverse = 1 / Float(n)
            for j in 0..<e { row[j] *= inverse }
        }
    }

    /// dtable `(buckets, E)` +=: each id of bag b receives dpooled[b] / n_b.
    static func backward(dtable: UnsafeMutablePointer<Float>, dpooled: UnsafePointer<Float>, ids: UnsafePointer<Float>,
                         offsets: [Int], batch: Int, dim e: Int) {
        for b in 0..<batch {
            let n = offsets[b + 1] - offsets[b]
            guard n > 0 else { continue }
            let inverse = 1 / Float(n), g = dpooled + b * e
            for i in offsets[b]..<offsets[b + 1] {
                let target = dtable + Int(ids[i]) * e
                for j in 0..<e { target[j] += g[j] * inverse }
            }
        }
    }
}
