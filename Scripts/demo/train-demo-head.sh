#!/usr/bin/env bash
# Reproduces the demo bundle's head (Models/demo/head) and its held-out numbers (the "Demo
# results" section of docs/demo-corpus.md):
#
#   bash Scripts/demo/train-demo-head.sh [WORKDIR]     (default: $TMPDIR/vidtag-demo-head)
#
# 1. the training corpus (make_corpus.py, seed 1: 288 videos, 24 classes) and a held-out corpus
#    from another seed (seed 2, 4 videos per class: 96);
# 2. feature files of both through the demo bundle's encoders (`vidtag extract --bundle
#    Models/demo`: seeded IRv2 and VGGish, all-MiniLM-L6-v2; the bundle's 4 frames per video);
# 3. `vidtag train` on the training corpus's labels with the full Taobao-style taxonomy, into
#    Models/demo/head, and the head's new SHA-256 into Models/demo/bundle.json;
# 4. `vidtag eval` of that head on the held-out corpus (table on stdout, JSON in WORKDIR).
#
# Needs: a release build (Scripts/setup.sh), ffmpeg and espeak-ng, the seeded weights
# (`vidtag bundle seed --output Models/demo`) and the text model (Scripts/fetch-text-model.sh).
# Steps whose output exists are skipped (delete WORKDIR to start over); extraction resumes.
# Training is repeatable byte for byte on any thread count: THREADS (default 2) only sets the speed.
set -euo pipefail
cd "$(dirname "$0")/../.."

work="${1:-${TMPDIR:-/tmp}/vidtag-demo-head}"
vidtag="${VIDTAG:-.build/release/vidtag}"
threads="${THREADS:-2}"
bundle=Models/demo
taxonomy=Models/taxonomy/taobao.json
mkdir -p "$work"

# 1. Corpora.
[ -f "$work/corpus-train/corpus.json" ] ||
    python3 Scripts/demo/make_corpus.py --out "$work/corpus-train" --seed 1
[ -f "$work/corpus-heldout/corpus.json" ] ||
    python3 Scripts/demo/make_corpus.py --out "$work/corpus-heldout" --seed 2 --per-category 4

# 2. Features (the bundle's encoders; its head, if any, is not used): both corpora at once, one
#    thread each (how the committed head's features were made).
pids=()
for set in train heldout; do
    VIDTAG_THREADS=1 "$vidtag" extract --bundle "$bundle" --manifest "$work/corpus-$set/manifest.jsonl" \
        --output "$work/features-$set" --resume --quiet > "$work/extract-$set.jsonl" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

# 3. The head: small (width 64, 4 NetVLAD clusters, a 4,096 × 16 text-channel table: 3.1 MB) so
#    that it can be committed; modal dropout 0.5 and 60 epochs (chosen on the training run's own
#    validation split; see docs/demo-corpus.md); the other options are vidtag train's defaults
#    (the corpus's texts are a fifth CJK, so --char-ngrams auto turns the text channel on).
"$vidtag" train --features "$work/features-train" --labels "$work/corpus-train/labels.jsonl" \
    --taxonomy "$taxonomy" --output "$bundle/head" --width 64 --clusters 4 --modal-dropout 0.5 --epochs 60 \
    --char-buckets 4096 --char-dim 16 --seed 0 --threads "$threads" --force \
    | tee "$work/train.json"
python3 - "$bundle" <<'PY'
import hashlib, json, pathlib, sys
bundle = pathlib.Path(sys.argv[1])
manifest = json.loads((bundle / "bundle.json").read_text())
head = bundle / "head" / "head.json"
manifest["head"] = {"path": "head/head.json", "sha256": hashlib.sha256(head.read_bytes()).hexdigest()}
(bundle / "bundle.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
PY
"$vidtag" bundle verify "$bundle"

# 4. Held-out evaluation.
"$vidtag" eval --head "$bundle/head" --features "$work/features-heldout" \
    --labels "$work/corpus-heldout/labels.jsonl" --threads "$threads" --json > "$work/eval-heldout.json"
"$vidtag" eval --head "$bundle/head" --features "$work/features-heldout" \
    --labels "$work/corpus-heldout/labels.jsonl" --threads "$threads" \
    --predictions "$work/predictions-heldout.jsonl" --report "$work/eval-heldout.html"
echo "held-out metrics: $work/eval-heldout.json; report: $work/eval-heldout.html" >&2
