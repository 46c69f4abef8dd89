import Foundation

/// Character classes, case mapping and normalisation as Hugging Face's Python tokenizer sees
/// them: CPython's `unicodedata` and `str` methods, plus the predicates of
/// `transformers/tokenization_python.py` (`_is_whitespace`, `_is_control`, `_is_punctuation`).
///
/// Everything works on Unicode scalars (Python's code points), never on Swift `Character`s:
/// a grapheme cluster such as "e\u{301}" is two code points to Python.
///
/// The Unicode data is Swift's, cut back to ``version``: a scalar assigned after it counts as
/// unassigned (category Cn), as it does in the Python that produced the reference ids
/// (CPython 3.11 ships Unicode 14.0.0). So a Unicode 15 emoji such as U+1FAE8 is a control
/// character to the tokenizer and is removed, exactly as `BertTokenizer` (slow) does there.
public enum PythonUnicode {
    /// The Unicode version of CPython 3.11's `unicodedata.unidata_version`.
    public static let version: Unicode.Version = (major: 14, minor: 0)

    /// Scalars whose category changed between Unicode 14.0 and Swift's data (found by comparing
    /// every code point's category, lower-casing, NFC and NFD with CPython 3.11's; nothing else
    /// differs for scalars assigned by 14.0).
    static let categoryIn14: [UInt32: Unicode.GeneralCategory] = [
        0x0295: .lowercaseLetter,  // ʕ LATIN LETTER PHARYNGEAL VOICED FRICATIVE: Lo since Unicode 16
        0x1171E: .nonspacingMark,  // AHOM CONSONANT SIGN MEDIAL RA: Mc since Unicode 16
    ]

    /// Whether the scalar was assigned by ``version``.
    static func isAssigned(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < version.major || (age.major == version.major && age.minor <= version.minor)
    }

    /// `unicodedata.category(c)` under ``version``.
    public static func category(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory {
        guard isAssigned(scalar) else { return .unassigned }
        return categoryIn14[scalar.value] ?? scalar.properties.generalCategory
    }

    /// Unicode's Cased property as CPython 3.11 has it (for the final-sigma rule).
    static func isCased(_ scalar: Unicode.Scalar) -> Bool {
        guard isAssigned(scalar) else { return false }
        return scalar.value == 0x0295 || scalar.properties.isCased
    }

    /// Unicode's Case_Ignorable property as CPython 3.11 has it (for the final-sigma rule).
    static func isCaseIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        isAssigned(scalar) && (scalar.value == 0x1171E || scalar.properties.isCaseIgnorable)
    }

    /// `_is_whitespace`: space, tab, newline, carriage return, or category Zs.
    /// transformers 5.24.0 `tokenization_python.py` L340 (`_is_whitespace`).
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r": return true
        default: return category(scalar) == .spaceSeparator
        }
    }

    /// `_is_control`: any category C* (Cc, Cf, Cs, Co, Cn) except tab, newline and carriage return.
    /// transformers 5.24.0 `tokenization_python.py` L352 (`_is_control`).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        default:
            switch category(scalar) {
            case .control, .format, .surrogate, .privateUse, .unassigned: return true
            default: return false
            }
        }
    }

    /// `_is_punctuation`: ASCII 33–47, 58–64, 91–96, 123–126 (so `$`, `^`, `` ` ``, `+`, `<`
    /// count) or any category P*.
    /// transformers 5.24.0 `tokenization_python.py` L364 (`_is_punctuation`).
    public static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        default:
            switch category(scalar) {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default: return false
            }
        }
    }

    /// `BasicTokenizer._is_chinese_char`: the CJK Unified Ideographs blocks and extensions
    /// A–E plus the compatibility ideographs (not Hangul, kana or CJK punctuation).
    /// transformers 5.24.0 `models/bert/tokenization_bert_legacy.py` L381.
    public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }

    /// What `str.split()` (no argument) splits on: `Py_UNICODE_ISSPACE`, i.e. category Zs or
    /// bidirectional class WS, B or S. Unlike Unicode's White_Space it includes U+001C–U+001F.
    public static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default: return false
        }
    }

    /// `text.split()`: runs of non-space scalars.
    public static func splitOnSpace(_ text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        text.split(whereSeparator: isPythonSpace).map(Array.init)
    }

    /// `str.lower()`: the full lowercase mapping of each scalar (so "İ" becomes "i̇", two
    /// scalars), with capital sigma becoming final sigma "ς" at the end of a word, as CPython's
    /// `handle_capital_sigma` decides it: preceded by a cased letter and not followed by one,
    /// case-ignorable scalars skipped on both sides.
    public static func lowercased(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        for (i, scalar) in text.enumerated() {
            if scalar.value < 0x80 {
                out.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else if scalar == "\u{03A3}" {
                out.append(isFinalSigma(text, at: i) ? "\u{03C2}" : "\u{03C3}")
            } else if category(scalar) == .unassigned {
                out.append(scalar)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    private static func isFinalSigma(_ text: [Unicode.Scalar], at index: Int) -> Bool {
        var before = index - 1
        while before >= 0 && isCaseIgnorable(text[before]) { before -= 1 }
        guard before >= 0 && isCased(text[before]) else { return false }
        var after = index + 1
        while after < text.count && isCaseIgnorable(text[after]) { after += 1 }
        return after == text.count || !isCased(text[after])
    }

    /// `unicodedata.normalize("NFC", text)`.
    public static func nfc(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Pure ASCII (and most Latin-1) text is already in NFC; skip the round trip.
        if text.allSatisfy({ $0.value < 0x300 }) { return text }
        return Array(string(text).precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// `BasicTokenizer._run_strip_accents`: NFD, then drop every non-spacing mark (Mn).
    /// transformers 5.24.0 `models/bert/tokenization_bert_legacy.py` L335.
    public static func strippingAccents(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if text.allSatisfy({ $0.value < 0xC0 }) { return text }
        return string(text).decomposedStringWithCanonicalMapping.unicodeScalars
            .filter { category($0) != .nonspacingMark }
    }

    /// The scalars as a Swift string (exactly these scalars; no normalisation).
    public static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
