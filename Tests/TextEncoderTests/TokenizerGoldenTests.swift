import Foundation
import Testing
@testable import TextEncoder

/// Token ids against Hugging Face's Python BertTokenizer (Fixtures/text/tokenizer_goldens.json,
/// made by Scripts/reference/make_text_goldens.py): 697 strings under four configurations.
@Suite struct TokenizerGoldenTests {
    struct Goldens: Decodable {
        struct Config: Decodable {
            let name: String
            let directory: String
            let options: Options
            let ids: [[Int]]
            /// Index → the fast tokenizer's ids, where they differ from the slow one's.
            let fast_differs: [String: [Int]]
        }
        struct Options: Decodable {
            let do_lower_case: Bool?
            let strip_accents: Bool?
            let tokenize_chinese_chars: Bool?
            let never_split: [String]?
        }
        struct Truncation: Decodable {
            let text: String
            let max_length: Int
            let ids: [Int]
            let truncated: Bool
        }
        let python: String
        let unicodedata: String
        let transformers: String
        /// FNV-1a 64 digests of Python's answers for every code point, per block of 4096.
        let unicode_blocks: [String]
        let strings: [String]
        let configs: [Config]
        let truncation: [Truncation]
    }

    let goldens: Goldens

    init() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TextFixtures.path("tokenizer_goldens.json")))
        goldens = try JSONDecoder().decode(Goldens.self, from: data)
    }

    static func tokenizer(_ config: Goldens.Config, maxLength: Int = 100_000) throws -> BertTokenizer {
        let directory = TextFixtures.path(config.directory)
        var settings = try TokenizerConfig(directory: directory)
        let options = config.options
        if let value = options.do_lower_case { settings.lowercase = value }
        if let value = options.strip_accents { settings.stripAccents = value }
        if let value = options.tokenize_chinese_chars { settings.tokenizeChineseChars = value }
        if let value = options.never_split { settings.neverSplit = value }
        return try BertTokenizer(vocabulary: try Vocabulary(path: directory + "/vocab.txt"), config: settings,
                                 maxLength: maxLength)
    }

    @Test func goldensCameFromTheUnicodeVersionWeReproduce() {
        let ours = "\(PythonUnicode.version.major).\(PythonUnicode.version.minor).0"
        print("goldens: Python \(goldens.python), unicodedata \(goldens.unicodedata), transformers \(goldens.transformers)")
        #expect(goldens.unicodedata == ours,
                "the goldens were made with Unicode \(goldens.unicodedata); PythonUnicode.version is \(ours)")
        #expect(goldens.strings.count >= 500)
        #expect(goldens.configs.count == 4)
    }

    /// Every code point: category, `lower()`, NFC, accent stripping, `isspace()` and the final-sigma
    /// context on either side, hashed per block as make_text_goldens.py hashes CPython's answers.
    @Test func unicodeDataEqualsPythonForEveryCodePoint() {
        func hex(_ scalars: [Unicode.Scalar]) -> String {
            scalars.map { String($0.value, radix: 16) }.joined(separator: ".")
        }
        var differing: [String] = []
        for block in 0..<0x110 {
            var digest: UInt64 = 0xCBF2_9CE4_8422_2325
            for value in UInt32(block * 0x1000)..<UInt32((block + 1) * 0x1000) {
                guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
                let category = PythonUnicode.category(scalar)
                let line = [String(value, radix: 16), Self.categoryNames[category]!,
                            hex(PythonUnicode.lowercased([scalar])), hex(PythonUnicode.nfc([scalar])),
                            hex(PythonUnicode.strippingAccents([scalar])), PythonUnicode.isPythonSpace(scalar) ? "1" : "0",
                            hex([PythonUnicode.lowercased(["A", scalar, "\u{3A3}"]).last!]),
                            hex([PythonUnicode.lowercased(["A", "\u{3A3}", scalar])[1]])].joined(separator: " ") + "\n"
                for byte in line.utf8 { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01B3 }
            }
            let ours = String(digest, radix: 16)
            let padded = String(repeating: "0", count: 16 - ours.count) + ours
            if padded != goldens.unicode_blocks[block] { differing.append(String(block * 0x1000, radix: 16)) }
        }
        print("Unicode data: \(0x110 - differing.count)/\(0x110) blocks of 4096 code points answer as CPython "
              + "\(goldens.python) (Unicode \(goldens.unicodedata)) does")
        #expect(differing.isEmpty, "blocks starting at U+\(differing.joined(separator: ", U+")) differ")
    }

    static let categoryNames: [Unicode.GeneralCategory: String] = [
        .uppercaseLetter: "Lu", .lowercaseLetter: "Ll", .titlecaseLetter: "Lt", .modifierLetter: "Lm",
        .otherLetter: "Lo", .nonspacingMark: "Mn", .spacingMark: "Mc", .enclosingMark: "Me", .decimalNumber: "Nd",
        .letterNumber: "Nl", .otherNumber: "No", .connectorPunctuation: "Pc", .dashPunctuation: "Pd",
        .openPunctuation: "Ps", .closePunctuation: "Pe", .initialPunctuation: "Pi", .finalPunctuation: "Pf",
        .otherPunctuation: "Po", .mathSymbol: "Sm", .currencySymbol: "Sc", .modifierSymbol: "Sk",
        .otherSymbol: "So", .spaceSeparator: "Zs", .lineSeparator: "Zl", .paragraphSeparator: "Zp",
        .control: "Cc", .format: "Cf", .surrogate: "Cs", .privateUse: "Co", .unassigned: "Cn",
    ]

    @Test(arguments: ["minilm-uncased", "tiny-cased", "tiny-lowercase-keep-accents", "tiny-strip-accents-no-cjk"])
    func idsEqualHuggingFace(configName: String) throws {
        let config = try #require(goldens.configs.first { $0.name == configName })
        let tokenizer = try Self.tokenizer(config)
        var mismatches: [String] = []
        var agreeingWithFast = 0
        for (index, text) in goldens.strings.enumerated() {
            let ids = tokenizer.encode(text).ids
            if ids != config.ids[index] {
                mismatches.append("#\(index) \(text.debugDescription): ours \(ids), transformers \(config.ids[index])")
            }
            if config.fast_differs[String(index)] == nil && ids == config.ids[index] { agreeingWithFast += 1 }
        }
        let total = config.ids.reduce(0) { $0 + $1.count }
        print("tokenizer \(configName): \(goldens.strings.count - mismatches.count)/\(goldens.strings.count) strings "
              + "(\(total) ids) identical to transformers' BertTokenizer (slow); \(agreeingWithFast) also equal the "
              + "fast tokenizer's, which differs on \(config.fast_differs.count) (see BertTokenizer's notes)")
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test func truncationEqualsHuggingFace() throws {
        let config = try #require(goldens.configs.first { $0.name == "minilm-uncased" })
        for c in goldens.truncation {
            let tokenized = try Self.tokenizer(config, maxLength: c.max_length).encode(c.text)
            #expect(tokenized.ids == c.ids, "\(c.text.debugDescription) max_length \(c.max_length)")
            #expect(tokenized.truncated == c.truncated, "\(c.text.debugDescription) max_length \(c.max_length)")
        }
        print("truncation: \(goldens.truncation.count) cases identical to transformers (max_length 2, 3, 16)")
    }
}
