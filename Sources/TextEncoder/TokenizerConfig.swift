import Weights

/// The settings of a BERT tokenizer, from a Hugging Face directory's `tokenizer_config.json`
/// and `special_tokens_map.json` (which overrides the special tokens), with transformers'
/// defaults for what they leave out.
public struct TokenizerConfig: Sendable, Equatable {
    /// A token matched literally in the raw text before any other step, and given its own id
    /// (transformers' added tokens; BERT's special tokens are among them).
    public struct AddedToken: Sendable, Equatable {
        public var content: String
        /// Its id, when the configuration gives one (`added_tokens_decoder`); otherwise the
        /// vocabulary's.
        public var id: Int?
        public init(content: String, id: Int? = nil) { (self.content, self.id) = (content, id) }
    }

    /// `do_lower_case` (default true).
    public var lowercase = true
    /// `strip_accents` (default nil: follow `lowercase`).
    public var stripAccents: Bool?
    /// `tokenize_chinese_chars` (default true).
    public var tokenizeChineseChars = true
    /// `do_basic_tokenize` (default true); false runs WordPiece on space-separated text directly.
    public var basicTokenize = true
    /// `never_split`: words the basic tokeniser leaves whole and WordPiece does not split.
    public var neverSplit: [String] = []
    /// `model_max_length`, nil when absent (`Int.max` for transformers' "very large" 1e30).
    public var modelMaxLength: Int?
    public var unknownToken = "[UNK]"
    public var classToken = "[CLS]"
    public var separatorToken = "[SEP]"
    public var paddingToken = "[PAD]"
    public var maskToken = "[MASK]"
    /// `additional_special_tokens`.
    public var additionalSpecialTokens: [String] = []
    /// `added_tokens_decoder` entries (id → token), e.g. the special tokens as transformers
    /// 4.34+ saves them.
    public var addedTokens: [AddedToken] = []

    /// The default BERT settings (uncased, `[CLS]`/`[SEP]`/`[UNK]`/`[PAD]`/`[MASK]`).
    public init() {}

    /// Tokenizer classes whose algorithm this is (BERT's basic tokenizer and WordPiece).
    static let supportedClasses: Set<String> = [
        "BertTokenizer", "BertTokenizerFast", "BertTokenizerLegacy", "DistilBertTokenizer", "DistilBertTokenizerFast",
    ]

    /// Reads `tokenizer_config.json` and `special_tokens_map.json` in `directory`; both are
    /// optional (an old checkpoint may have neither, and BERT's defaults then apply).
    ///
    /// - Throws: ``TextEncoderError/malformedFile(path:reason:)`` for a value of the wrong type,
    ///   ``TextEncoderError/unsupported(path:setting:value:)`` for another tokenizer class or an
    ///   added token that strips spaces or must be a single word.
    public init(directory: String) throws(TextEncoderError) {
        if let config = try ConfigFile.read(optional: directory + "/tokenizer_config.json") {
            if let name = try config.string("tokenizer_class"), !Self.supportedClasses.contains(name) {
                throw .unsupported(path: config.path, setting: "tokenizer_class", value: name)
            }
            lowercase = try config.bool("do_lower_case") ?? lowercase
            stripAccents = try config.bool("strip_accents")
            tokenizeChineseChars = try config.bool("tokenize_chinese_chars") ?? tokenizeChineseChars
            basicTokenize = try config.bool("do_basic_tokenize") ?? basicTokenize
            neverSplit = try Self.tokens(config, "never_split")
            modelMaxLength = try config.int("model_max_length")
            try readSpecialTokens(config)
            if let decoder = try config.object("added_tokens_decoder") {
                for (key, value) in decoder.members.sorted(by: { $0.key < $1.key }) {
                    guard let id = Int(key), case .object = value,
                          let content = ConfigFile.tokenContent(value) else {
                        throw .malformedFile(path: config.path, reason: "added_tokens_decoder['\(key)'] is not an id → token")
                    }
                    for flag in ["lstrip", "rstrip", "single_word"] {
                        if case .bool(true)? = value[flag] {
                            throw .unsupported(path: config.path, setting: "added token '\(content)' \(flag)", value: "true")
                        }
                    }
                    addedTokens.append(AddedToken(content: content, id: id))
                }
            }
        }
        if let map = try ConfigFile.read(optional: directory + "/special_tokens_map.json") {
            try readSpecialTokens(map)
        }
    }

    private mutating func readSpecialTokens(_ object: ConfigFile) throws(TextEncoderError) {
        unknownToken = try object.token("unk_token") ?? unknownToken
        classToken = try object.token("cls_token") ?? classToken
        separatorToken = try object.token("sep_token") ?? separatorToken
        paddingToken = try object.token("pad_token") ?? paddingToken
        maskToken = try object.token("mask_token") ?? maskToken
        if object.has("additional_special_tokens") {
            additionalSpecialTokens = try Self.tokens(object, "additional_special_tokens")
        }
    }

    private static func tokens(_ object: ConfigFile, _ key: String) throws(TextEncoderError) -> [String] {
        var tokens: [String] = []
        for value in try object.array(key) ?? [] {
            guard let token = ConfigFile.tokenContent(value) else {
                throw .malformedFile(path: object.path, reason: "'\(key)' should list tokens, found \(value.brief)")
            }
            tokens.append(token)
        }
        return tokens
    }

    /// The special tokens (unknown, separator, padding, class, mask, then the additional ones).
    public var specialTokens: [String] {
        [unknownToken, separatorToken, paddingToken, classToken, maskToken] + additionalSpecialTokens
    }
}
