/// One text as BERT's input: `[CLS] pieces… [SEP]`, cut to the maximum length.
public struct TokenizedText: Sendable, Equatable {
    /// The ids, `[CLS]` first and `[SEP]` last; at most the tokenizer's `maxLength` of them.
    public var ids: [Int]
    /// Whether pieces were cut off to fit `maxLength`.
    public var truncated: Bool
    /// The number of ids the whole text would have taken, `[CLS]` and `[SEP]` included.
    public var fullLength: Int
}

/// BERT's WordPiece tokenizer, giving the ids Hugging Face's Python `BertTokenizer` gives
/// (`BertTokenizerLegacy` in transformers 5.x; the "slow" tokenizer).
///
/// The steps, as `PythonBackend.tokenize` (transformers 5.24.0
/// `tokenization_python.py` L630) and `BertTokenizerLegacy._tokenize`
/// (`models/bert/tokenization_bert_legacy.py` L156) take them:
///
/// 1. Added tokens (the special tokens `[CLS]`, `[SEP]`, `[UNK]`, `[PAD]`, `[MASK]` and any
///    other) are found in the raw text, matched literally and case-sensitively, and keep their
///    own ids: "a[MASK]b" → a, [MASK], b; "[mask]" is ordinary text.
/// 2. The text between them goes through ``BasicTokenizer`` and ``WordPieceTokenizer``.
/// 3. `[CLS]` and `[SEP]` enclose the ids; pieces beyond `maxLength − 2` are cut off (the
///    truncation is recorded in ``TokenizedText``).
///
/// The fast (Rust) tokenizer agrees except in a few corners where the slow one is the
/// reference: it does not apply NFC (so "e\u{301}" stays two scalars when accents are kept),
/// it lower-cases capital sigma without the final-sigma rule, its Unicode tables differ for
/// characters newer than CPython's (see ``PythonUnicode``), and it ignores `never_split`. On
/// the goldens' 697 strings it differs on 8 for all-MiniLM-L6-v2's vocabulary.
public struct BertTokenizer: Sendable {
    public let config: TokenizerConfig
    public let vocabulary: Vocabulary
    /// The most ids per text, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    public let classID: Int
    public let separatorID: Int
    public let unknownID: Int

    let basic: BasicTokenizer
    let wordPiece: WordPieceTokenizer
    /// Added tokens with their ids, longest first (the longest match wins at a position).
    let addedTokens: [(scalars: [Unicode.Scalar], id: Int)]
    /// Words WordPiece leaves whole (`never_split`).
    let unsplittable: Set<[Unicode.Scalar]>

    /// Loads `vocab.txt`, `tokenizer_config.json` and `special_tokens_map.json` from `directory`.
    ///
    /// - Parameter maxLength: the most ids per text; nil takes it from the directory as
    ///   ``ModelDirectory/maxSequenceLength(directory:)`` decides.
    public init(directory: String, maxLength: Int? = nil) throws(TextEncoderError) {
        let vocabularyPath = directory + "/vocab.txt"
        let length: Int
        if let maxLength { length = maxLength } else { length = try ModelDirectory.maxSequenceLength(directory: directory) }
        try self.init(
            vocabulary: try Vocabulary(path: vocabularyPath), config: try TokenizerConfig(directory: directory),
            maxLength: length, source: vocabularyPath)
    }

    /// A tokenizer from parts; `source` names the vocabulary in errors.
    ///
    /// - Throws: ``TextEncoderError/missingSpecialToken(path:role:token:)`` when `[CLS]`, `[SEP]`
    ///   or `[UNK]` has no id; ``TextEncoderError/invalidConfig(path:reason:)`` when
    ///   `maxLength` < 2.
    public init(vocabulary: Vocabulary, config: TokenizerConfig, maxLength: Int,
                source: String = "vocab.txt") throws(TextEncoderError) {
        guard maxLength >= 2 else {
            throw .invalidConfig(path: source, reason: "the maximum length \(maxLength) leaves no room for [CLS] and [SEP]")
        }
        var added: [String: Int] = [:]
        for token in config.addedTokens { added[token.content] = token.id ?? vocabulary.id(token.content) }
        for token in config.specialTokens where added[token] == nil {
            if let id = vocabulary.id(token) { added[token] = id }
        }
        func id(_ role: String, _ token: String) throws(TextEncoderError) -> Int {
            guard let id = added[token] ?? vocabulary.id(token) else {
                throw .missingSpecialToken(path: source, role: role, token: token)
            }
            return id
        }
        self.classID = try id("class", config.classToken)
        self.separatorID = try id("separator", config.separatorToken)
        self.unknownID = try id("unknown", config.unknownToken)
        self.config = config
        self.vocabulary = vocabulary
        self.maxLength = maxLength
        self.addedTokens = added.map { (Array($0.key.unicodeScalars), $0.value) }
            .filter { !$0.0.isEmpty }
            .sorted { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.1 < $1.1 }
        let neverSplit = Set(config.neverSplit.map { Array($0.unicodeScalars) })
        self.unsplittable = neverSplit
        self.basic = BasicTokenizer(
            lowercase: config.lowercase, stripAccents: config.stripAccents,
            tokenizeChineseChars: config.tokenizeChineseChars,
            neverSplit: neverSplit.union(config.specialTokens.map { Array($0.unicodeScalars) }))
        self.wordPiece = WordPieceTokenizer(vocabulary: vocabulary, unknownID: unknownID)
    }

    /// The largest id this tokenizer can produce, plus one.
    public var idLimit: Int {
        max(vocabulary.count, (addedTokens.map(\.id).max() ?? -1) + 1)
    }

    /// The ids of `text` without `[CLS]`/`[SEP]` and without truncation.
    public func pieceIDs(_ text: String) -> [Int] {
        var ids: [Int] = []
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var position = 0
        while position < scalars.count {
            if let token = addedToken(in: scalars, at: position) {
                appendPieces(of: scalars[start..<position], to: &ids)
                ids.append(token.id)
                position += token.scalars.count
                start = position
            } else {
                position += 1
            }
        }
        appendPieces(of: scalars[start...], to: &ids)
        return ids
    }

    /// `[CLS]` + the ids of `text` + `[SEP]`, cut to ``maxLength``.
    public func encode(_ text: String) -> TokenizedText {
        let pieces = pieceIDs(text)
        let kept = min(pieces.count, maxLength - 2)
        return TokenizedText(ids: [classID] + pieces[..<kept] + [separatorID],
                             truncated: kept < pieces.count, fullLength: pieces.count + 2)
    }

    /// The tokens of `text` as strings (for display and debugging), `[CLS]`/`[SEP]` included.
    public func tokens(_ text: String) -> [String] {
        encode(text).ids.map { $0 < vocabulary.tokens.count ? vocabulary.tokens[$0] : addedName($0) }
    }

    private func addedName(_ id: Int) -> String {
        addedTokens.first { $0.id == id }.map { PythonUnicode.string($0.scalars) } ?? "<\(id)>"
    }

    /// The longest added token that starts at `position`.
    private func addedToken(in scalars: [Unicode.Scalar], at position: Int) -> (scalars: [Unicode.Scalar], id: Int)? {
        for token in addedTokens where token.scalars.first == scalars[position] {
            if position + token.scalars.count <= scalars.count,
               scalars[position..<position + token.scalars.count].elementsEqual(token.scalars) {
                return token
            }
        }
        return nil
    }

    /// Basic tokenisation and WordPiece of text that holds no added token.
    private func appendPieces(of text: ArraySlice<Unicode.Scalar>, to ids: inout [Int]) {
        guard !text.isEmpty else { return }
        guard config.basicTokenize else {
            wordPiece.appendIDs(of: Array(text), to: &ids)
            return
        }
        for word in basic.tokenize(Array(text)) {
            if unsplittable.contains(word) {
                ids.append(vocabulary.id(word) ?? unknownID)
            } else {
                wordPiece.appendIDs(ofWord: word, to: &ids)
            }
        }
    }
}
