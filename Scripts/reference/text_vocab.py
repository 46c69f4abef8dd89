"""The vocabulary of the small random BERT fixture (imported by make_text_goldens.py).

A cased WordPiece vocabulary built from the goldens' own strings, so that every path of the
tokenizer is taken: the special tokens, single characters (CJK ideographs, kana, Hangul jamo,
accented letters, punctuation, emoji) with and without the `##` prefix, frequent whole words in
both cases, and common sub-word pieces. Characters seen only once are left out, so [UNK] occurs.
"""
import collections
import unicodedata

from transformers.models.bert.tokenization_bert_legacy import BasicTokenizer

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SUFFIXES = ["##s", "##es", "##ed", "##ing", "##er", "##ers", "##ly", "##tion", "##able", "##ness", "##ment",
            "##est", "##ful", "##less", "##ish", "##ize", "##al", "##ic", "##y", "##en", "##on", "##an", "##in",
            "##or", "##ar", "##le", "##te", "##ve", "##re", "##ne", "##se", "##ce", "##ge", "##ke", "##me"]
PREFIXES = ["un", "re", "in", "dis", "pre", "super", "over", "sum", "win", "pho", "ca", "ma", "co", "st", "tr"]


def build_vocabulary(strings, size=1200):
    basic = BasicTokenizer(do_lower_case=False, strip_accents=False, tokenize_chinese_chars=True)
    # NFD variants too, so that accent stripping still finds pieces.
    words = collections.Counter()
    chars = collections.Counter()
    for text in strings:
        for word in basic.tokenize(text):
            words[word] += 1
            for char in word:
                chars[char] += 1
            for char in unicodedata.normalize("NFD", word):
                chars[char] += 1
    vocab = list(SPECIAL)
    seen = set(vocab)

    def add(token):
        if token not in seen and len(vocab) < size:
            seen.add(token)
            vocab.append(token)

    for char in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        add(char)
    for char in "0123456789abcdefghijklmnopqrstuvwxyz":
        add("##" + char)
    for char, count in chars.most_common():
        if count >= 2:
            add(char)
    for char, count in chars.most_common(120):
        add("##" + char)
    for piece in SUFFIXES + PREFIXES:
        add(piece)
    for word, count in words.most_common():
        if len(word) > 1 and count >= 2:
            add(word)
            add(word.lower())
    return vocab
