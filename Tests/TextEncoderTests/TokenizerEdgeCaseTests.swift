import Foundation
import Testing
@testable import TextEncoder

/// Hand-written cases: the corners of BERT's tokenisation, each with the answer transformers gives.
@Suite struct TokenizerEdgeCaseTests {
    /// all-MiniLM-L6-v2's (bert-base-uncased) tokenizer, 256 ids at most.
    let uncased: BertTokenizer

    init() throws {
        uncased = try BertTokenizer(directory: TextFixtures.miniLMTokenizer, maxLength: 256)
    }

    /// A tokenizer over a handful of tokens.
    static func tiny(_ tokens: [String], lowercase: Bool = false, maxLength: Int = 512) throws -> BertTokenizer {
        var config = TokenizerConfig()
        config.lowercase = lowercase
        return try BertTokenizer(vocabulary: Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens),
                                 config: config, maxLength: maxLength)
    }

    @Test func emptyAndBlankTextsGiveOnlyClsAndSep() {
        for text in ["", " ", "   ", "\t\n\r", "\u{3000}", "\u{0}\u{7}\u{200B}", "\u{FFFD}"] {
            let tokenized = uncased.encode(text)
            #expect(tokenized.ids == [101, 102], "\(text.debugDescription)")
            #expect(!tokenized.truncated)
        }
    }

    @Test func punctuationIsSplitCharacterByCharacter() {
        #expect(uncased.tokens("...") == ["[CLS]", ".", ".", ".", "[SEP]"])
        #expect(uncased.tokens("!?") == ["[CLS]", "!", "?", "[SEP]"])
        // ASCII symbols outside Unicode's P* categories count as punctuation too.
        #expect(uncased.tokens("a$b^c`d") == ["[CLS]", "a", "$", "b", "^", "c", "`", "d", "[SEP]"])
        #expect(uncased.tokens("state-of-the-art") == ["[CLS]", "state", "-", "of", "-", "the", "-", "art", "[SEP]"])
    }

    @Test func wordsOverOneHundredScalarsBecomeUnknown() {
        #expect(uncased.tokens(String(repeating: "a", count: 101)) == ["[CLS]", "[UNK]", "[SEP]"])
        #expect(uncased.tokens(String(repeating: "a", count: 100)).count > 3)
        // Scalars, not Characters: 100 "é" written decomposed are 100 scalars after NFC and accent stripping.
        #expect(uncased.tokens(String(repeating: "e\u{301}", count: 100)).contains("[UNK]") == false)
        #expect(uncased.tokens(String(repeating: "中", count: 101)).count == 103)  // CJK: one word each
    }

    @Test func wordPieceTakesTheLongestPieceFirst() throws {
        let tokenizer = try Self.tiny(["un", "una", "##aff", "##ffable", "##able", "##f"])
        // "una" + "##ffable" is longer at the first step than "un" + "##aff" + "##able".
        #expect(tokenizer.tokens("unaffable") == ["[CLS]", "una", "##ffable", "[SEP]"])
        // A word that cannot be finished becomes one [UNK], not a partial split.
        #expect(tokenizer.tokens("unx") == ["[CLS]", "[UNK]", "[SEP]"])
        #expect(tokenizer.tokens("unaff unx una") == ["[CLS]", "una", "##f", "##f", "[UNK]", "una", "[SEP]"])
    }

    @Test func withoutBasicTokenizationWordPieceSeesRawWords() throws {
        var config = TokenizerConfig()
        config.basicTokenize = false  // do_basic_tokenize: false — no cleaning, casing or punctuation split
        let tokenizer = try BertTokenizer(
            vocabulary: Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Hello", "##,", "world"]),
            config: config, maxLength: 16)
        #expect(tokenizer.tokens("Hello, world") == ["[CLS]", "Hello", "##,", "world", "[SEP]"])
        #expect(tokenizer.tokens("hello") == ["[CLS]", "[UNK]", "[SEP]"])
    }

    @Test func chineseCharactersAreSplitOneByOne() {
        #expect(uncased.tokens("中文abc") == ["[CLS]", "中", "文", "abc", "[SEP]"])
        // Kana are not CJK ideographs: one word, split by WordPiece.
        #expect(uncased.tokens("ひらがな") == ["[CLS]", "ひ", "##ら", "##か", "##な", "[SEP]"])
    }

    @Test func specialTokensInTheTextKeepTheirIDs() {
        #expect(uncased.tokens("hello[MASK]world") == ["[CLS]", "hello", "[MASK]", "world", "[SEP]"])
        #expect(uncased.tokens("x[CLS]y") == ["[CLS]", "x", "[CLS]", "y", "[SEP]"])
        // Matching is literal and case-sensitive: lower-case "[mask]" is ordinary text.
        #expect(uncased.tokens("[mask]") == ["[CLS]", "[", "mask", "]", "[SEP]"])
    }

    @Test func controlAndFormatCharactersAreRemoved() {
        let clean = uncased.encode("hello world").ids
        for noisy in ["hel\u{0}lo world", "hel\u{200B}lo world", "hel\u{AD}lo world", "\u{FEFF}hello world",
                      "hello\u{7}world".replacingOccurrences(of: "\u{7}", with: " "), "hello\u{2028}world"] {
            #expect(uncased.encode(noisy).ids == clean, "\(noisy.debugDescription)")
        }
    }

    @Test func lowerCasingFollowsPython() {
        // Final sigma at the end of a word, as str.lower() does.
        #expect(PythonUnicode.string(PythonUnicode.lowercased(Array("ΟΔΟΣ ΣΑΣ".unicodeScalars))) == "οδος σας")
        // İ lower-cases to two scalars, i and a combining dot (then stripped with the accents).
        #expect(PythonUnicode.lowercased(["\u{130}"]) == ["i", "\u{307}"])
        #expect(uncased.tokens("İstanbul") == uncased.tokens("istanbul"))
        // Accents are stripped for uncased models, composed or not.
        #expect(uncased.encode("café").ids == uncased.encode("cafe").ids)
        #expect(uncased.encode("cafe\u{301}").ids == uncased.encode("cafe").ids)
    }

    @Test func vocabularyComparesTokensScalarByScalar() throws {
        let vocabulary = Vocabulary(tokens: ["[UNK]", "é"])
        #expect(vocabulary.id("é") == 1)
        #expect(vocabulary.id("e\u{301}") == nil)  // Swift's == would call these equal
        // A cased tokenizer applies NFC first (as transformers' slow tokenizer does), so both match.
        let tokenizer = try Self.tiny(["é"])
        #expect(tokenizer.pieceIDs("e\u{301}") == [5])
        #expect(tokenizer.pieceIDs("é") == [5])
    }

    @Test func vocabularyFileIsReadAsPythonReadsIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vidtag-vocab-\(UUID()).txt").path
        defer { TextFixtures.cleanUp(path) }
        // CRLF and CR line ends, a duplicate (the last line wins), no final line break.
        try Data("[PAD]\r\n[UNK]\rdup\ndup\r\n[CLS]\n[SEP]".utf8).write(to: URL(fileURLWithPath: path))
        let vocabulary = try Vocabulary(path: path)
        #expect(vocabulary.tokens == ["[PAD]", "[UNK]", "dup", "dup", "[CLS]", "[SEP]"])
        #expect(vocabulary.id("dup") == 3)
        #expect(vocabulary.id("[SEP]") == 5)
    }

    @Test func truncationKeepsTheFirstPiecesAndRecordsIt() throws {
        let tokenizer = try Self.tiny(["a", "b", "c", "d"], maxLength: 5)
        let long = tokenizer.encode("a b c d a b")
        #expect(long.ids == [2, 5, 6, 7, 3])
        #expect(long.truncated)
        #expect(long.fullLength == 8)
        let fits = tokenizer.encode("a b c")
        #expect(fits.ids == [2, 5, 6, 7, 3])
        #expect(!fits.truncated)
        #expect(fits.fullLength == 5)
    }

    @Test func maxLengthComesFromSentenceTransformersThenTokenizerConfig() throws {
        // all-MiniLM-L6-v2's tokenizer files alone: model_max_length 512.
        #expect(try ModelDirectory.maxSequenceLength(directory: TextFixtures.miniLMTokenizer) == 512)
        // tiny-bert: model_max_length 64, capped by its 64 positions.
        #expect(try ModelDirectory.maxSequenceLength(directory: TextFixtures.tinyBERT) == 64)
        // tiny-bert-mlm: sentence_bert_config.json's 24 wins over model_max_length 40.
        #expect(try ModelDirectory.maxSequenceLength(directory: TextFixtures.tinyBERTMLM) == 24)
    }
}
