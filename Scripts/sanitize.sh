#!/usr/bin/env bash
# Runs the whole test suite once under a sanitizer: AddressSanitizer (out-of-bounds and
# use-after-free accesses, leaks at exit are not reported: LeakSanitizer is off) or
# ThreadSanitizer (data races).
#
#   bash Scripts/sanitize.sh address|thread [swift test options, e.g. --filter HeadTests]
#
# Release build with testing enabled, as Scripts/test.sh, in its own folder (.build-address or
# .build-thread), so the normal build stays as it is. The instrumented `vidtag` binary is the
# one the CLI tests run. A report makes the run fail; the log is in .build-SANITIZER/test.log.
# Needs what Scripts/test.sh installs (run it once first). Takes 10-30 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?usage: Scripts/sanitize.sh address|thread [swift test options]}"
shift
case "$sanitizer" in address|thread) ;; *) echo "sanitize.sh: 'address' or 'thread', not '$sanitizer'" >&2; exit 1;; esac
scratch=".build-$sanitizer"
# ASan stops at its first report, TSan reports every race and fails at exit; ASan's leak check at exit is off (the
# process-wide caches of weights and OpenBLAS's buffers live until exit by design).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}"
mkdir -p "$scratch"
set +e
swift test -c release -Xswiftc -enable-testing --sanitize="$sanitizer" --scratch-path "$scratch" "$@" 2>&1 | tee "$scratch/test.log"
status=${PIPESTATUS[0]}
set -e
reports=$(grep -cE '^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)' "$scratch/test.log" || true)
echo "sanitize.sh $sanitizer: swift test exited $status; $reports sanitizer report(s); log $scratch/test.log"
exit $status
