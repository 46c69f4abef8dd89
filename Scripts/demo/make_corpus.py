#!/usr/bin/env python3
"""Generate vidtag's synthetic demo corpus: short labelled videos with covers, titles,
summaries and products whose content depends on a two-level category.

Usage:
  python3 Scripts/demo/make_corpus.py --out DIR --seed N --per-category K
        [--categories LIST | --level1-count M] [--seconds 4] [--size 320x240] [rates...]
  python3 Scripts/demo/make_corpus.py --demo --out DIR

Writes DIR/videos/<id>.mp4 (+ <id>.jpg covers), DIR/manifest.jsonl (vidtag input records),
DIR/labels.jsonl ({"id","level1","level2"}), DIR/generation.jsonl (per-video facts about
how each item was generated: title kind, audio mode, product mismatches, ...) and
DIR/corpus.json (options, categories, realised rates). The generative process, with every
rate and distribution, is documented in docs/demo-corpus.md; keep the two in step.

Python 3 standard library only. Needs the ffmpeg CLI (with libx264 and lavfi) and
espeak-ng. The output is a function of the options and --seed only: every random choice
is drawn from one random.Random(seed) in a fixed order before any media is rendered, and
every ffmpeg source that has a seed gets one explicitly.
"""

import argparse
import colorsys
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

GENERATOR_VERSION = 1
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_TAXONOMY = REPO / "Models" / "taxonomy" / "taobao.json"
DEFAULT_VOCABULARY = HERE / "vocabulary.json"

# Level-1 categories in canonical order. A level-1 category's picture source, base tint
# and tone pitch depend on its position in this order (then the taxonomy's order for the
# rest), never on which subset was asked for, so corpora made with different --seed or
# --categories share one look per category.
DEFAULT_LEVEL1 = ["apparel", "beauty", "food", "pets", "digital", "sports", "home_goods", "mother_baby"]
EXTRA_LEVEL1 = ["gaming", "travel", "automotive", "tea_liquor"]

# Picture sources, one per level-1 category (canonical index modulo the list length).
LOOKS = ["gradients", "mandelbrot", "testsrc2", "life", "smptehdbars", "cellauto",
         "sierpinski", "colorspectrum", "mptestsrc", "haldclut", "yuvtestsrc", "grid"]

# Tint hue offset of a level-2 category by its canonical index among its siblings
# (vocabulary default_children first, then the taxonomy's order).
SIBLING_HUE_OFFSETS = [0, 120, 240, 60, 180, 300, 30, 150, 270, 90, 210, 330]
# Tremolo rate (Hz) of the tone by the same sibling index; 0 = steady tone.
SIBLING_TREMOLO_HZ = [0.0, 3.0, 6.0, 1.5, 4.5, 7.5, 2.25, 5.25, 8.25, 0.75, 3.75, 6.75]

ENGLISH_VOICES = ["en-us", "en", "en-gb-x-rp", "en-029", "en-gb-scotland"]
VOICE_VARIANTS = ["", "+m3", "+m5", "+f1", "+f2", "+f3", "+f4", "+klatt2"]
SAMPLE_RATES = [16000, 22050, 44100]

# Rates and their defaults. The demo preset overrides some (see DEMO_PRESET).
RATE_DEFAULTS = {
    "junk_title_rate": 0.08,
    "missing_title_rate": 0.02,
    "sibling_title_rate": 0.10,
    "generic_title_rate": 0.10,
    "lang_en_rate": 0.35,
    "lang_zh_rate": 0.25,
    "missing_summary_rate": 0.30,
    "generic_summary_rate": 0.20,
    "missing_products_rate": 0.25,
    "product_count_weights": "0.5,0.3,0.2",
    "product_mismatch_rate": 0.20,
    "mismatch_mix": "0.4,0.3,0.3",
    "cover_rate": 0.70,
    "no_audio_rate": 0.10,
    "short_audio_rate": 0.05,
    "silent_audio_rate": 0.05,
    "tone_only_rate": 0.15,
    "speech_only_rate": 0.10,
    "speech_zh_rate": 0.25,
    "visual_confusion_rate": 0.08,
    "hue_jitter": 25.0,
    "tint_opacity": "0.25,0.55",
}
DEMO_PRESET = {
    "junk_title_rate": 0.0,
    "missing_title_rate": 0.0,
    "sibling_title_rate": 0.0,
    "generic_title_rate": 0.0,
    "missing_summary_rate": 0.0,
    "generic_summary_rate": 0.0,
    "missing_products_rate": 0.0,
    "cover_rate": 1.0,
    "no_audio_rate": 0.0,
    "short_audio_rate": 0.0,
    "silent_audio_rate": 0.0,
    "tone_only_rate": 0.0,
    "speech_only_rate": 0.0,
    "visual_confusion_rate": 0.0,
}
DEMO_SEED = 20240512
DEMO_SECONDS = 3.0
DEMO_SIZE = "256x192"
DEMO_CLASSES = 12


def die(message, status=2):
    print(f"make_corpus: error: {message}", file=sys.stderr)
    sys.exit(status)


def warn(message):
    print(f"make_corpus: warning: {message}", file=sys.stderr)


def parse_floats(text, count, name):
    try:
        values = [float(x) for x in text.split(",")]
    except ValueError:
        die(f"--{name.replace('_', '-')} expects {count} comma-separated numbers, got {text!r}")
    if len(values) != count or any(v < 0 for v in values):
        die(f"--{name.replace('_', '-')} expects {count} non-negative comma-separated numbers, got {text!r}")
    return values


def weighted(rng, items, weights):
    """One draw from items with the given (unnormalised) weights; uses one rng.random()."""
    total = sum(weights)
    x = rng.random() * total
    for item, w in zip(items, weights):
        if x < w:
            return item
        x -= w
    return items[-1]


def fmt(x, digits=4):
    return f"{x:.{digits}f}"


# --------------------------------------------------------------------------------------
# Categories and vocabulary


class Category:
    def __init__(self, l1, l2, name, name_en, l1_index, sib_index, vocab, l1_vocab, fallback):
        self.level1 = l1
        self.level2 = l2
        self.name = name
        self.name_en = name_en
        self.l1_index = l1_index      # canonical level-1 index (look, base hue, tone)
        self.sib_index = sib_index    # canonical index among siblings (tint offset, tremolo)
        self.vocab = vocab
        self.l1_vocab = l1_vocab
        self.fallback = fallback


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        die(f"cannot read the {what} {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        die(f"the {what} {path} is not valid JSON: {e}")


class World:
    """Taxonomy + vocabulary, with canonical orders and fallbacks."""

    def __init__(self, taxonomy, vocabulary):
        self.taxonomy = taxonomy
        self.vocabulary = vocabulary
        self.common = vocabulary["common"]
        self.l1_vocab = vocabulary["level1"]
        self.l2_vocab = vocabulary["level2"]
        self.l1 = {}
        self.children = {}
        self.l2 = {}
        for c in taxonomy["categories"]:
            self.l1[c["id"]] = c
            self.children[c["id"]] = [k["id"] for k in c.get("children", [])]
            for k in c.get("children", []):
                self.l2[k["id"]] = (c["id"], k)
        for l1 in list(DEFAULT_LEVEL1) + list(EXTRA_LEVEL1) + list(self.l1_vocab):
            if l1 not in self.l1:
                die(f"vocabulary level-1 category {l1!r} is not in the taxonomy")
        for l2 in self.l2_vocab:
            if l2 not in self.l2:
                die(f"vocabulary level-2 category {l2!r} is not in the taxonomy")
        order = list(DEFAULT_LEVEL1) + list(EXTRA_LEVEL1)
        order += [c["id"] for c in taxonomy["categories"] if c["id"] not in order]
        self.l1_order = order
        self.fallback_warned = set()

    def canonical_children(self, l1):
        defaults = self.l1_vocab.get(l1, {}).get("default_children", [])
        for d in defaults:
            if d not in self.l2 or self.l2[d][0] != l1:
                die(f"vocabulary default child {d!r} of {l1!r} is not a child of it in the taxonomy")
        rest = [k for k in self.children[l1] if k not in defaults]
        return list(defaults) + rest

    def default_children(self, l1):
        return self.canonical_children(l1)[:3]

    def category(self, l2):
        if l2 not in self.l2:
            die(f"unknown level-2 category {l2!r} (see Models/taxonomy/taobao.json)")
        l1, node = self.l2[l2]
        l1_node = self.l1[l1]
        vocab = self.l2_vocab.get(l2)
        fallback = vocab is None
        if fallback:
            if l2 not in self.fallback_warned:
                warn(f"no vocabulary for {l2}; its texts use only the taxonomy's names")
                self.fallback_warned.add(l2)
            en = node["name_en"].lower()
            vocab = {
                "items": [[en, node["name"]]],
                "phrases": [[f"all about {en}", f"{node['name']}分享"]],
                "product_categories": [[f"{l1_node['name_en']} > {node['name_en']}",
                                        f"{l1_node['name']}/{node['name']}"]],
            }
        l1_vocab = self.l1_vocab.get(l1)
        if l1_vocab is None:
            en = l1_node["name_en"].lower()
            l1_vocab = {"hooks": [[en, l1_node["name"]]],
                        "generic": [[f"{en} video", f"{l1_node['name']}视频"]],
                        "summaries": [[f"Another {en} video.", f"又一个{l1_node['name']}视频。"]],
                        "specs": [], "related": []}
        return Category(l1, l2, node["name"], node["name_en"], self.l1_order.index(l1),
                        self.canonical_children(l1).index(l2), vocab, l1_vocab, fallback)

    def vocab_classes(self):
        """Level-2 categories with a real vocabulary (pool for mismatched products)."""
        return [self.category(l2) for l2 in self.l2_vocab]


def select_categories(world, args):
    if args.categories:
        chosen = []
        for token in [t.strip() for t in args.categories.split(",") if t.strip()]:
            if token.endswith(".*"):
                l1 = token[:-2]
                if l1 not in world.l1:
                    die(f"unknown level-1 category {l1!r}")
                chosen += world.canonical_children(l1)
            elif token in world.l1:
                chosen += world.default_children(token)
            elif token in world.l2:
                chosen.append(token)
            else:
                die(f"unknown category {token!r}: give taxonomy ids such as 'apparel' "
                    f"(its 3 default children), 'apparel.*' (all children) or 'apparel.hanfu'")
        seen = []
        for c in chosen:
            if c not in seen:
                seen.append(c)
        chosen = seen
    else:
        count = args.level1_count
        if count < 1 or count > len(world.l1_order):
            die(f"--level1-count must be between 1 and {len(world.l1_order)}")
        chosen = []
        for l1 in world.l1_order[:count]:
            chosen += world.default_children(l1)
    if args.demo:
        # One video per class for DEMO_CLASSES classes spread over the level-1 categories:
        # the first child of every level-1 category, then the second children, and so on.
        by_l1 = {}
        for c in chosen:
            by_l1.setdefault(world.l2[c][0], []).append(c)
        spread = []
        depth = 0
        while len(spread) < DEMO_CLASSES and any(depth < len(v) for v in by_l1.values()):
            for l1 in by_l1:
                if depth < len(by_l1[l1]) and len(spread) < DEMO_CLASSES:
                    spread.append(by_l1[l1][depth])
            depth += 1
        chosen = spread
    # Group by level 1 in canonical order, children in canonical order.
    chosen.sort(key=lambda l2: (world.l1_order.index(world.l2[l2][0]),
                                world.canonical_children(world.l2[l2][0]).index(l2)))
    return [world.category(l2) for l2 in chosen]


# --------------------------------------------------------------------------------------
# Text


def cap(s):
    return s[:1].upper() + s[1:] if s else s


def pick(rng, pairs):
    return pairs[rng.randrange(len(pairs))]


def adjective(rng, cat, common):
    pool = cat.l1_vocab.get("adjectives", []) + common["adjectives"]
    return pick(rng, pool)


def junk_title(rng):
    kind = rng.randrange(4)
    y = rng.choice([2022, 2023, 2024, 2025])
    mo, d = rng.randint(1, 12), rng.randint(1, 28)
    h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    if kind == 0:  # camera / app file names
        form = rng.randrange(6)
        if form == 0:
            return f"VID_{y}{mo:02d}{d:02d}_{h:02d}{mi:02d}{s:02d}.mp4"
        if form == 1:
            return f"IMG_{rng.randint(1, 9999):04d}.MOV"
        if form == 2:
            return f"mmexport{rng.randint(1600000000000, 1760000000000)}.mp4"
        if form == 3:
            return f"video_{rng.randint(1, 99)}.mp4"
        if form == 4:
            return f"download ({rng.randint(1, 9)}).mp4"
        return f"WeChat_{y}{mo:02d}{d:02d}{h:02d}{mi:02d}{s:02d}.mp4"
    if kind == 1:  # bare timestamps
        form = rng.randrange(4)
        if form == 0:
            return f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}"
        if form == 1:
            return f"{y}{mo:02d}{d:02d}"
        if form == 2:
            return f"{y}/{mo}/{d}"
        return f"{mo}月{d}日"
    if kind == 2:  # digits / punctuation only
        return rng.choice(["111", "666", "88888", "2333", "。。。", "!!!", "???", "…", "...", "1",
                           "~~~", "？？", "123", "0.0", "------"])
    return rng.choice(["嗯", "a", "哈哈", "ok", "x", "啊", "好", "hi", "拍", "test", "v", "hh"])


def item_text(rng, cat, common, lang, with_adj):
    en, zh = pick(rng, cat.vocab["items"])
    aen, azh = adjective(rng, cat, common) if with_adj else ("", "")
    hen, hzh = pick(rng, cat.l1_vocab["hooks"])
    if lang == "en":
        form = rng.randrange(5)
        if form == 0:
            t = f"{aen} {en} {hen}" if aen else f"{en} {hen}"
        elif form == 1:
            t = f"My {aen + ' ' if aen else ''}{en} {hen}"
        elif form == 2:
            t = f"{hen}: {aen + ' ' if aen else ''}{en}"
        elif form == 3:
            t = f"{en} {hen}"
        else:
            t = pick(rng, cat.vocab["phrases"])[0]
        return cap(t.strip())
    if lang == "zh":
        form = rng.randrange(5)
        if form == 0:
            return f"{azh}{zh}{hzh}"
        if form == 1:
            return f"{zh}｜{hzh}"
        if form == 2:
            return f"{hzh}！{azh}{zh}"
        if form == 3:
            return pick(rng, cat.vocab["phrases"])[1]
        return f"{pick(rng, cat.vocab['phrases'])[1]}，{zh}"
    # mixed: the English and Chinese parts name the same item
    en_part = cap((f"{aen} {en} {hen}" if aen else f"{en} {hen}").strip())
    zh_part = f"{azh}{zh}"
    if rng.random() < 0.7:
        return f"{en_part} {zh_part}"
    return f"{zh_part}{hzh} {en_part}"


def make_title(rng, cat, sibling, lang, r, common):
    """Returns (title or None, kind)."""
    x = rng.random()
    if x < r["missing_title_rate"]:
        return None, "absent"
    x -= r["missing_title_rate"]
    if x < r["junk_title_rate"]:
        return junk_title(rng), "junk"
    x -= r["junk_title_rate"]
    if x < r["generic_title_rate"]:
        en, zh = pick(rng, cat.l1_vocab["generic"])
        t = {"en": cap(en), "zh": zh, "mixed": f"{cap(en)} {zh}"}[lang]
        kind = "generic"
    else:
        x -= r["generic_title_rate"]
        kind = "own"
        src = cat
        if x < r["sibling_title_rate"] and sibling is not None:
            src, kind = sibling, "sibling"
        t = item_text(rng, src, common, lang, with_adj=rng.random() < 0.6)
    if rng.random() < 0.35:
        t = f"{t}{rng.choice(common['suffixes'])}"
    return t, kind


def make_summary(rng, cat, lang, r, common):
    """Returns (summary or None, kind)."""
    if rng.random() < r["missing_summary_rate"]:
        return None, "absent"
    generic = rng.random() < r["generic_summary_rate"]
    parts = []
    if not generic:
        pen, pzh = pick(rng, cat.vocab["phrases"])
        (ien, izh), (jen, jzh) = pick(rng, cat.vocab["items"]), pick(rng, cat.vocab["items"])
        aen, azh = adjective(rng, cat, common)
        en = f"{cap(pen)}. Today: {aen} {ien}" + (f" and {jen}." if jen != ien else ".")
        zh = f"{pzh}。今天分享{azh}{izh}" + (f"和{jzh}。" if jzh != izh else "。")
        parts.append({"en": en, "zh": zh, "mixed": f"{en} {zh}"}[lang])
    if generic or rng.random() < 0.5:
        sen, szh = pick(rng, cat.l1_vocab["summaries"])
        parts.append({"en": sen, "zh": szh, "mixed": rng.choice([sen, szh])}[lang])
    if generic or rng.random() < 0.5:
        fen, fzh = pick(rng, common["fillers"])
        parts.append({"en": fen, "zh": fzh, "mixed": rng.choice([fen, fzh])}[lang])
    if rng.random() < 0.3:
        parts.append(" ".join(rng.sample(common["hashtags"], 2)))
    return " ".join(parts), "generic" if generic else "own"


def product_for(rng, cat, lang, common):
    en, zh = pick(rng, cat.vocab.get("product_items") or cat.vocab["items"])
    aen, azh = adjective(rng, cat, common)
    brand = rng.choice(common["brands"])
    specs = cat.l1_vocab.get("specs") or [""]
    spec = rng.choice(specs)
    year = rng.choice(["2024", "2025"])
    cen, czh = pick(rng, cat.vocab["product_categories"])
    if lang == "en":
        title = f"{brand} {aen} {en} {spec}".strip()
        category = cen
    elif lang == "zh":
        title = f"{brand} {year}新款 {azh}{zh} {spec}".strip()
        category = czh
    else:
        title = f"{brand} {year}新款 {azh}{zh} {en} {spec}".strip()
        category = f"{czh} ({cen})"
    return {"title": " ".join(title.split()), "category": category}


def draw_lang(rng, r):
    x = rng.random()
    if x < r["lang_en_rate"]:
        return "en"
    if x < r["lang_en_rate"] + r["lang_zh_rate"]:
        return "zh"
    return "mixed"


def make_products(rng, cat, r, world, pools, common):
    """Returns (products or None, facts)."""
    if rng.random() < r["missing_products_rate"]:
        return None, []
    n = weighted(rng, [1, 2, 3], r["product_count_weights"])
    products, facts = [], []
    for _ in range(n):
        src, kind = cat, "own"
        if rng.random() < r["product_mismatch_rate"]:
            kind = weighted(rng, ["sibling", "related", "other"], r["mismatch_mix"])
            pool = pools[cat.level2][kind]
            if not pool:  # e.g. no vocabulary sibling: fall back to any other category
                kind = "other"
                pool = pools[cat.level2]["other"]
            src = pool[rng.randrange(len(pool))]
        products.append(product_for(rng, src, draw_lang(rng, r), common))
        facts.append({"level2": src.level2, "kind": kind})
    return products, facts


def mismatch_pools(world, cats):
    everyone = {c.level2: c for c in cats}
    for c in world.vocab_classes():
        everyone.setdefault(c.level2, c)
    pools = {}
    for cat in cats:
        related_l1 = [x for x in cat.l1_vocab.get("related", [])]
        sib = [c for c in everyone.values() if c.level1 == cat.level1 and c.level2 != cat.level2]
        rel = [c for c in everyone.values() if c.level1 in related_l1]
        oth = [c for c in everyone.values() if c.level1 != cat.level1 and c.level1 not in related_l1]
        key = lambda c: c.level2
        pools[cat.level2] = {"sibling": sorted(sib, key=key), "related": sorted(rel, key=key),
                             "other": sorted(oth, key=key)}
    return pools


# --------------------------------------------------------------------------------------
# Pictures


def tint_color(hue_deg, sat, val):
    r, g, b = colorsys.hsv_to_rgb((hue_deg % 360.0) / 360.0, sat, val)
    return "0x%02X%02X%02X" % (round(r * 255), round(g * 255), round(b * 255))


def base_hue(l1_index):
    # 45 degrees apart: with the sibling offsets (multiples of 120) the first 8 level-1
    # categories' first 3 children get 24 tints 15 degrees apart.
    return (l1_index * 45.0 + (l1_index // 8) * 22.5) % 360.0


def look_params(rng, look):
    """Random per-video parameters of a picture source."""
    p = {}
    if look == "gradients":
        n = rng.randint(2, 6)
        # Colours must be given: the filter's default "random" colours ignore its seed.
        p = {"seed": rng.randint(0, 2**32 - 1), "n": n,
             "speed": rng.uniform(0.01, 0.06), "type": rng.randrange(4),
             "colors": [tint_color(rng.uniform(0, 360), rng.uniform(0.3, 1.0), rng.uniform(0.3, 1.0))
                        for _ in range(n)]}
    elif look == "mandelbrot":
        p = {"dx": rng.uniform(-0.02, 0.02), "dy": rng.uniform(-0.02, 0.02),
             "start": math.exp(rng.uniform(math.log(0.3), math.log(3.0))),
             "zoom": rng.uniform(0.2, 0.8)}
    elif look == "life":
        p = {"seed": rng.randint(0, 2**32 - 1), "ratio": rng.uniform(0.15, 0.5),
             "mold": rng.randint(0, 40)}
    elif look == "cellauto":
        p = {"seed": rng.randint(0, 2**32 - 1), "rule": rng.choice([18, 30, 90, 110, 150]),
             "fill": rng.uniform(0.2, 0.8)}
    elif look == "sierpinski":
        p = {"seed": rng.randint(0, 2**32 - 1), "jump": rng.randint(1, 10), "type": rng.randrange(2)}
    elif look == "colorspectrum":
        p = {"type": rng.randrange(3)}
    elif look == "mptestsrc":
        p = {"test": rng.randrange(10)}
    elif look == "haldclut":
        p = {"level": rng.choice([4, 5, 6])}
    elif look == "grid":
        p = {"color": tint_color(rng.uniform(0, 360), rng.uniform(0.2, 0.9), rng.uniform(0.3, 0.9)),
             "cell": rng.randint(12, 64), "thick": rng.randint(1, 6)}
    return p


def source_filter(look, p, w, h, rate):
    s = f"s={w}x{h}:r={rate}"
    if look == "gradients":
        colors = "".join(f":c{i}={c}" for i, c in enumerate(p["colors"]))
        return (f"gradients={s}:seed={p['seed']}:n={p['n']}:speed={fmt(p['speed'])}"
                f":type={p['type']}{colors}")
    if look == "mandelbrot":
        x0, y0 = -0.743643887037158704752191506114774, 0.131825904205311970493132056385139
        return (f"mandelbrot={s}:maxiter=200:start_x={x0 + p['dx']:.9f}:start_y={y0 + p['dy']:.9f}"
                f":start_scale={fmt(p['start'])}:end_scale={fmt(p['start'] * p['zoom'])}"
                f":end_pts=100:outer=normalized_iteration_count")
    if look == "testsrc2":
        return f"testsrc2={s}"
    if look == "life":
        return (f"life={s}:seed={p['seed']}:ratio={fmt(p['ratio'])}:mold={p['mold']}"
                f":life_color=white:death_color=black:mold_color=0x806040")
    if look == "smptehdbars":
        return f"smptehdbars={s}"
    if look == "cellauto":
        return (f"cellauto={s}:seed={p['seed']}:rule={p['rule']}"
                f":random_fill_ratio={fmt(p['fill'])}:scroll=1")
    if look == "sierpinski":
        return f"sierpinski={s}:seed={p['seed']}:jump={p['jump']}:type={p['type']}"
    if look == "colorspectrum":
        return f"colorspectrum={s}:type={p['type']}"
    if look == "mptestsrc":
        return f"mptestsrc=r={rate}:test={p['test']},scale={w}:{h}:flags=bilinear"
    if look == "haldclut":
        return f"haldclutsrc=level={p['level']}:r={rate},scale={w}:{h}:flags=neighbor"
    if look == "yuvtestsrc":
        return f"yuvtestsrc={s}"
    if look == "grid":
        return (f"color=c={p['color']}:{s},drawgrid=w={p['cell']}:h={p['cell']}"
                f":t={p['thick']}:c=white@0.7")
    raise ValueError(look)


def draw_picture(rng, cat, world, cats, r, confusion):
    """Per-video picture parameters: the category's look, tinted, with random variation.
    With confusion, the look comes from another level-1 category of the corpus and the
    tint from another level-2 category."""
    look_l1, tint_cat = cat.l1_index, cat
    if confusion:
        others = [c for c in cats if c.level1 != cat.level1] or [c for c in cats if c is not cat]
        if others:
            other = others[rng.randrange(len(others))]
            look_l1, tint_cat = other.l1_index, other
    look = LOOKS[look_l1 % len(LOOKS)]
    lo, hi = r["tint_opacity"]
    hue = (base_hue(tint_cat.l1_index) + SIBLING_HUE_OFFSETS[tint_cat.sib_index % 12]
           + rng.uniform(-r["hue_jitter"], r["hue_jitter"])) % 360.0
    return {
        "look": look,
        "params": look_params(rng, look),
        "zoom": rng.uniform(1.0, 1.6),
        "cx": rng.random(), "cy": rng.random(),
        "hflip": rng.random() < 0.5,
        "speed": math.exp(rng.uniform(math.log(0.5), math.log(2.0))),
        "tint": tint_color(hue, rng.uniform(0.55, 0.85), rng.uniform(0.55, 0.9)),
        "tint_hue": hue,
        "opacity": rng.uniform(lo, hi),
        "brightness": rng.uniform(-0.08, 0.08),
        "contrast": rng.uniform(0.85, 1.15),
        "noise": rng.choice([0, 0, rng.randint(4, 30)]),
        "noise_seed": rng.randint(0, 2**31 - 1),
    }


def picture_graph(pic, w, h, fps, frames, label, first_frame=0):
    """A filtergraph chain ending in [label]: frames [first_frame, first_frame+frames)."""
    zw = max(w, int(round(w * pic["zoom"] / 2)) * 2)
    zh = max(h, int(round(h * pic["zoom"] / 2)) * 2)
    x = int((zw - w) * pic["cx"])
    y = int((zh - h) * pic["cy"])
    src_rate = fmt(fps * pic["speed"], 3)
    chain = [source_filter(pic["look"], pic["params"], zw, zh, src_rate),
             # Retime the source's frames to the output rate (speed != 1 plays the
             # source faster or slower), then keep frames [first_frame, +frames).
             f"trim=start_frame={first_frame}:end_frame={first_frame + frames}",
             f"settb=1/{fps}", "setpts=N", f"fps={fps}",
             f"crop={w}:{h}:{x}:{y}"]
    if pic["hflip"]:
        chain.append("hflip")
    chain.append("format=yuv444p")
    g = ",".join(chain) + f"[{label}s];"
    g += f"color=c={pic['tint']}:s={w}x{h}:r={fps},format=yuv444p[{label}t];"
    post = [f"blend=all_mode=normal:all_opacity={fmt(pic['opacity'])}:shortest=1",
            f"eq=brightness={fmt(pic['brightness'])}:contrast={fmt(pic['contrast'])}"]
    if pic["noise"]:
        post.append(f"noise=alls={pic['noise']}:allf=t+u:all_seed={pic['noise_seed']}")
    post += ["format=yuv420p", "setsar=1"]
    g += f"[{label}s][{label}t]" + ",".join(post) + f"[{label}]"
    return g


def draw_cover_extras(rng):
    """Cover-style decorations: a banner strip and/or a frame border."""
    return {
        "frame_index": rng.randrange(25),
        "banner": rng.random() < 0.5,
        "banner_y": rng.uniform(0.65, 0.85),
        "banner_h": rng.uniform(0.08, 0.2),
        "banner_color": tint_color(rng.uniform(0, 360), rng.uniform(0, 0.8), rng.uniform(0.1, 1.0)),
        "border": rng.random() < 0.3,
        "quality": rng.randint(2, 8),
    }


# --------------------------------------------------------------------------------------
# Sound


def tone_frequency(l1_index):
    return 200.0 * 2.0 ** (((l1_index % 16) * 3 + (l1_index // 16) * 1.5) / 12.0)


def draw_audio(rng, cat, r, seconds, speech_available):
    modes = ["none", "short", "silent", "tone", "speech", "speech+tone"]
    rest = 1.0 - sum(r[k] for k in ("no_audio_rate", "short_audio_rate", "silent_audio_rate",
                                    "tone_only_rate", "speech_only_rate"))
    weights = [r["no_audio_rate"], r["short_audio_rate"], r["silent_audio_rate"],
               r["tone_only_rate"], r["speech_only_rate"], max(0.0, rest)]
    mode = weighted(rng, modes, weights)
    a = {"mode": mode, "sample_rate": rng.choice(SAMPLE_RATES), "channels": rng.choice([1, 2])}
    if mode == "none":
        return a
    a["duration"] = rng.uniform(0.3, 0.9) if mode == "short" else seconds
    if mode == "silent":
        return a
    # "short" carries speech + tone, cut to under a second.
    has_speech = mode in ("speech", "speech+tone", "short")
    has_tone = mode in ("tone", "speech+tone", "short")
    if has_speech and not speech_available:
        has_speech, has_tone = False, True
        a["mode"] = "tone" if mode != "short" else "short"
    a["tone"] = None
    if has_tone:
        sib = cat.sib_index % len(SIBLING_TREMOLO_HZ)
        a["tone"] = {
            "freq": tone_frequency(cat.l1_index) * rng.uniform(0.98, 1.02),
            "amp": rng.uniform(0.05, 0.2),
            "tremolo": SIBLING_TREMOLO_HZ[sib] * rng.uniform(0.9, 1.1),
            "depth": rng.uniform(0.3, 0.7),
        }
    a["speech"] = None
    if has_speech:
        zh = rng.random() < r["speech_zh_rate"]
        en_item, zh_item = pick(rng, cat.vocab["items"])
        hen, hzh = pick(rng, cat.l1_vocab["hooks"])
        if zh:
            text = rng.choice([zh_item, f"{zh_item}，{hzh}", f"今天分享{zh_item}"])
            voice = "cmn"
        else:
            text = rng.choice([en_item, f"{en_item}, {hen}", f"all about {en_item}",
                               f"today: {en_item}"])
            voice = rng.choice(ENGLISH_VOICES) + rng.choice(VOICE_VARIANTS)
        a["speech"] = {"text": text, "voice": voice, "lang": "zh" if zh else "en",
                       "speed": rng.randint(130, 190), "pitch": rng.randint(25, 75),
                       "offset": 0.0 if mode == "short" else rng.uniform(0.0, 1.0),
                       "gain": rng.uniform(0.6, 1.0)}
    a["noise"] = {"amp": rng.uniform(0.003, 0.03), "seed": rng.randint(0, 2**31 - 1)}
    return a


def audio_graph(a, speech_input, label):
    sr, dur = a["sample_rate"], a["duration"]
    d = fmt(dur)
    if a["mode"] == "silent":
        return f"anullsrc=r={sr}:cl=mono,atrim=0:{d}[{label}]"
    parts, names = [], []
    if a.get("speech"):
        s = a["speech"]
        parts.append(f"[{speech_input}:a]aresample={sr},aformat=channel_layouts=mono,"
                     f"volume={fmt(s['gain'])},adelay=delays={int(s['offset'] * 1000)}:all=1,"
                     f"apad=whole_dur={d},atrim=0:{d}[{label}sp]")
        names.append(f"[{label}sp]")
    if a.get("tone"):
        t = a["tone"]
        f, amp = fmt(t["freq"], 3), fmt(t["amp"])
        expr = f"{amp}*(sin(2*PI*{f}*t)+0.3*sin(4*PI*{f}*t))"
        if t["tremolo"] > 0:
            dep = fmt(t["depth"])
            expr += f"*(1-{dep}+{dep}*sin(2*PI*{fmt(t['tremolo'], 3)}*t))"
        parts.append(f"aevalsrc=exprs='{expr}':s={sr}:d={d}[{label}to]")
        names.append(f"[{label}to]")
    n = a["noise"]
    parts.append(f"anoisesrc=d={d}:c=pink:r={sr}:a={fmt(n['amp'])}:seed={n['seed']}[{label}no]")
    names.append(f"[{label}no]")
    parts.append("".join(names) + f"amix=inputs={len(names)}:normalize=0:duration=longest,"
                 f"atrim=0:{d},aformat=sample_fmts=fltp:channel_layouts=mono[{label}]")
    return ";".join(parts)


# --------------------------------------------------------------------------------------
# Rendering


def render(job, out_dir, tmp_dir, w, h, fps, seconds, crf, preset):
    """Render one video (+ cover) with one ffmpeg call (and one espeak-ng call)."""
    vid = job["id"]
    frames = int(round(seconds * fps))
    inputs = []
    a = job["audio"]
    if a.get("speech"):
        s = a["speech"]
        wav = Path(tmp_dir) / f"{vid}.wav"
        cmd = ["espeak-ng", "-v", s["voice"], "-s", str(s["speed"]), "-p", str(s["pitch"]),
               "-w", str(wav), s["text"]]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0 or not wav.exists():
            raise RuntimeError(f"espeak-ng failed for {vid}: {' '.join(cmd)}\n{p.stderr}")
        inputs += ["-i", str(wav)]
    graph = [picture_graph(job["picture"], w, h, fps, frames, "v")]
    if a["mode"] != "none":
        graph.append(audio_graph(a, 0, "a"))
    cover = job.get("cover")
    if cover:
        cg = picture_graph(cover["picture"], w, h, fps, 1, "c0", first_frame=cover["frame_index"])
        deco = []
        if cover["banner"]:
            bh = max(2, int(h * cover["banner_h"]))
            deco.append(f"drawbox=x=0:y={int(h * cover['banner_y'])}:w={w}:h={bh}"
                        f":color={cover['banner_color']}@0.85:t=fill")
        if cover["border"]:
            deco.append("drawbox=x=0:y=0:w=iw:h=ih:color=white@0.9:t=6")
        deco.append("format=yuvj420p")
        graph.append(cg + ";[c0]" + ",".join(deco) + "[c]")
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-filter_threads", "1", "-filter_complex_threads", "1"] + inputs
    cmd += ["-filter_complex", ";".join(graph), "-map", "[v]"]
    if a["mode"] != "none":
        cmd += ["-map", "[a]"]
    cmd += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-g", str(2 * fps), "-threads", "1", "-frames:v", str(frames)]
    if a["mode"] != "none":
        cmd += ["-c:a", "aac", "-b:a", "64k", "-ar", str(a["sample_rate"]), "-ac", str(a["channels"])]
    cmd += ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            "-map_metadata", "-1", "-movflags", "+faststart",
            str(out_dir / "videos" / f"{vid}.mp4")]
    if cover:
        cmd += ["-map", "[c]", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", str(cover["quality"]),
                "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
                "-update", "1", str(out_dir / "videos" / f"{vid}.jpg")]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"ffmpeg failed for {vid} (status {p.returncode}):\n"
                           f"{' '.join(cmd)}\n{p.stderr.strip()}")


def check_tools(need_speech):
    if shutil.which("ffmpeg") is None:
        die("ffmpeg is not installed: install it with `sudo apt-get install -y ffmpeg` "
            "(Debian/Ubuntu) or `brew install ffmpeg` (macOS), or run Scripts/setup.sh")
    p = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True)
    if "libx264" not in p.stdout:
        die("this ffmpeg has no libx264 encoder; install a build with libx264 (Debian's ffmpeg has it)")
    if need_speech and shutil.which("espeak-ng") is None:
        die("espeak-ng is not installed; it speaks the item names in the soundtracks. "
            "Install it with `sudo apt-get install -y espeak-ng` (Debian/Ubuntu) or "
            "`brew install espeak-ng` (macOS), or run Scripts/setup.sh; "
            "or pass --no-speech to use tones only (the corpus then differs from the documented one)")


# --------------------------------------------------------------------------------------
# Main


def build_parser():
    ap = argparse.ArgumentParser(
        description="Generate vidtag's synthetic demo corpus (see docs/demo-corpus.md).")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--seed", type=int, default=None,
                    help=f"random seed (default 1; {DEMO_SEED} with --demo)")
    ap.add_argument("--per-category", type=int, default=None,
                    help="videos per level-2 category (default 12; 1 with --demo)")
    sel = ap.add_mutually_exclusive_group()
    sel.add_argument("--categories", default=None,
                     help="comma-separated taxonomy ids: a level-1 id (its 3 default children), "
                          "'L1.*' (all its children) or level-2 ids")
    sel.add_argument("--level1-count", type=int, default=8,
                     help="use the first M level-1 categories of the canonical order, "
                          "3 children each (default 8)")
    ap.add_argument("--demo", action="store_true",
                    help=f"the README demo: {DEMO_CLASSES} videos over different categories, "
                         f"{DEMO_SECONDS:g} s, {DEMO_SIZE}, every modality present")
    ap.add_argument("--seconds", type=float, default=None, help="clip length (default 4; 3 with --demo)")
    ap.add_argument("--size", default=None, help=f"WxH (default 320x240; {DEMO_SIZE} with --demo)")
    ap.add_argument("--fps", type=int, default=25, help="frame rate (default 25)")
    ap.add_argument("--crf", type=int, default=23, help="x264 CRF (default 23)")
    ap.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="ffmpeg processes in parallel; the output does not depend on it "
                         "(default: min(2, CPUs))")
    ap.add_argument("--taxonomy", default=str(DEFAULT_TAXONOMY),
                    help="taxonomy JSON (default Models/taxonomy/taobao.json)")
    ap.add_argument("--vocabulary", default=str(DEFAULT_VOCABULARY),
                    help="vocabulary JSON (default Scripts/demo/vocabulary.json)")
    ap.add_argument("--no-speech", action="store_true",
                    help="do not use espeak-ng: speech modes become tone-only")
    ap.add_argument("--chinese-only", action="store_true",
                    help="titles, summaries and products in Chinese only, as on the article's platform "
                         "(sets --lang-en-rate 0 and --lang-zh-rate 1)")
    ap.add_argument("--metadata-only", action="store_true",
                    help="write the manifest, labels and generation facts but render no media")
    ap.add_argument("--force", action="store_true", help="overwrite an existing corpus in --out")
    g = ap.add_argument_group("rates (defaults documented in docs/demo-corpus.md; --demo "
                              "zeroes the missing/junk/confusion rates and sets --cover-rate 1)")
    helps = {
        "junk_title_rate": "title is a file name, timestamp, digits/punctuation or 1-2 characters",
        "missing_title_rate": "no title field",
        "sibling_title_rate": "title names an item of a sibling level-2 category",
        "generic_title_rate": "title carries only level-1 words",
        "lang_en_rate": "a text is English only",
        "lang_zh_rate": "a text is Chinese only (the rest mixes both)",
        "missing_summary_rate": "no summary field",
        "generic_summary_rate": "a present summary carries only level-1 words and filler",
        "missing_products_rate": "no products field",
        "product_count_weights": "weights of 1, 2, 3 products when present",
        "product_mismatch_rate": "a product comes from another category",
        "mismatch_mix": "weights of sibling, related level-1, other level-1 for a mismatched product",
        "cover_rate": "the video has a cover image",
        "no_audio_rate": "no audio stream",
        "short_audio_rate": "audio stream of 0.3-0.9 s (speech + tone)",
        "silent_audio_rate": "audio stream of digital silence",
        "tone_only_rate": "tone + noise, no speech",
        "speech_only_rate": "speech + noise, no tone (the rest: speech + tone + noise)",
        "speech_zh_rate": "speech is Mandarin (espeak-ng cmn) rather than English",
        "visual_confusion_rate": "the picture uses another category's look and tint",
        "hue_jitter": "uniform tint hue jitter, +/- degrees",
        "tint_opacity": "range of the tint's blend opacity",
    }
    for k, v in RATE_DEFAULTS.items():
        g.add_argument("--" + k.replace("_", "-"), default=None,
                       type=str if isinstance(v, str) else float,
                       help=f"{helps[k]} (default {v})")
    return ap


def resolve_rates(args):
    r = {}
    for k, v in RATE_DEFAULTS.items():
        given = getattr(args, k)
        if args.chinese_only and k in ("lang_en_rate", "lang_zh_rate"):
            if given is not None:
                die(f"--chinese-only sets --{k.replace('_', '-')}: give one or the other")
            given = 0.0 if k == "lang_en_rate" else 1.0
        if given is None:
            given = DEMO_PRESET.get(k, v) if args.demo else v
        r[k] = given
    r["product_count_weights"] = parse_floats(str(r["product_count_weights"]), 3, "product_count_weights")
    r["mismatch_mix"] = parse_floats(str(r["mismatch_mix"]), 3, "mismatch_mix")
    r["tint_opacity"] = parse_floats(str(r["tint_opacity"]), 2, "tint_opacity")
    for k, v in r.items():
        if k.endswith("_rate") and not (0.0 <= v <= 1.0):
            die(f"--{k.replace('_', '-')} must be between 0 and 1")
    if r["missing_title_rate"] + r["junk_title_rate"] + r["generic_title_rate"] + r["sibling_title_rate"] > 1:
        die("title rates (missing + junk + generic + sibling) exceed 1")
    if r["lang_en_rate"] + r["lang_zh_rate"] > 1:
        die("--lang-en-rate + --lang-zh-rate exceed 1")
    if sum(r[k] for k in ("no_audio_rate", "short_audio_rate", "silent_audio_rate",
                          "tone_only_rate", "speech_only_rate")) > 1 + 1e-9:
        die("audio mode rates exceed 1")
    if sum(r["product_count_weights"]) <= 0 or sum(r["mismatch_mix"]) <= 0:
        die("weights must not all be zero")
    return r


def main(argv=None):
    args = build_parser().parse_args(argv)
    seed = args.seed if args.seed is not None else (DEMO_SEED if args.demo else 1)
    per = args.per_category if args.per_category is not None else (1 if args.demo else 12)
    seconds = args.seconds if args.seconds is not None else (DEMO_SECONDS if args.demo else 4.0)
    size = args.size or (DEMO_SIZE if args.demo else "320x240")
    try:
        w, h = (int(x) for x in size.lower().split("x"))
    except ValueError:
        die(f"--size must be WxH, got {size!r}")
    if w < 32 or h < 32 or w % 2 or h % 2:
        die("--size must be at least 32x32 with even sides")
    if per < 1:
        die("--per-category must be at least 1")
    if seconds < 1.0 or seconds > 60:
        die("--seconds must be between 1 and 60")
    r = resolve_rates(args)

    world = World(load_json(args.taxonomy, "taxonomy"), load_json(args.vocabulary, "vocabulary"))
    cats = select_categories(world, args)
    if not cats:
        die("no categories selected")
    speech = not args.no_speech
    if not args.metadata_only:
        speech_modes = 1.0 - r["no_audio_rate"] - r["silent_audio_rate"] - r["tone_only_rate"]
        check_tools(speech and speech_modes > 0)

    out = Path(args.out)
    if (out / "manifest.jsonl").exists() and not args.force:
        die(f"{out} already holds a corpus (manifest.jsonl); pass --force to overwrite it")
    if args.force and (out / "manifest.jsonl").exists():
        # Remove the media the previous corpus listed, so no stale files survive.
        with open(out / "manifest.jsonl", encoding="utf-8") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                for key in ("video", "cover"):
                    if isinstance(rec.get(key), str) and rec[key].startswith("videos/"):
                        try:
                            (out / rec[key]).unlink()
                        except OSError:
                            pass
    (out / "videos").mkdir(parents=True, exist_ok=True)

    # ---- draw everything (single-threaded, fixed order) ----
    rng = random.Random(seed)
    pools = mismatch_pools(world, cats)
    by_l1 = {}
    for c in cats:
        by_l1.setdefault(c.level1, []).append(c)
    slots = [c for c in cats for _ in range(per)]
    rng.shuffle(slots)
    width = max(2, len(str(len(slots))))
    jobs = []
    for i, cat in enumerate(slots, 1):
        vid = f"demo-{i:0{width}d}" if args.demo else f"s{seed}-{i:0{width + 1}d}"
        siblings = [c for c in by_l1[cat.level1] if c is not cat]
        sibling = siblings[rng.randrange(len(siblings))] if siblings else None
        title_lang = draw_lang(rng, r)
        title, title_kind = make_title(rng, cat, sibling, title_lang, r, world.common)
        summary_lang = title_lang if rng.random() < 0.7 else draw_lang(rng, r)
        summary, summary_kind = make_summary(rng, cat, summary_lang, r, world.common)
        products, product_facts = make_products(rng, cat, r, world, pools, world.common)
        confusion = rng.random() < r["visual_confusion_rate"]
        picture = draw_picture(rng, cat, world, cats, r, confusion)
        cover = None
        if rng.random() < r["cover_rate"]:
            cover = draw_cover_extras(rng)
            # Same category look (and same confusion) as the video, new random variation.
            cover["picture"] = draw_picture(rng, cat, world, cats, r, False)
            if confusion:
                cover["picture"]["look"] = picture["look"]
                cover["picture"]["params"] = look_params(rng, picture["look"])
                cover["picture"]["tint"] = picture["tint"]
        audio = draw_audio(rng, cat, r, seconds, speech)
        record = {"id": vid, "video": f"videos/{vid}.mp4"}
        if cover:
            record["cover"] = f"videos/{vid}.jpg"
        if title is not None:
            record["title"] = title
        if summary is not None:
            record["summary"] = summary
        if products is not None:
            record["products"] = products
        facts = {
            "id": vid, "level1": cat.level1, "level2": cat.level2,
            "title_kind": title_kind, "title_lang": title_lang if title_kind not in ("absent", "junk") else None,
            "title_from": sibling.level2 if title_kind == "sibling" else None,
            "summary_kind": summary_kind,
            "summary_lang": summary_lang if summary is not None else None,
            "products": product_facts,
            "cover": cover is not None,
            "visual_confusion": confusion,
            "look": picture["look"], "tint_hue": round(picture["tint_hue"], 1),
            "audio": audio["mode"],
            "audio_seconds": round(audio.get("duration", 0.0), 3),
            "speech": audio.get("speech", {}).get("text") if audio.get("speech") else None,
            "speech_lang": audio["speech"]["lang"] if audio.get("speech") else None,
            "tone_hz": round(audio["tone"]["freq"], 1) if audio.get("tone") else None,
        }
        jobs.append({"id": vid, "cat": cat, "record": record, "facts": facts,
                     "picture": picture, "cover": cover, "audio": audio})

    # ---- render ----
    started = time.time()
    if not args.metadata_only:
        tmp_dir = tempfile.mkdtemp(prefix="vidtag-corpus-")
        done = 0
        try:
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                futures = [pool.submit(render, j, out, tmp_dir, w, h, args.fps, seconds,
                                       args.crf, args.preset) for j in jobs]
                for f in futures:
                    try:
                        f.result()
                    except RuntimeError as e:
                        for g in futures:
                            g.cancel()
                        die(str(e), status=1)
                    done += 1
                    if done % 24 == 0 or done == len(jobs):
                        print(f"make_corpus: {done}/{len(jobs)} videos "
                              f"({time.time() - started:.0f} s)", file=sys.stderr)
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    elapsed = time.time() - started

    # ---- write records ----
    def write_jsonl(name, rows):
        with open(out / name, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")

    write_jsonl("manifest.jsonl", [j["record"] for j in jobs])
    write_jsonl("labels.jsonl", [{"id": j["id"], "level1": j["cat"].level1, "level2": j["cat"].level2}
                                 for j in jobs])
    write_jsonl("generation.jsonl", [j["facts"] for j in jobs])
    stats = summarise(jobs, cats)
    meta = {
        "generator": "Scripts/demo/make_corpus.py", "generator_version": GENERATOR_VERSION,
        "seed": seed, "demo": args.demo, "per_category": per, "seconds": seconds,
        "size": f"{w}x{h}", "fps": args.fps, "crf": args.crf, "preset": args.preset,
        "speech": speech, "metadata_only": args.metadata_only, "chinese_only": args.chinese_only,
        "taxonomy_sha256": file_sha256(args.taxonomy),
        "vocabulary_sha256": file_sha256(args.vocabulary),
        "rates": r, "categories": [c.level2 for c in cats],
        "realised": stats, "render_seconds": round(elapsed, 1),
    }
    with open(out / "corpus.json", "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print_summary(out, jobs, cats, stats, seed, elapsed, args.metadata_only)
    return 0


def summarise(jobs, cats):
    n = len(jobs)
    facts = [j["facts"] for j in jobs]

    def share(pred, rows=facts):
        rows = list(rows)
        return round(sum(1 for x in rows if pred(x)) / len(rows), 4) if rows else None

    products = [p for f in facts for p in f["products"]]
    with_products = [f for f in facts if f["products"]]
    audio_modes = {}
    for f in facts:
        audio_modes[f["audio"]] = audio_modes.get(f["audio"], 0) + 1
    kinds = {}
    for f in facts:
        kinds[f["title_kind"]] = kinds.get(f["title_kind"], 0) + 1
    return {
        "videos": n,
        "title_kinds": {k: round(v / n, 4) for k, v in sorted(kinds.items())},
        "junk_or_missing_title": share(lambda f: f["title_kind"] in ("junk", "absent")),
        "summary_missing": share(lambda f: f["summary_kind"] == "absent"),
        "summary_generic_of_present": share(lambda f: f["summary_kind"] == "generic",
                                            [f for f in facts if f["summary_kind"] != "absent"]),
        "products_missing": share(lambda f: not f["products"]),
        "products_per_video_when_present": round(len(products) / len(with_products), 3) if with_products else None,
        "product_mismatch": share(lambda p: p["kind"] != "own", products),
        "product_mismatch_kinds": {k: share(lambda p, k=k: p["kind"] == k, products)
                                   for k in ("sibling", "related", "other")},
        "videos_with_a_mismatched_product": share(lambda f: any(p["kind"] != "own" for p in f["products"]),
                                                  with_products),
        "cover": share(lambda f: f["cover"]),
        "visual_confusion": share(lambda f: f["visual_confusion"]),
        "audio_modes": {k: round(v / n, 4) for k, v in sorted(audio_modes.items())},
        "no_usable_audio": share(lambda f: f["audio"] in ("none", "short", "silent")),
        "speech_zh": share(lambda f: f["speech_lang"] == "zh", [f for f in facts if f["speech_lang"]]),
        "title_lang": {k: share(lambda f, k=k: f["title_lang"] == k,
                                [f for f in facts if f["title_lang"]]) for k in ("en", "zh", "mixed")},
    }


def print_summary(out, jobs, cats, stats, seed, elapsed, metadata_only):
    counts = {}
    for j in jobs:
        counts[j["cat"].level2] = counts.get(j["cat"].level2, 0) + 1
    print(f"vidtag demo corpus in {out}: {len(jobs)} videos, {len(cats)} level-2 categories "
          f"under {len({c.level1 for c in cats})} level-1, seed {seed}"
          + (" (metadata only)" if metadata_only else f", rendered in {elapsed:.1f} s"))
    last = None
    for c in cats:
        if c.level1 != last:
            print(f"  {c.level1}")
            last = c.level1
        note = " (taxonomy names only)" if c.fallback else ""
        print(f"    {c.level2:<40} {counts.get(c.level2, 0):>4}  {c.name} / {c.name_en}{note}")
    s = stats

    def pct(x):
        return "n/a" if x is None else f"{100 * x:.1f}%"
    print("realised rates:")
    print("  titles: " + ", ".join(f"{k} {pct(v)}" for k, v in s["title_kinds"].items())
          + f"; junk or missing {pct(s['junk_or_missing_title'])}")
    print("  title language: " + ", ".join(f"{k} {pct(v)}" for k, v in s["title_lang"].items()))
    print(f"  summaries: missing {pct(s['summary_missing'])}; "
          f"generic {pct(s['summary_generic_of_present'])} of present ones")
    print(f"  products: missing {pct(s['products_missing'])}, "
          f"{s['products_per_video_when_present']} per video when present, "
          f"mismatched {pct(s['product_mismatch'])} of products ("
          + ", ".join(f"{k} {pct(v)}" for k, v in s["product_mismatch_kinds"].items())
          + f"), videos with a mismatched product {pct(s['videos_with_a_mismatched_product'])}")
    print(f"  covers: {pct(s['cover'])}; visual confusion: {pct(s['visual_confusion'])}")
    print("  audio: " + ", ".join(f"{k} {pct(v)}" for k, v in s["audio_modes"].items())
          + f"; no usable audio {pct(s['no_usable_audio'])}; Mandarin speech {pct(s['speech_zh'])}")


if __name__ == "__main__":
    sys.exit(main())
