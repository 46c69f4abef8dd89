import Pipeline
import Testing

/// Junk titles and summaries (file names, bare timestamps, digits or punctuation, too short,
/// placeholders) versus meaningful ones in Chinese, English and both.
@Suite struct JunkTextTests {
    @Test(arguments: [
        ("VID_20240301_120000.mp4", "file_name"), ("IMG_1234.MOV", "file_name"), ("download (3).mp4", "file_name"),
        ("mmexport1699999999999", "file_name"), ("IMG_1234", "file_name"), ("WeChat_20240301120000.mp4", "file_name"),
        ("2024-03-01 12:30", "no_letters"), ("20240301", "no_letters"), ("2024/3/1", "no_letters"),
        ("3月8日", "timestamp"), ("2024年3月8日 12时30分", "timestamp"),
        ("666", "no_letters"), ("。。。", "no_letters"), ("???", "no_letters"), ("…", "no_letters"), ("0.0", "no_letters"),
        ("ok", "too_short"), ("哈哈", "too_short"), ("x", "too_short"), ("  hi  ", "too_short"),
        ("test", "placeholder"), ("Untitled", "placeholder"), ("无标题", "placeholder"),
    ])
    func junk(text: String, reason: String) {
        #expect(JunkText.reason(text) == reason, "\(text)")
    }

    @Test(arguments: ["Summer linen dress 夏季连衣裙", "红烧肉", "Cat toys review", "iPhone 15 Pro unboxing",
                      "2024 spring collection", "3 ways to tie a scarf", "Top 10 snacks", "连衣裙", "Dog", "MP4 player review"])
    func meaningful(text: String) {
        #expect(JunkText.reason(text) == nil, "\(text)")
    }
}
