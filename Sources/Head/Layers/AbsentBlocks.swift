/// Learned blocks for absent modalities (``HeadConfig/AbsentModality/learned``): where modality j
/// of item b is absent, its block of the fused vector is a_j (P), a parameter of its own, instead
/// of zeros:
///   fused_bj = a_j            where mask_bj = 0
///   fused_bj = (the fusion's) where mask_bj = 1
/// With zero blocks the classifier cannot tell "absent" from "present with every unit off", and
/// its hidden units shift by what the modality usually adds whenever it goes missing; a_j lets it
/// learn that shift (modal dropout gives it absent examples of every modality).
enum AbsentBlocks {
    /// - fused: (B, F) with modality j's block at columns j·P ..< (j+1)·P; absent blocks overwritten.
    /// - absent: M pointers to (P); mask: (B, M) of 0/1.
    static func forward(fused: UnsafeMutablePointer<Float>, fusedWidth f: Int, absent: [UnsafeMutablePointer<Float>],
                        mask: UnsafePointer<Float>, batch: Int, modalities m: Int, width p: Int) {
        for b in 0..<batch {
            for j in 0..<m where mask[b * m + j] == 0 {
                (fused + b * f + j * p).update(from: absent[j], count: p)
            }
        }
    }

    /// dabsent_j += Σ over items without modality j of dfused_bj; those blocks of dfused are then
    /// zeroed, since nothing before the fusion produced them.
    static func backward(dabsent: [UnsafeMutablePointer<Float>], dfused: UnsafeMutablePointer<Float>, fusedWidth f: Int,
                         mask: UnsafePointer<Float>, batch: Int, modalities m: Int, width p: Int) {
        for b in 0..<batch {
            for j in 0..<m where mask[b * m + j] == 0 {
                let g = dfused + b * f + j * p, d = dabsent[j]
                for i in 0..<p {
                    d[i] += g[i]
                    g[i] = 0
                }
            }
        }
    }
}
