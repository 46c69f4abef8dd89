#!/bin/sh
# vidtag-shard: runs one shard of a vidtag batch command inside a Kubernetes Indexed Job.
#
#   vidtag-shard classify --manifest /data/manifest.jsonl --output /data/out/shard-3.jsonl --resume --quiet
#
# runs `vidtag classify … --shard $JOB_COMPLETION_INDEX/$VIDTAG_SHARDS` and exits with:
#   0    the shard is done: vidtag exited 0 (every input classified) or 2 (some inputs failed;
#        their error records are in the output, the deterministic ones in the quarantine), see
#        below
#   1    vidtag's fatal error (bad usage, bundle or manifest cannot be loaded, output not writable)
#   143  vidtag stopped on SIGTERM (or SIGINT) after the item in hand (rerun with --resume)
#   other    vidtag was killed (137: OOM or the grace period ran out) or crashed
#
# Why exit 2 becomes 0: it means the run went through every input of the shard and some
# failed for reasons that a retry does not change (a corrupt file, a missing path); a retried
# pod would find every id already in the output (--resume skips them, error records included)
# and exit 0 having done nothing but load the models again. Kubernetes' podFailurePolicy can
# fail or ignore an exit code but cannot count one as success, hence this wrapper.
# Exception: with --max-failures, exit 2 can also mean "stopped early after N failures"; set
# VIDTAG_SHARD_EXIT2=fail then, so that the index is retried and --resume continues the shard.
#
# The wrapper is PID 1 in the container: it forwards SIGTERM (and SIGINT, as SIGTERM) to vidtag (a shell as
# PID 1 would otherwise leave vidtag running until the SIGKILL at the end of the grace period)
# and waits for vidtag to finish the item in hand.
set -u

index="${JOB_COMPLETION_INDEX:-}"
shards="${VIDTAG_SHARDS:-}"
case "$index" in '' | *[!0-9]*)
    echo "vidtag-shard: JOB_COMPLETION_INDEX is '$index', expected a number (run in an Indexed Job)" >&2
    exit 1 ;;
esac
case "$shards" in '' | *[!0-9]*)
    echo "vidtag-shard: VIDTAG_SHARDS is '$shards', expected the Job's completions (a number)" >&2
    exit 1 ;;
esac
if [ "$index" -ge "$shards" ]; then
    echo "vidtag-shard: JOB_COMPLETION_INDEX $index is not below VIDTAG_SHARDS $shards: set VIDTAG_SHARDS to the Job's completions" >&2
    exit 1
fi
if [ "$#" -eq 0 ]; then
    echo "usage: vidtag-shard SUBCOMMAND [OPTIONS...]   (adds --shard \$JOB_COMPLETION_INDEX/\$VIDTAG_SHARDS)" >&2
    exit 1
fi

child=""
pending=""  # a signal that arrived before vidtag started
forward() {
    if [ -n "$child" ]; then kill "-$1" "$child" 2>/dev/null; else pending="$1"; fi
}
trap 'forward TERM' TERM
# A command started with & in a script begins with SIGINT ignored (POSIX), so an interrupt is
# passed on as SIGTERM: vidtag stops the same way (after the item in hand), with status 143.
trap 'forward TERM' INT

"${VIDTAG:-vidtag}" "$@" --shard "$index/$shards" &
child=$!
[ -n "$pending" ] && kill "-$pending" "$child" 2>/dev/null

# `wait` returns early (status > 128) when a trapped signal arrives while vidtag still runs:
# wait again until vidtag itself has exited.
while :; do
    wait "$child"
    status=$?
    kill -0 "$child" 2>/dev/null || break
done

if [ "$status" -eq 2 ] && [ "${VIDTAG_SHARD_EXIT2:-done}" != "fail" ]; then
    echo "vidtag-shard: shard $index/$shards finished with failed inputs (exit 2): their error records are in the output; counting the shard as done" >&2
    exit 0
fi
exit "$status"
