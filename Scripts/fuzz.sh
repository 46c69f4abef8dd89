#!/usr/bin/env bash
# Fuzzes one reader of untrusted bytes with libFuzzer (and AddressSanitizer) for SECONDS.
#
#   bash Scripts/fuzz.sh TARGET SECONDS        TARGET: manifest, safetensors, checkpoint, taxonomy, media
#   bash Scripts/fuzz.sh all SECONDS           each target in turn, SECONDS each
#
# Builds `vidtag-fuzz` with -sanitize=fuzzer,address into .build-fuzz, then runs it on a working
# corpus in $FUZZ_WORK/TARGET (default /tmp/vidtag-fuzz), started from the committed seeds in
# Fixtures/fuzz/TARGET. A crash, a sanitizer report or a hang (-timeout) leaves its input in
# $FUZZ_WORK/TARGET/artifacts; copy it to Fixtures/fuzz/TARGET/crash-NAME so that the normal
# test suite replays it (`vidtag-fuzz TARGET FILE` in a normal build; FuzzCorpusTests), then fix
# it. Prints libFuzzer's final statistics (executions, coverage) and a one-line summary.
# Extra libFuzzer options may follow SECONDS (e.g. -jobs=2 -workers=2).
set -euo pipefail
cd "$(dirname "$0")/.."
targets="manifest safetensors checkpoint taxonomy media"
target="${1:?usage: Scripts/fuzz.sh TARGET|all SECONDS [libFuzzer options]}"
seconds="${2:?usage: Scripts/fuzz.sh TARGET|all SECONDS [libFuzzer options]}"
shift 2
if [ "$target" = all ]; then
    for t in $targets; do bash "$0" "$t" "$seconds" "$@"; done
    exit 0
fi
case " $targets " in *" $target "*) ;; *) echo "fuzz.sh: unknown target '$target' (one of: $targets, all)" >&2; exit 1;; esac

swift build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DVIDTAG_FUZZING \
    --product vidtag-fuzz >&2
work="${FUZZ_WORK:-/tmp/vidtag-fuzz}/$target"
mkdir -p "$work/corpus" "$work/artifacts"
case "$target" in
    media) limits=(-max_len=32768 -timeout=30) ;;      # a media file is read for at most 5 s
    *) limits=(-max_len=8192 -timeout=10) ;;
esac
log="$work/fuzz-$(date +%Y%m%d-%H%M%S).log"
set +e
VIDTAG_FUZZ_TARGET="$target" .build-fuzz/release/vidtag-fuzz "$work/corpus" "Fixtures/fuzz/$target" \
    -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 "${limits[@]}" \
    -artifact_prefix="$work/artifacts/" "$@" > "$log" 2>&1
status=$?
set -e
grep -E '^stat::|^(INFO|==).*(ERROR|Sanitizer)|^SUMMARY' "$log" >&2 || true
last=$(grep -E '#[0-9]+.*cov:' "$log" | tail -1)
echo "fuzz $target: exit $status, ${seconds} s, $(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions, last status: ${last:-none}; log $log"
exit $status
