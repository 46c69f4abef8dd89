import Testing
@testable import Weights

/// The strict JSON parser of untrusted files (safetensors headers, model configurations).
@Suite struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue {
        try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0) }
    }

    @Test func stringsAndEscapes() throws {
        let value = try Self.parse(#" {"k\"\\\/\b\f\n\r\t\u00e9\ud83c\udfac": "v"} "#)
        guard case let .object(members) = value else { Issue.record("not an object: \(value)"); return }
        #expect(members.map(\.key) == ["k\"\\/\u{08}\u{0C}\n\r\té🎬"])
        // What `quoted` writes, the parser reads back.
        let tricky = "a\"b\\c\n\u{01}\u{1F}é🎬"
        guard case let .string(back) = try Self.parse(JSONValue.quoted(tricky)) else { Issue.record(); return }
        #expect(back == tricky)
    }

    @Test func integersAreExact() throws {
        let cases: [(String, Int?)] = [
            ("0", 0), ("-0", 0), ("9223372036854775807", Int.max), ("9223372036854775808", nil),
            ("-1", nil), ("1.0", nil), ("1e3", nil), ("true", nil), ("\"1\"", nil), ("null", nil),
        ]
        for (text, expected) in cases {
            #expect(try Self.parse(text).nonNegativeInteger == expected, "\(text)")
        }
    }

    @Test(arguments: [
        "", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", "-", "1e", "+1", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "tru", "nul", "{} {}", "[" + String(repeating: "[", count: 40),
    ])
    func rejects(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try Self.parse(text) }
    }
}
