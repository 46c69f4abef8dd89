/// The seeds of the candidate heads that `--hidden auto` and `--linear-skip auto` train
/// (``TrainingOptions/candidateSeeds``). The seed fixes a head's initial values, the order of its
/// batches and its modal-dropout draws; the validation split is made once, before the candidates.
public enum CandidateSeeds: String, Codable, CaseIterable, Sendable {
    /// Every candidate with the options' seed: the same shuffles, the same modal-dropout draws and
    /// the same initial values of the tensors they share (heads trained before the option existed).
    case shared
    /// Candidate i (0, 1, … in the order tried) with seed + 7919·i: the first keeps the options'
    /// seed, so a single candidate trains as with `shared`. The default.
    case distinct

    /// The seed candidate `index` trains with.
    func seed(_ base: UInt64, candidate index: Int) -> UInt64 {
        switch self {
        case .shared: return base
        case .distinct: return base &+ 7919 &* UInt64(index)
        }
    }
}
