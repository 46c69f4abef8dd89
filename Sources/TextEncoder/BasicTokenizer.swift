/// BERT's basic tokenisation, before WordPiece: cleans the text, isolates CJK characters,
/// optionally lower-cases and strips accents, and splits on spaces and punctuation.
///
/// Follows `BasicTokenizer.tokenize` (transformers 5.24.0
/// `models/bert/tokenization_bert_legacy.py` L297), step by step:
///
/// 1. `_clean_text` (L405): drop U+0000, U+FFFD and control characters; every whitespace
///    character becomes a space.
/// 2. `_tokenize_chinese_chars` (L368): a space on either side of each CJK ideograph.
/// 3. NFC, then split on spaces (`str.split()`).
/// 4. Each word not in `neverSplit`: lower-case when `lowercase`, then strip accents
///    (NFD, drop Mn) when `stripAccents` is true, or is nil and `lowercase` is set.
/// 5. `_run_split_on_punc` (L346): every punctuation character becomes a word of its own,
///    unless the word (now cased and stripped) is in `neverSplit`.
public struct BasicTokenizer: Sendable {
    /// Lower-case words (`do_lower_case`).
    public var lowercase: Bool
    /// Strip accents (`strip_accents`); nil follows `lowercase`, as in the original BERT.
    public var stripAccents: Bool?
    /// Isolate CJK ideographs (`tokenize_chinese_chars`).
    public var tokenizeChineseChars: Bool
    /// Words left exactly as they are: neither cased, stripped nor split (scalar-exact).
    public var neverSplit: Set<[Unicode.Scalar]>

    public init(lowercase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseChars: Bool = true,
                neverSplit: Set<[Unicode.Scalar]> = []) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
        self.neverSplit = neverSplit
    }

    /// The words of `text`, each as its scalars.
    public func tokenize(_ text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        let normalized = PythonUnicode.nfc(cleaned(text))
        var words: [[Unicode.Scalar]] = []
        for var word in PythonUnicode.splitOnSpace(normalized) {
            if neverSplit.contains(word) {
                words.append(word)
                continue
            }
            if lowercase {
                word = PythonUnicode.lowercased(word)
                if stripAccents != false { word = PythonUnicode.strippingAccents(word) }
            } else if stripAccents == true {
                word = PythonUnicode.strippingAccents(word)
            }
            // transformers checks `never_split` again here, on the cased and stripped word:
            // "[MÁSK]" stripped of its accent is "[MASK]", which stays whole.
            if neverSplit.contains(word) {
                words.append(word)
            } else {
                splitOnPunctuation(word, into: &words)
            }
        }
        // transformers joins the words with spaces and splits again; a word can only be
        // empty here (accent stripping removed all of it), and that split drops it.
        return words.filter { !$0.isEmpty }
    }

    /// Steps 1 and 2: cleaning and spaces around CJK ideographs.
    func cleaned(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        for scalar in text {
            if scalar == "\u{0}" || scalar == "\u{FFFD}" || PythonUnicode.isControl(scalar) { continue }
            if PythonUnicode.isWhitespace(scalar) {
                out.append(" ")
            } else if tokenizeChineseChars && PythonUnicode.isCJK(scalar) {
                out.append(contentsOf: [" ", scalar, " "])
            } else {
                out.append(scalar)
            }
        }
        return out
    }

    /// Step 5: runs of non-punctuation, and each punctuation scalar alone.
    private func splitOnPunctuation(_ word: [Unicode.Scalar], into words: inout [[Unicode.Scalar]]) {
        var start = 0
        for (i, scalar) in word.enumerated() where PythonUnicode.isPunctuation(scalar) {
            if start < i { words.append(Array(word[start..<i])) }
            words.append([scalar])
            start = i + 1
        }
        if start < word.count { words.append(Array(word[start...])) }
    }
}
