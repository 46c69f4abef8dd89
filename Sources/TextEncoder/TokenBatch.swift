/// Texts' token ids packed back to back for one forward pass: `[N]` ids for B sequences of
/// lengths L_b (N = Σ L_b), with no padding.
///
/// This is a padded `[B, T]` batch with its attention mask, stored without the padding: every
/// position attends only to the positions of its own sequence (``BertSelfAttention``), which is
/// what `BertModel`'s padding mask achieves (a masked key gets weight exp(−∞) = 0), and no
/// work is spent on padded positions, whose outputs no pooling reads.
public struct TokenBatch: Sendable, Equatable {
    /// `[N]`: the ids of sequence 0, then sequence 1, ….
    public let ids: [Int]
    /// `[B]`: the length of each sequence (at least 1).
    public let lengths: [Int]
    /// `[B]`: the row of each sequence's first token in `ids` and in the `[N, D]` hidden states.
    public let offsets: [Int]

    /// Packs `sequences` (each non-empty), in order.
    public init(_ sequences: [[Int]]) {
        precondition(sequences.allSatisfy { !$0.isEmpty }, "TokenBatch: empty sequence")
        ids = sequences.flatMap { $0 }
        lengths = sequences.map(\.count)
        var offsets: [Int] = []
        var offset = 0
        for length in lengths {
            offsets.append(offset)
            offset += length
        }
        self.offsets = offsets
    }

    /// B.
    public var count: Int { lengths.count }

    /// N, the total number of tokens.
    public var tokenCount: Int { ids.count }

    /// The rows of sequence `b`.
    public func rows(_ b: Int) -> Range<Int> { offsets[b]..<(offsets[b] + lengths[b]) }

    /// The longest sequence.
    public var maxLength: Int { lengths.max() ?? 0 }
}
