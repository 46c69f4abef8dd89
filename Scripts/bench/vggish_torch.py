#!/usr/bin/env python3
"""Times the reference VGGish (torchvggish 0.2 on PyTorch, CPU) as `vidtag-bench vggish` times ours.

Same work on both sides: --seconds of 16 kHz mono audio (a deterministic tone plus noise),
- frontend:   vggish_input.waveform_to_examples (Google's numpy log-mel, float64),
- network:    torchvggish's VGG (last ReLU removed, as vidtag's raw embedding) on those
              examples, all in one batch as torchvggish runs them, float32,
- end_to_end: both in a row,
- network_onnxruntime: the same network exported to ONNX, run by onnxruntime with the same
              threads (onnx_runtime.py; skipped with --no-onnx or without onnxruntime).
Each runs --warmup times untimed, then --repeats times timed with time.perf_counter_ns under
torch.inference_mode and torch.set_num_threads(--threads); the best run counts. The figure
of merit is seconds of audio encoded per second of wall time. Writes JSON for
`vidtag-bench vggish --torch FILE`.

Usage: vggish_torch.py --out torch.json [--seconds 60] [--threads 2] [--repeats 3] [--warmup 1]
Needs: torch, numpy, torchvggish==0.2 (pip install --no-deps).
"""
import argparse
import json
import sys
import time
import types

import numpy as np
import torch

import onnx_runtime

for missing in ("resampy", "soundfile"):  # imported by vggish_input for file reading only
    sys.modules.setdefault(missing, types.ModuleType(missing))
from torchvggish import torchvggish as tv_model  # noqa: E402
from torchvggish import vggish_input  # noqa: E402


def waveform(seconds, rate=16000):
    t = np.arange(int(seconds * rate)) / rate
    noise = np.random.default_rng(1).uniform(-0.05, 0.05, t.size)
    return (0.3 * np.sin(2 * np.pi * 440 * t) + noise).astype(np.float32)


def best_of(work, warmup, repeats):
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        work()
        times.append((time.perf_counter_ns() - start) * 1e-9)
    return min(times), times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--no-onnx", action="store_true", help="do not time ONNX Runtime")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = tv_model.VGG(tv_model.make_layers(), postprocess=False).eval()
    model.embeddings[5] = torch.nn.Identity()
    wave = waveform(args.seconds)
    examples = vggish_input.waveform_to_examples(wave, 16000, return_tensor=False)
    batch = torch.from_numpy(examples.astype(np.float32))[:, None, :, :]

    def frontend():
        vggish_input.waveform_to_examples(wave, 16000, return_tensor=False)

    def network():
        with torch.inference_mode():
            model(batch)

    def end_to_end():
        e = vggish_input.waveform_to_examples(wave, 16000, return_tensor=False)
        with torch.inference_mode():
            model(torch.from_numpy(e.astype(np.float32))[:, None, :, :])

    cases = [("frontend", frontend), ("network", network), ("end_to_end", end_to_end)]
    if not args.no_onnx and onnx_runtime.available():
        session = onnx_runtime.session(model, batch[:1], args.threads)
        cases.append(("network_onnxruntime", lambda: onnx_runtime.run(session, batch.numpy())))

    results = {}
    for name, work in cases:
        best, times = best_of(work, args.warmup, args.repeats)
        results[name] = {"best": best, "samples": times, "audio_seconds_per_second": args.seconds / best}
        print(f"torch {name}: best {best:.3f} s → {args.seconds / best:.1f} s of audio per second", file=sys.stderr)
    report = {"tool": "torchvggish", "torch": torch.__version__, "threads": args.threads, "seconds": args.seconds,
              "examples": int(examples.shape[0]),
              "onnxruntime": onnx_runtime.version() if onnx_runtime.available() else None, "repeats": args.repeats, "warmup": args.warmup, "results": results}
    with open(args.out, "w") as out:
        json.dump(report, out, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
