/// A modality's centre, accumulated item by item: the mean frame (sequences), vector, or
/// product mean (sets) over the items; all-zero rows are absent and skipped, as in
/// ``HeadExample``. `vidtag train --centre` and the synthetic comparison both use it.
public struct CentreSum {
    public let spec: ModalitySpec
    private var total: [Double]
    private var count = 0

    public init(_ spec: ModalitySpec) {
        self.spec = spec
        total = [Double](repeating: 0, count: spec.dim)
    }

    /// Adds one item's tensor: `[rows, dim]` values (one row for a vector).
    public mutating func add(_ values: [Float]) {
        let d = spec.dim
        var itemSum = [Double](repeating: 0, count: d)
        var itemRows = 0
        for r in 0..<(values.count / d) {
            let row = values[(r * d)..<((r + 1) * d)]
            if row.allSatisfy({ $0 == 0 }) { continue }
            for (j, x) in row.enumerated() { itemSum[j] += Double(x) }
            itemRows += 1
        }
        guard itemRows > 0 else { return }
        if spec.kind == .set {
            for j in 0..<d { total[j] += itemSum[j] / Double(itemRows) }
            count += 1
        } else {
            for j in 0..<d { total[j] += itemSum[j] }
            count += itemRows
        }
    }

    /// The centre, or nil when no item had the modality.
    public var centre: [Float]? { count == 0 ? nil : total.map { Float($0 / Double(count)) } }
}
