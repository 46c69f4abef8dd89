#!/usr/bin/env bash
# Trains and evaluates heads with `vidtag train` / `vidtag eval` on synthetic worlds written as
# real feature files (`vidtag-bench head synth`): 6 level-1 × 4 level-2 classes, 4,000 training
# items (10% of them for validation) and 800 test items per world, worlds 21, 22 and 23. Prints,
# per variant, level-1 and level-2 accuracy on complete test items and level-2 accuracy with
# 10% of the present modalities dropped, each the mean of the worlds.
#
#   bash Scripts/bench/head_worlds.sh NAME [vidtag train options …]     e.g.
#   bash Scripts/bench/head_worlds.sh default
#   bash Scripts/bench/head_worlds.sh concat --fusion concat
#   bash Scripts/bench/head_worlds.sh linear --fusion linear
#
# KIND=few-frames (or linear, redundant, complementary, noisy; default standard) picks the world
# kind (docs/head.md), SEED the training seed (default 1). The worlds are written once into
# $HEAD_WORLDS (default /tmp/vidtag-head-worlds). The same
# feature folders feed Scripts/reference/linear_baseline.py (scipy's L-BFGS). Needs the release
# build of vidtag and vidtag-bench. One world at a time on --threads 1: ~1 minute per variant
# and world on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
name="${1:?usage: head_worlds.sh NAME [train options]}"; shift
root="${HEAD_WORLDS:-/tmp/vidtag-head-worlds}"
seed="${SEED:-1}"
kind="${KIND:-standard}"
vidtag="${VIDTAG:-.build/release/vidtag}"
bench=.build/release/vidtag-bench
for w in 21 22 23; do
    for split in train:1:4000 test:2:800; do
        IFS=: read -r part s count <<<"$split"
        [ -f "$root/$kind-w$w-$part/labels.jsonl" ] || "$bench" head synth --kind "$kind" --world "$w" --split "$s" \
            --count "$count" --level1 6 --children 4 --output "$root/$kind-w$w-$part" >&2
    done
done
for w in 21 22 23; do
    head="$root/heads/$kind-$name-w$w-s$seed"
    rm -rf "$head"
    data="$root/$kind-w$w"
    "$vidtag" train --quiet --features "$data-train/features" --labels "$data-train/labels.jsonl" \
        --taxonomy "$data-train/taxonomy.json" --output "$head" --seed "$seed" --threads 1 "$@" >/dev/null
    for drop in 0 0.1; do
        "$vidtag" eval --head "$head" --features "$data-test/features" --labels "$data-test/labels.jsonl" \
            --drop-modalities "$drop" --seed 1 --json 2>/dev/null
    done
done | python3 -c '
import json, sys
runs = [json.loads(line) for line in sys.stdin]
clean, dropped = runs[0::2], runs[1::2]
mean = lambda xs: sum(xs) / len(xs)
print("%-24s L1 %.3f  L2 %.3f  L2 with 10%% dropped %.3f  (L2 per world: %s)" % (
    sys.argv[1], mean([r["level1_accuracy"] for r in clean]), mean([r["level2_accuracy"] for r in clean]),
    mean([r["level2_accuracy"] for r in dropped]), " ".join("%.3f" % r["level2_accuracy"] for r in clean)))
' "$name"
