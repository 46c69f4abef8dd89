#!/usr/bin/env bash
# Kernel benchmark: vidtag's GEMM / Linear / Conv2D (OpenBLAS) and the same shapes in PyTorch,
# in one run, then one combined table.
#
#   Scripts/bench/kernels.sh [--repeats N] [--warmup N] [--retries N] [--threads N] [--filter TEXT]...
#                            [--out DIR]
#
# Builds vidtag-bench in release (scratch path $SCRATCH, default .build-bench), exports the case
# table, times it with PyTorch when $PYTHON (default /work/venv/bin/python) can import torch (else
# says so and goes on without), then times it with vidtag-bench, which prints the combined table.
# Results: DIR/cases.json, DIR/torch.json, DIR/vidtag.json, DIR/report.txt (DIR default
# $SCRATCH/kernels). Run it on an otherwise idle machine: the "others" column shows how much CPU
# other processes took during each case (a disturbed case is measured again up to --retries times).
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON="${PYTHON:-/work/venv/bin/python}"
SCRATCH="${SCRATCH:-.build-bench}"
repeats=10
warmup=1
retries=2
threads="$(nproc)"
out=""
filters=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --repeats) repeats="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --retries) retries="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --filter) filters+=(--filter "$2"); shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "kernels.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
    esac
done
out="${out:-$SCRATCH/kernels}"
mkdir -p "$out"

echo "== building vidtag-bench (release, scratch path $SCRATCH)" >&2
swift build -c release --scratch-path "$SCRATCH" --product vidtag-bench >&2
bench="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/vidtag-bench"
common=(--repeats "$repeats" --warmup "$warmup" --retries "$retries" --threads "$threads" ${filters[@]+"${filters[@]}"})

"$bench" kernels --export-cases "$out/cases.json" ${filters[@]+"${filters[@]}"}

torch_args=()
if "$PYTHON" -c 'import torch' >/dev/null 2>&1; then
    echo "== PyTorch ($PYTHON)" >&2
    "$PYTHON" Scripts/bench/kernels_torch.py --cases "$out/cases.json" --out "$out/torch.json" "${common[@]}"
    torch_args=(--torch "$out/torch.json")
else
    echo "== skipping PyTorch: '$PYTHON' cannot import torch (set PYTHON to a python that can)" >&2
fi

echo "== vidtag-bench kernels" >&2
"$bench" kernels "${common[@]}" --json "$out/vidtag.json" ${torch_args[@]+"${torch_args[@]}"} | tee "$out/report.txt"
echo "== results in $out" >&2
