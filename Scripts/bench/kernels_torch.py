#!/usr/bin/env python3
"""Times the cases of `vidtag-bench kernels` with PyTorch on the CPU, as a reference.

The cases come from `vidtag-bench kernels --export-cases FILE` (one table for both tools):

- gemm:   torch.matmul into a preallocated output (a batch of products runs as one bmm);
          B is a transposed view when the case says trans_b, as in vidtag.
- linear: torch.nn.functional.linear with bias (weight [out, in]).
- conv:   torch.nn.functional.conv2d in NCHW with bias, then an in-place ReLU (vidtag fuses
          bias and ReLU into Conv2D).

Each case runs --warmup times untimed, then --repeats times timed with time.perf_counter_ns
(a monotonic clock), under torch.inference_mode and torch.set_num_threads(--threads). As in
vidtag-bench, a case is measured again when other processes took CPU meanwhile (--retries), and
the peak case runs again at the end, keeping the best of both. Writes JSON keyed
by case name in vidtag-bench's own --json layout, for `vidtag-bench kernels --torch FILE`.

Usage: kernels_torch.py --cases cases.json --out torch.json [--threads N] [--repeats N]
       [--warmup N] [--retries N] [--filter TEXT ...]
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def random_values(shape, seed, scale=1.0):
    """Uniform in [-scale, scale), seeded per operand."""
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=generator) * 2 - 1) * scale


def gemm_work(shape):
    batch, m, n, k, trans_b = shape["batch"], shape["m"], shape["n"], shape["k"], shape["trans_b"]
    lead = (batch,) if batch > 1 else ()
    a = random_values(lead + (m, k), 1)
    b = random_values(lead + ((n, k) if trans_b else (k, n)), 2)
    b = b.transpose(-1, -2) if trans_b else b
    c = torch.empty(lead + (m, n))
    return lambda: torch.matmul(a, b, out=c)


def linear_work(shape):
    x = random_values((shape["m"], shape["k"]), 5)
    weight = random_values((shape["n"], shape["k"]), 3, 0.05)
    bias = random_values((shape["n"],), 4)
    return lambda: F.linear(x, weight, bias)


def conv_work(conv):
    x = random_values((conv["batch"], conv["in_channels"], conv["height"], conv["width"]), 6)
    weight = random_values((conv["out_channels"], conv["in_channels"], *conv["kernel"]), 7, 0.05)
    bias = random_values((conv["out_channels"],), 8)
    stride, padding = tuple(conv["stride"]), tuple(conv["padding"])
    return lambda: torch.relu_(F.conv2d(x, weight, bias, stride=stride, padding=padding))


def work_for(case):
    if case["kind"] == "gemm":
        return gemm_work(case["gemm"])
    if case["kind"] == "linear":
        return linear_work(case["gemm"])
    if case["kind"] == "conv":
        return conv_work(case["conv"])
    raise ValueError(f"unknown case kind {case['kind']!r} in case {case['name']}")


def machine_busy_seconds():
    """Busy time of all CPUs from /proc/stat (user nice system irq softirq steal), or None."""
    try:
        with open("/proc/stat") as stat:
            ticks = [float(t) for t in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]) / os.sysconf("SC_CLK_TCK")


def least_disturbed(work, warmup, repeats, retries):
    """measure(), again up to `retries` times while other processes took over 0.1 core."""
    best = measure(work, warmup, repeats)
    for _ in range(retries):
        if best[1] is None or best[1] <= 0.1:
            break
        print("  disturbed, measuring again", file=sys.stderr)
        attempt = measure(work, warmup, repeats)
        if attempt[1] is not None and attempt[1] < best[1]:
            best = attempt
    return best


def measure(work, warmup, repeats):
    """Seconds of each timed run, and the cores' worth of CPU other processes used meanwhile."""
    for _ in range(warmup):
        work()
    machine, process, wall = machine_busy_seconds(), time.process_time(), time.perf_counter()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        work()
        samples.append((time.perf_counter_ns() - start) * 1e-9)
    other_cores = None
    if machine is not None:
        others = (machine_busy_seconds() - machine) - (time.process_time() - process)
        other_cores = max(0.0, others) / (time.perf_counter() - wall)
    return samples, other_cores


def flops(case):
    """Multiply-adds x 2 of the case's matrix product (for a convolution, its im2col GEMM)."""
    gemm = case["gemm"]
    return 2.0 * gemm["batch"] * gemm["m"] * gemm["n"] * gemm["k"]


def result(case, samples, other_cores):
    best = min(samples)
    return {
        "kind": case["kind"],
        "flops": flops(case),
        "best_seconds": best,
        "median_seconds": statistics.median(samples),
        "samples_seconds": samples,
        "gflops": flops(case) / best * 1e-9,
        "other_cores": other_cores,
    }


def backend_description():
    config = torch.__config__.show()
    parts = [f"torch {torch.__version__}"]
    mkl = re.search(r"Math Kernel Library Version ([\d.]+)", config)
    onednn = re.search(r"MKL-DNN (v[\d.]+)", config)
    if mkl:
        parts.append(f"MKL {mkl.group(1)}")
    if onednn:
        parts.append(f"oneDNN {onednn.group(1)}")
    parts.append(f"CPU capability {torch.backends.cpu.get_cpu_capability()}")
    return ", ".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", required=True, help="JSON from vidtag-bench kernels --export-cases")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--retries", type=int, default=2,
                        help="measure a case again, up to this many times, when other processes took more "
                             "than 0.1 core meanwhile; the least disturbed attempt is kept")
    parser.add_argument("--filter", action="append", default=[], help="only cases whose name contains this")
    args = parser.parse_args()
    if args.threads < 1 or args.repeats < 1 or args.warmup < 0 or args.retries < 0:
        parser.error("--threads and --repeats must be at least 1, --warmup and --retries at least 0")

    with open(args.cases) as file:
        cases = json.load(file)
    peak = next(case for case in cases if case["model"] == "peak")
    cases = [case for case in cases
             if case is peak or not args.filter or any(text in case["name"] for text in args.filter)]

    torch.set_num_threads(args.threads)
    results, timings = {}, {}
    with torch.inference_mode():
        for index, case in enumerate(cases, 1):
            samples, other_cores = least_disturbed(work_for(case), args.warmup, args.repeats, args.retries)
            timings[case["name"]] = (samples, other_cores)
            print(f"[{index}/{len(cases)}] torch {case['name']}: best {min(samples) * 1e3:.2f} ms, "
                  f"{flops(case) / min(samples) * 1e-9:.1f} GFLOPS", file=sys.stderr)
        # The peak runs again at the end, so that a busy moment at the start cannot lower it.
        again, again_others = least_disturbed(work_for(peak), args.warmup, args.repeats, args.retries)
        first, first_others = timings[peak["name"]]
        merged_others = None
        if first_others is not None and again_others is not None:
            merged_others = (first_others * sum(first) + again_others * sum(again)) / (sum(first) + sum(again))
        timings[peak["name"]] = (first + again, merged_others)
    for case in cases:
        results[case["name"]] = result(case, *timings[case["name"]])

    report = {
        "tool": "torch",
        "backend": backend_description(),
        "threads": torch.get_num_threads(),
        "repeats": args.repeats,
        "warmup": args.warmup,
        "peak_case": peak["name"],
        "results": results,
    }
    with open(args.out, "w") as file:
        json.dump(report, file, indent=2, sort_keys=True)
    print(f"torch: peak {results[peak['name']]['gflops']:.1f} GFLOPS; wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
