import Batch
import Foundation

/// Titles and summaries that carry no meaning: they count as a missing text modality rather
/// than feeding noise to the head (at extraction, so training and classification agree).
///
/// A text is junk when, trimmed, it is
/// - digits, punctuation or symbols only (`666`, `。。。`, `???`, `20240301`, `2024-03-01 12:30`);
/// - a file name: it ends in a media or image extension (`VID_20240101_120000.mp4`,
///   `download (3).mp4`), or is one token of letters, digits and `_-.` whose digits outnumber
///   its letters (`IMG_1234`, `mmexport1699999999999`);
/// - a bare date or time in words: its only letters are the CJK date units 年月日号时分秒
///   (`3月8日`, `2024年3月8日 12时30分`);
/// - too short: fewer than three letters or ideographs (`ok`, `哈哈`);
/// - a placeholder (`test`, `untitled`, `无标题`…).
public enum JunkText {
    /// Why `text` is junk — "file_name", "timestamp", "no_letters", "too_short", "placeholder" —
    /// or nil for a meaningful text.
    public static func reason(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let letters = trimmed.unicodeScalars.filter { CharacterSet.letters.contains($0) }
        if letters.isEmpty { return "no_letters" }
        if looksLikeFileName(trimmed) { return "file_name" }
        if letters.allSatisfy({ dateUnits.contains($0) }) { return "timestamp" }
        if placeholders.contains(trimmed.lowercased()) { return "placeholder" }
        if letters.count < 3 { return "too_short" }
        return nil
    }

    static let dateUnits: Set<Unicode.Scalar> = Set("年月日号時时分秒".unicodeScalars)

    static let placeholders: Set<String> = [
        "test", "testing", "untitled", "no title", "title", "video", "new video", "tmp", "temp", "asdf", "none", "null",
        "无标题", "未命名", "测试", "标题", "视频", "新视频",
    ]

    static let fileExtensions: Set<String> = InputSource.videoExtensions.union(InputSource.audioExtensions)
        .union(InputSource.imageExtensions).union(["heic", "gif", "tiff", "tif"])

    static func looksLikeFileName(_ text: String) -> Bool {
        if let dot = text.lastIndex(of: "."), dot != text.startIndex {
            let ext = text[text.index(after: dot)...].lowercased()
            if fileExtensions.contains(ext) { return true }
        }
        guard !text.contains(where: \.isWhitespace) else { return false }
        var letters = 0, digits = 0
        for scalar in text.unicodeScalars {
            if ("0"..."9").contains(scalar) {
                digits += 1
            } else if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) {
                letters += 1
            } else if !"_-.".unicodeScalars.contains(scalar) {
                return false
            }
        }
        return digits >= 4 && digits > letters
    }
}
