/// WordPiece: splits a word into the longest vocabulary pieces, left to right, continuation
/// pieces carrying the `##` prefix ("unaffable" → "un", "##aff", "##able").
///
/// Follows `WordpieceTokenizer.tokenize` (transformers 5.24.0
/// `models/bert/tokenization_bert_legacy.py` L427): a word longer than
/// `maxInputCharsPerWord` scalars, or one that some position cannot continue from, becomes the
/// unknown token as a whole.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: Vocabulary
    /// The id of the unknown token.
    public let unknownID: Int
    /// Words longer than this (in scalars) become the unknown token (100 in transformers).
    public let maxInputCharsPerWord: Int

    static let continuationPrefix: [Unicode.Scalar] = ["#", "#"]

    public init(vocabulary: Vocabulary, unknownID: Int, maxInputCharsPerWord: Int = 100) {
        (self.vocabulary, self.unknownID, self.maxInputCharsPerWord) = (vocabulary, unknownID, maxInputCharsPerWord)
    }

    /// The ids of the pieces of each space-separated word of `text`, appended to `ids`.
    public func appendIDs(of text: [Unicode.Scalar], to ids: inout [Int]) {
        for word in PythonUnicode.splitOnSpace(text) {
            appendIDs(ofWord: word, to: &ids)
        }
    }

    /// The ids of the pieces of one word (no spaces in it), appended to `ids`.
    func appendIDs(ofWord word: [Unicode.Scalar], to ids: inout [Int]) {
        guard word.count <= maxInputCharsPerWord else {
            ids.append(unknownID)
            return
        }
        let firstPiece = ids.count
        var key: [Unicode.Scalar] = []
        key.reserveCapacity(word.count + 2)
        var start = 0
        while start < word.count {
            let prefix = start > 0 ? Self.continuationPrefix : []
            // A piece longer than the longest token cannot match: start the search there.
            var end = min(word.count, start + max(0, vocabulary.longestToken - prefix.count))
            var match: Int?
            while start < end {
                key.removeAll(keepingCapacity: true)
                key.append(contentsOf: prefix)
                key.append(contentsOf: word[start..<end])
                if let id = vocabulary.id(key) {
                    match = id
                    break
                }
                end -= 1
            }
            guard let match else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownID)
                return
            }
            ids.append(match)
            start = end
        }
    }
}
