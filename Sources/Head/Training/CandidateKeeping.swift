/// What `--hidden auto` and `--linear-skip auto` keep of the candidate heads they train
/// (`vidtag train --auto-keeps`).
///
/// Why a mixture by default (docs/head.md, "A mixture of the candidates"): on the synthetic worlds
/// the width that won on the test items was the same in every world of a kind, but the
/// validation loss of 400 items picked it in only 9 of 15 choices, and the pick decided
/// comparisons by up to 2 level-2 points. A mixture of the candidates, weighted to fit the same
/// validation items (``MixtureWeights``), scored above the best single candidate.
public enum CandidateKeeping: String, CaseIterable, Sendable {
    /// Every candidate, its probabilities weighted by ``MixtureWeights`` (candidates weighted
    /// under 0.001 dropped).
    case mixture
    /// The candidate with the lowest validation loss (``ValidationChoice``).
    case lowest
}
