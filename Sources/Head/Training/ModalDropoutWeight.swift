import Foundation

/// The loss weight of a training item that modal dropout changed (the items it left whole
/// weigh 1): a fixed weight in (0, 1], or `belief`, a weight per item from the head itself.
///
/// `belief`: w_b = min(1, p(y₂ | what dropout kept) / p(y₂ | the whole item)) = min(1,
/// exp(L2_whole − L2_kept)), the share of the head's probability of the item's level-2 class
/// that survives the drop, measured by a forward pass over the whole items before each step and
/// not differentiated. An item that lost what told its class (the telling frames, where the
/// other modalities say little) weighs almost nothing: fitting its label from what is left
/// teaches the weak modalities noise that then costs the whole items. An item that lost little
/// keeps its weight, and with it the robustness dropout is for (docs/head.md, "Which dropped
/// items cost").
///
/// Either weight acts through AdamW's first moment only; the second moment comes from the
/// unweighted gradient (``HeadTrainer``), because AdamW divides each parameter's step by its
/// own gradient's size: otherwise a parameter that mostly the changed items train would step as
/// far at weight 0.05 as at 1.
public enum ModalDropoutWeight: Equatable, Sendable, CustomStringConvertible {
    case fixed(Double)
    case belief

    /// Every item weighs 1: the default of heads trained before 2026-12-07 (``TrainingOptions``'
    /// default is now `belief`).
    public static let one = ModalDropoutWeight.fixed(1)

    /// "belief" or a number.
    public init?(_ text: String) {
        if text == "belief" { self = .belief; return }
        guard let w = Double(text) else { return nil }
        self = .fixed(w)
    }

    public var description: String {
        switch self {
        case .belief: return "belief"
        case let .fixed(w): return String(describing: w)
        }
    }

    /// Why the weight cannot be used, or nil.
    var problem: String? {
        if case let .fixed(w) = self, !(w > 0 && w <= 1) { return "the loss weight of items modal dropout changed is in (0, 1]" }
        return nil
    }

    /// A batch's loss weights (B): w, or for `belief` min(1, exp(L2_whole − L2_kept)), for the
    /// items dropout changed, 1 for the others; empty (nothing to multiply) when no item changed
    /// or the weight is 1. `whole`, `kept` (belief only): (B) level-2 cross-entropies of the items
    /// whole and as dropout left them (0 for items without a level-2 label: they weigh 1).
    func weights(changed: [Bool], whole: [Float] = [], kept: [Float] = []) -> [Float] {
        guard changed.contains(true), self != .one else { return [] }
        switch self {
        case let .fixed(w):
            return changed.map { $0 ? Float(w) : 1 }
        case .belief:
            precondition(whole.count == changed.count && kept.count == changed.count, "belief: one loss per item")
            return changed.indices.map { b in changed[b] ? min(1, expf(whole[b] - kept[b])) : 1 }
        }
    }
}

extension ModalDropoutWeight: Codable {
    /// A number, or the string "belief".
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let w = try? c.decode(Double.self) { self = .fixed(w); return }
        let text = try c.decode(String.self)
        guard text == "belief" else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number or \"belief\", found \"\(text)\"")
        }
        self = .belief
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .belief: try c.encode("belief")
        case let .fixed(w): try c.encode(w)
        }
    }
}
