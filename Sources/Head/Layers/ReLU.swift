/// ReLU on a strided block, in place, and its backward.
enum ReLU {
    /// x (rows, columns) ← max(x, 0)
    static func forward(_ x: UnsafeMutablePointer<Float>, ld: Int, rows: Int, columns: Int) {
        for r in 0..<rows {
            let row = x + r * ld
            for j in 0..<columns { row[j] = max(row[j], 0) }
        }
    }

    /// d (rows, columns) ← d where out > 0, else 0 (`out`: the ReLU's output).
    static func backward(_ d: UnsafeMutablePointer<Float>, ldD: Int, out: UnsafePointer<Float>, ldOut: Int,
                         rows: Int, columns: Int) {
        for r in 0..<rows {
            let g = d + r * ldD
            let y = out + r * ldOut
            for j in 0..<columns where y[j] <= 0 { g[j] = 0 }
        }
    }
}
