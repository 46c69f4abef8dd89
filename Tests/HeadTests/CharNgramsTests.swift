import Testing
@testable import Head

/// The text channel's tokenizer: its n-grams and their ids are pinned to values computed by an
/// independent Python implementation of the rules (NFKC with `unicodedata`, `str.lower`, FNV-1a
/// and SplitMix64's mixer in Python integers), so that a head trained on one machine hashes its
/// texts identically on another.
@Suite struct CharNgramsTests {
    static let cases: [(text: String, grams: [String], ids: [Int])] = [
        ("夏季亚麻连衣裙 Summer LINEN dress",
         ["c:夏", "c:季", "cc:夏季", "c:亚", "cc:季亚", "c:麻", "cc:亚麻", "c:连", "cc:麻连", "c:衣", "cc:连衣", "c:裙", "cc:衣裙",
          "w:summer", "w:linen", "ww:summer linen", "w:dress", "ww:linen dress"],
         [11514, 3544, 5692, 6931, 5153, 417, 6243, 8578, 5785, 13532, 5130, 7162, 280, 4377, 5274, 2870, 6178, 15809]),
        // Full-width letters and punctuation fold to ASCII; a separator breaks character bigrams.
        ("ＯＯＴＤ：少女穿搭，2024新款",
         ["w:ootd", "c:少", "c:女", "cc:少女", "c:穿", "cc:女穿", "c:搭", "cc:穿搭", "w:2024", "c:新", "c:款", "cc:新款"],
         [4313, 7277, 7270, 14648, 8673, 2695, 11830, 7739, 9327, 16171, 9504, 15757]),
        ("Café au lait ☕ 猫咪",
         ["w:café", "w:au", "ww:café au", "w:lait", "ww:au lait", "c:猫", "c:咪", "cc:猫咪"],
         [11535, 6861, 11489, 7, 2531, 12250, 4566, 2979]),
    ]

    @Test func ngramsAndIdsArePinned() {
        let channel = CharNgrams(buckets: 1 << 14, dim: 32, seed: 0)
        for (text, grams, ids) in Self.cases {
            #expect(CharNgrams.ngrams(text) == grams, "\(text)")
            #expect(channel.ids(text) == ids, "\(text)")
        }
    }

    @Test func seedAndBucketsChangeTheIds() {
        let text = Self.cases[0].text
        let base = CharNgrams(buckets: 1 << 14, dim: 32, seed: 0).ids(text)
        #expect(CharNgrams(buckets: 1 << 14, dim: 32, seed: 1).ids(text) != base)
        // Power-of-two tables: fewer buckets fold the same hashes.
        #expect(CharNgrams(buckets: 1 << 10, dim: 32, seed: 0).ids(text) == base.map { $0 % (1 << 10) })
    }

    @Test func longTextsKeepTheFirstNgrams() {
        let text = String(repeating: "猫", count: 2 * CharNgrams.maxNgrams)
        #expect(CharNgrams().ids(text).count == CharNgrams.maxNgrams)
    }

    /// `--char-ngrams auto` weighs CJK characters against all letters and digits.
    @Test func lettersAreCounted() {
        #expect(CharNgrams.letterCounts("linen 连衣裙 2024!") == (cjk: 3, letters: 12))
        #expect(CharNgrams.letterCounts("ＯＯＴＤ 少女") == (cjk: 2, letters: 6))
        #expect(CharNgrams.letterCounts("☕ — …") == (cjk: 0, letters: 0))
    }

    @Test func cjkIsDetected() {
        #expect(CharNgrams.letterCounts("linen dress 连衣裙").cjk == 3)
        #expect(CharNgrams.letterCounts("ゆかた").cjk == 3)
        #expect(CharNgrams.letterCounts("한복").cjk == 2)
        #expect(CharNgrams.letterCounts("linen dress, 2024 · №5 ☕").cjk == 0)
    }
}
