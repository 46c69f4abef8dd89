#!/usr/bin/env bash
# Installs what the tests need and runs them (release build: the numerics tests run real
# kernels over real tensors). Usage: bash Scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/packages.sh

ensure_debian_packages "${VIDTAG_BUILD_PACKAGES[@]}" "${VIDTAG_TEST_PACKAGES[@]}"
swift test -c release -Xswiftc -enable-testing
