/// Whether a head gets the linear skip (``LinearSkip``; `vidtag train --linear-skip`).
///
/// Why a choice (docs/head.md, "The linear skip"): on an independently written world where the
/// evidence is linear in the mean features the skip closed the head's gap to logistic
/// regression; on the generator's worlds, where it is not, its thousands of inputs per class
/// fit the training items' noise and cost accuracy. The validation loss told the two apart.
public enum LinearSkipChoice: String, CaseIterable, Sendable {
    /// With validation items: one more head, with the skip and the first hidden width tried,
    /// kept if its validation loss is the lowest. Without validation items: no skip.
    case auto
    /// Every head trained has the skip (but one with the text channel's modalities alone:
    /// the skip reads the others).
    case on
    /// No head has it.
    case off

    /// The (hidden width, skip) pairs to train for `widths`, in the order tried (ties keep the
    /// first); `config` decides whether the skip has anything to read.
    func candidates(_ config: HeadConfig, widths: [Int], validation: Int) -> [(width: Int, skip: Bool)] {
        guard config.skipWidth > 0 else { return widths.map { ($0, false) } }
        switch self {
        case .on: return widths.map { ($0, true) }
        case .off: return widths.map { ($0, false) }
        case .auto: return widths.map { ($0, false) } + (validation > 0 ? [(widths[0], true)] : [])
        }
    }
}
