#!/usr/bin/env bash
# What the text channel adds on a corpus whose titles, summaries and products are Chinese only
# (the README's "Chinese text" table):
#
#   bash Scripts/demo/text-channel-demo.sh [WORKDIR] [SEEDS]   (default: $TMPDIR/vidtag-text-channel, "0 1 2")
#
# 1. a training corpus (make_corpus.py --chinese-only, seed 1: 288 videos, 24 classes) and a
#    held-out corpus from another seed (seed 2, 4 videos per class: 96);
# 2. their feature files through the demo bundle (`vidtag extract --bundle Models/demo`);
# 3. per seed, `vidtag train` with the demo head's options (train-demo-head.sh) and the text
#    channel off and on (its default table), and `vidtag eval` of both on the held-out corpus;
# 4. a table of level-1 and level-2 accuracy per seed and their means.
#
# Needs what train-demo-head.sh needs. Steps whose output exists are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."

work="${1:-${TMPDIR:-/tmp}/vidtag-text-channel}"
seeds="${2:-0 1 2}"
vidtag="${VIDTAG:-.build/release/vidtag}"
threads="${THREADS:-2}"
taxonomy=Models/taxonomy/taobao.json
mkdir -p "$work"

[ -f "$work/corpus-train/corpus.json" ] ||
    python3 Scripts/demo/make_corpus.py --out "$work/corpus-train" --seed 1 --chinese-only
[ -f "$work/corpus-heldout/corpus.json" ] ||
    python3 Scripts/demo/make_corpus.py --out "$work/corpus-heldout" --seed 2 --per-category 4 --chinese-only
for set in train heldout; do
    VIDTAG_THREADS="$threads" "$vidtag" extract --bundle Models/demo --manifest "$work/corpus-$set/manifest.jsonl" \
        --output "$work/features-$set" --resume --quiet > "$work/extract-$set.jsonl"
done

for seed in $seeds; do
    for channel in off on; do
        head="$work/head-$channel-$seed"
        [ -f "$head/head.json" ] ||
            "$vidtag" train --features "$work/features-train" --labels "$work/corpus-train/labels.jsonl" \
                --taxonomy "$taxonomy" --output "$head" --width 64 --clusters 4 --modal-dropout 0.5 --epochs 60 \
                --char-ngrams "$channel" --seed "$seed" --threads "$threads" --quiet > /dev/null
        "$vidtag" eval --head "$head" --features "$work/features-heldout" \
            --labels "$work/corpus-heldout/labels.jsonl" --threads "$threads" --json > "$work/eval-$channel-$seed.json"
    done
done

python3 - "$work" $seeds <<'PY'
import json, sys
work, seeds = sys.argv[1], sys.argv[2:]
rows = {c: [json.load(open(f"{work}/eval-{c}-{s}.json")) for s in seeds] for c in ("off", "on")}
print("| text channel | " + " | ".join(f"seed {s}: L1 / L2" for s in seeds) + " | mean L1 | mean L2 |")
print("| --- |" + " ---: |" * (len(seeds) + 2))
for c, evals in rows.items():
    cells = [f"{100 * e['level1_accuracy']:.1f} / {100 * e['level2_accuracy']:.1f}" for e in evals]
    m1 = 100 * sum(e["level1_accuracy"] for e in evals) / len(evals)
    m2 = 100 * sum(e["level2_accuracy"] for e in evals) / len(evals)
    print(f"| {c} | " + " | ".join(cells) + f" | {m1:.1f} | {m2:.1f} |")
PY
