import Foundation
import Weights

/// The text channel's tokenizer, fastText-style: a text becomes ids of hashed n-grams in
/// `0 ..< buckets`, which index the head's learned table (`chars.table`, see ``EmbeddingBag``).
/// It needs no vocabulary, so it reads any language, and Chinese as well as English.
///
/// The rules (version 1) are written in head.json (``HeadConfig/textChannel``) and are the same
/// at training and classification:
/// 1. the text is normalised: Unicode NFKC (full-width letters and digits become ASCII), then
///    lower case;
/// 2. it is read as a stream of tokens: each CJK character (Han, kana, Hangul) is a token; each
///    run of other letters and digits is a word token; anything else (spaces, punctuation,
///    emoji) only separates;
/// 3. every token gives its unigram (`c:你`, `w:linen`), and every two neighbouring tokens of
///    the same kind give a bigram (`cc:你好` when no separator stands between the characters,
///    `ww:linen dress` for neighbouring words);
/// 4. each n-gram's id is SplitMix64.mix(FNV-1a-64(UTF-8 of the n-gram) ⊕ seed) mod buckets.
///
/// At most ``maxNgrams`` n-grams are kept per text, and per field (all of an item's products
/// together), the first ones.
public struct CharNgrams: Codable, Equatable, Sendable {
    /// Rows of the hashed table.
    public var buckets: Int
    /// The embedding width E.
    public var dim: Int
    /// Mixed into every hash: heads with other seeds share no rows.
    public var seed: UInt64
    /// The version of the rules above.
    public var rules: Int

    public static let maxNgrams = 1024

    public init(buckets: Int = 1 << 14, dim: Int = 32, seed: UInt64 = 0, rules: Int = 1) {
        (self.buckets, self.dim, self.seed, self.rules) = (buckets, dim, seed, rules)
    }

    /// The n-grams of `text` (rules 1–3), in order.
    public static func ngrams(_ text: String) -> [String] {
        let normalised = text.precomposedStringWithCompatibilityMapping.lowercased()
        var grams: [String] = []
        var word = ""
        // The previous token, its kind, and whether a separator came after it.
        var previous: (text: String, isCJK: Bool)?
        var separated = false
        func emit(_ token: String, isCJK: Bool) {
            grams.append((isCJK ? "c:" : "w:") + token)
            if let previous, previous.isCJK == isCJK, !(isCJK && separated) {
                grams.append(isCJK ? "cc:" + previous.text + token : "ww:" + previous.text + " " + token)
            }
            previous = (token, isCJK)
            separated = false
        }
        func endWord() {
            guard !word.isEmpty else { return }
            emit(word, isCJK: false)
            word = ""
        }
        for scalar in normalised.unicodeScalars {
            if isCJK(scalar) {
                endWord()
                emit(String(scalar), isCJK: true)
            } else if isWordCharacter(scalar) {
                word.unicodeScalars.append(scalar)
            } else {
                endWord()
                separated = true
            }
        }
        endWord()
        return grams
    }

    /// The ids of `text`'s n-grams (rule 4), at most ``maxNgrams``.
    public func ids(_ text: String) -> [Int] {
        Self.ngrams(text).prefix(Self.maxNgrams).map(id)
    }

    /// The id of one n-gram.
    public func id(_ gram: String) -> Int {
        Int(SplitMix64.mix(StableHash.fnv1a64(gram) ^ seed) % UInt64(buckets))
    }

    /// Han (with the extensions and compatibility ideographs), Hiragana, Katakana, Hangul.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F,  // Han
             0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF,                       // kana
             0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F:                       // Hangul
            return true
        default:
            return false
        }
    }

    /// A letter or digit that is not CJK: part of a word.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// The CJK characters and all letters and digits (CJK included) of `text`.
    public static func letterCounts(_ text: String) -> (cjk: Int, letters: Int) {
        var counts = (cjk: 0, letters: 0)
        for scalar in text.unicodeScalars {
            if isCJK(scalar) {
                counts.cjk += 1
                counts.letters += 1
            } else if isWordCharacter(scalar) {
                counts.letters += 1
            }
        }
        return counts
    }

    /// `--char-ngrams auto` turns the channel on when at least this share of the training
    /// texts' letters and digits are CJK characters (``letterCounts(_:)``).
    public static let autoShare = 0.1
}
