import Foundation

/// A WordPiece vocabulary: `vocab.txt`, one token per line, the line number being the id.
///
/// Read as transformers' `load_vocab` reads it (transformers 5.24.0
/// `models/bert/tokenization_bert_legacy.py` L29): UTF-8, universal newlines (`\r\n` and `\r`
/// end a line too), the line break removed and nothing else; a token that occurs twice maps to
/// its last line. Tokens are compared scalar by scalar, as Python compares strings: "é" and
/// "e\u{301}" are different tokens (Swift's `String ==` would call them equal).
public struct Vocabulary: Sendable {
    /// Token → id.
    private let ids: [[Unicode.Scalar]: Int]
    /// Id → token, one per line of the file.
    public let tokens: [String]
    /// The longest token, in scalars: no longer piece can match, so WordPiece starts there.
    public let longestToken: Int

    /// The number of ids: the lines of the file (ids run from 0 to `count - 1`).
    public var count: Int { tokens.count }

    /// Reads `vocab.txt` at `path`.
    ///
    /// - Throws: ``TextEncoderError/missingFile(path:what:)`` when it cannot be read,
    ///   ``TextEncoderError/malformedFile(path:reason:)`` when it is not UTF-8 or is empty.
    public init(path: String) throws(TextEncoderError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .missingFile(path: path, what: "the WordPiece vocabulary (vocab.txt)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .malformedFile(path: path, reason: "the vocabulary is not valid UTF-8")
        }
        let lines = Self.lines(text)
        guard !lines.isEmpty else { throw .malformedFile(path: path, reason: "the vocabulary is empty") }
        self.init(tokens: lines)
    }

    /// A vocabulary whose id `i` is `tokens[i]`.
    public init(tokens: [String]) {
        var ids: [[Unicode.Scalar]: Int] = [:]
        var longest = 0
        for (id, token) in tokens.enumerated() {
            let scalars = Array(token.unicodeScalars)
            ids[scalars] = id
            longest = max(longest, scalars.count)
        }
        (self.ids, self.tokens, self.longestToken) = (ids, tokens, longest)
    }

    /// The id of `token` (compared scalar by scalar), or nil.
    public func id(_ token: [Unicode.Scalar]) -> Int? { ids[token] }

    /// The id of `token` (compared scalar by scalar), or nil.
    public func id(_ token: String) -> Int? { ids[Array(token.unicodeScalars)] }

    /// Python's `readlines()` in text mode with `rstrip("\n")`: lines end at `\n`, `\r\n` or `\r`;
    /// a final line without a line break counts, an empty piece after the last break does not.
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}
