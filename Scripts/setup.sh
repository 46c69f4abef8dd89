#!/usr/bin/env bash
# Installs what vidtag and its demo need, builds vidtag in release mode, completes the demo
# bundle and classifies the 12-video demo corpus with it.
#
#   bash Scripts/setup.sh
#
# Standard output is one prediction record (JSON line) per demo video; everything else goes to
# standard error. The demo bundle (Models/demo) pairs all-MiniLM-L6-v2 (pretrained) with
# RANDOM stand-in image and audio weights (`vidtag bundle seed`; see docs/import.md for real
# ones), and a head trained on the synthetic demo corpus (docs/demo-corpus.md): its
# predictions show the pipeline working, not what vidtag does with real weights on real videos.
# Set VIDTAG_DEMO_DIR to keep the demo corpus somewhere else than $TMPDIR/vidtag-demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/packages.sh

# 1. Debian packages: FFmpeg and OpenBLAS for the build, the ffmpeg CLI and espeak-ng for the demo.
ensure_debian_packages "${VIDTAG_BUILD_PACKAGES[@]}" "${VIDTAG_DEMO_PACKAGES[@]}"
python3 -m pip --version >/dev/null 2>&1 || ensure_debian_packages python3-pip

# 2. The default text encoder, all-MiniLM-L6-v2, into Models/demo/text/ (git-ignored), checked
#    by SHA-256; a no-op when present.
bash Scripts/fetch-text-model.sh

# 3. Build.
swift build -c release --product vidtag >&2
vidtag=.build/release/vidtag
"$vidtag" --version >&2

# 4. The demo bundle's seeded stand-in weights (git-ignored, 0.5 GB, the same bytes on every
#    machine): written only when the bundle does not verify (missing or other files).
if ! "$vidtag" bundle verify Models/demo >/dev/null 2>&1; then
    echo "Writing the demo bundle's random stand-in weights into Models/demo (vidtag bundle seed)" >&2
    "$vidtag" bundle seed --output Models/demo >&2
fi
"$vidtag" bundle verify Models/demo >&2

# 5. The demo corpus: 12 synthetic videos, one per class, every modality present.
demo="${VIDTAG_DEMO_DIR:-${TMPDIR:-/tmp}/vidtag-demo}"
python3 Scripts/demo/make_corpus.py --demo --out "$demo" --force >&2

# 6. Classify it with the default bundle (Models/demo, found beside the executable).
echo "Classifying $demo/manifest.jsonl (labels: $demo/labels.jsonl)" >&2
"$vidtag" classify --manifest "$demo/manifest.jsonl" --quiet
