import Foundation

/// One item to process: a manifest line, a sidecar `<stem>.json`, or a bare path.
/// Every field but one of `video`/`cover`/`title` may be absent; paths are absolute once parsed.
public struct InputRecord: Codable, Sendable, Equatable {
    public var id: String
    /// A video, or any media file with sound (an audio-only file gives only audio).
    public var video: String?
    public var cover: String?
    public var title: String?
    public var summary: String?
    public var products: [Product]?
    /// A feature file written by `vidtag extract` (`classify --features`), instead of media.
    public var features: String?

    public struct Product: Codable, Sendable, Equatable {
        public var title: String?
        public var category: String?
        public init(title: String?, category: String?) { (self.title, self.category) = (title, category) }
    }

    public init(id: String, video: String? = nil, cover: String? = nil, title: String? = nil,
                summary: String? = nil, products: [Product]? = nil) {
        (self.id, self.video, self.cover, self.title, self.summary, self.products) = (id, video, cover, title, summary, products)
    }

    /// The non-empty title and summary, with their feature names.
    public var texts: [(name: String, text: String)] {
        [("text.title", title), ("text.summary", summary)].compactMap { name, text in
            guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return (name, text)
        }
    }

    /// Each product as one text: its title and category name.
    public var productTexts: [String] {
        (products ?? []).map { [$0.title, $0.category].compactMap { $0 }.joined(separator: " ") }
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    /// What the input was, for output records: the video, else the cover, else the feature
    /// file, else the id.
    public var input: String { video ?? cover ?? features ?? id }

    /// A record from one JSON object. Relative paths resolve against `base`; a missing id
    /// becomes the file name (without extension) of the video or cover.
    /// `requireContent` false (sidecars) allows a record with neither video, cover nor title.
    public static func parse(_ json: Data, base: URL, location: String, requireContent: Bool = true)
        throws(InputError) -> InputRecord
    {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json, options: .fragmentsAllowed)
        } catch {
            throw InputError(location: location, message: "not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw InputError(location: location, message: "expected a JSON object")
        }
        do {
            return try record(from: fields, base: base, location: location, requireContent: requireContent)
        } catch {
            // A malformed record keeps its id when it has one, so that joining on ids finds it.
            var error = error
            if let id = fields["id"] as? String, !id.isEmpty { error.id = id }
            throw error
        }
    }

    private static func record(from fields: [String: Any], base: URL, location: String, requireContent: Bool)
        throws(InputError) -> InputRecord
    {
        func string(_ key: String) throws(InputError) -> String? {
            guard let value = fields[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else {
                throw InputError(location: location, message: "'\(key)' must be a string")
            }
            return text
        }
        func path(_ key: String) throws(InputError) -> String? {
            guard let text = try string(key), !text.isEmpty else { return nil }
            if let url = InputError.url(text, location: location) { throw url }
            return text.hasPrefix("/") ? text : base.appendingPathComponent(text).standardizedFileURL.path
        }
        var products: [Product]? = nil
        if let list = fields["products"], !(list is NSNull) {
            guard let items = list as? [Any] else {
                throw InputError(location: location, message: "'products' must be a list")
            }
            products = []
            for (index, item) in items.enumerated() {
                guard let product = item as? [String: Any],
                      product["title"] == nil || product["title"] is String || product["title"] is NSNull,
                      product["category"] == nil || product["category"] is String || product["category"] is NSNull
                else {
                    throw InputError(location: location,
                                     message: "products[\(index)] must be an object with string 'title' and 'category'")
                }
                products?.append(Product(title: product["title"] as? String, category: product["category"] as? String))
            }
        }
        let video = try path("video"), cover = try path("cover"), title = try string("title"), summary = try string("summary")
        // Texts alone are enough: the text encoder and the text channel read summaries and products too.
        let hasText = [title, summary].contains { !($0 ?? "").isEmpty }
            || (products ?? []).contains { !($0.title ?? "").isEmpty || !($0.category ?? "").isEmpty }
        guard !requireContent || video != nil || cover != nil || hasText else {
            throw InputError(location: location,
                             message: "a record needs at least one of 'video', 'cover', 'title', 'summary' or 'products'")
        }
        var id = try string("id")
        if (id == nil || id!.isEmpty) && requireContent {
            guard let source = video ?? cover else {
                throw InputError(location: location, message: "a record with no 'video' or 'cover' needs an 'id'")
            }
            id = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        }
        return InputRecord(id: id ?? "", video: video, cover: cover, title: title, summary: summary, products: products)
    }
}

/// A malformed input: where it was (file:line, or the path), what is wrong, and its id when one
/// could be read.
public struct InputError: Error, Equatable, CustomStringConvertible, Sendable {
    public let location: String
    public let message: String
    public var id: String?
    /// The error record's code: `malformed_record`, `url_not_supported` or `file_name_not_utf8`.
    public var code: String
    public init(location: String, message: String, id: String? = nil, code: String = "malformed_record") {
        (self.location, self.message, self.id, self.code) = (location, message, id, code)
    }

    /// `text` when it is a URL (`scheme://…`, `file://` included): vidtag reads local paths only.
    static func url(_ text: String, location: String) -> InputError? {
        guard let range = text.range(of: "://"), !text[..<range.lowerBound].isEmpty,
              text[..<range.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+.-".contains($0) }) else { return nil }
        let scheme = text[..<range.lowerBound].lowercased()
        return InputError(location: location,
                          message: "\(scheme) URLs are not read: vidtag reads local files only (download it, or give the local path)",
                          id: URL(string: text).map { $0.deletingPathExtension().lastPathComponent }, code: "url_not_supported")
    }
    public var description: String { "\(location): \(message)" }
}
