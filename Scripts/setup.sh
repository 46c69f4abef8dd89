#!/usr/bin/env bash
# Installs what vidtag needs, builds it in release mode and runs it.
# Usage: bash Scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/packages.sh

ensure_debian_packages "${VIDTAG_BUILD_PACKAGES[@]}"
swift build -c release --product vidtag
.build/release/vidtag --version
