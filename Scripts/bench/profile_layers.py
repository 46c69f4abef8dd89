#!/usr/bin/env python3
"""Where a `vidtag classify` run spends its CPU time: by stage and, inside the encoders, by layer kind.

Reads the output of `perf script` for a run recorded with DWARF call stacks and attributes every
sample to a stage (the encoder or media step on its call stack) and, inside the audio and visual
encoders, to a kind of layer (1x1 convolutions, the Winograd forms, im2col convolutions, fully
connected layers, pooling, ...), split into OpenBLAS's GEMM kernel, OpenBLAS's packing of the
operands, and the rest (vidtag's own loops, libc, the kernel). Percentages are of all samples,
i.e. of the CPU time of every thread.

    perf record -F 499 --call-graph dwarf,16384 -o perf.data -- \\
        .build/release/vidtag classify --bundle Models/demo --frames 16 --threads 2 \\
        --manifest .build-e2e/manifest.jsonl --output /tmp/out.jsonl
    perf script -i perf.data | python3 Scripts/bench/profile_layers.py [--json out.json]

Needs a release build (the call stacks name Swift functions, `Conv2D.pointwise`, `WinogradF4x3.run`,
...); the videos are those `Scripts/bench/end_to_end.py` generates.
"""
import argparse
import collections
import json
import sys

# (stage, any of these in a frame of the stack), the first match wins.
STAGES = [
    ("visual encoder", ("VisualEncoder",)),
    ("audio encoder", ("AudioEncoder6VGGishV",)),
    ("audio front end (log-mel)", ("LogMel", "RealFFT", "MelFilterbank")),
    ("text encoder", ("TextEncoder",)),
    ("head", ("$s4Head",)),
    ("frame scaling (swscale)", ("libswscale",)),
    ("audio resampling (swresample)", ("libswresample",)),
    ("audio decoding", ("AudioReader",)),
    ("video decoding", ("libavcodec", "libavformat", "FrameSampler", "StreamDecoder")),
    ("process start", ("ld-linux",)),
    ("loading weights", ("$s7Weights", "$s7Bundles", "prepareWinograd", "packedWeight", "torchWeight")),
]

# (layer kind, any of these in a frame of an encoder's stack), the first match wins.
LAYERS = [
    ("3x3 convolution, Winograd F(4x4, 3x3)", ("WinogradF4x3", "winograd4x3")),
    ("1xn / nx1 convolution, Winograd F(2, 7) / F(4, 3)", ("Winograd1D", "winograd1d")),
    ("1x1 convolution", ("Conv2DV9pointwise",)),
    ("other convolution (im2col: strided, stem)", ("Conv2DV17im2colConvolution",)),
    ("convolution over 1 channel (direct)", ("directConvolution",)),
    ("fully connected", ("StreamedLinear", "Kernels6LinearV")),
    ("pooling", ("Pooling",)),
    ("concatenation", ("Concat",)),
    ("bias and activation", ("addBiasAndActivate", "Activation")),
]


def first_match(frames, table, default):
    for name, keys in table:
        if any(key in frame for frame in frames for key in keys):
            return name
    return default


def part_of(top):
    """What the sampled instruction was doing: OpenBLAS's kernel, its packing, or anything else."""
    if "libopenblas" in top:
        if "copy" in top:
            return "GEMM packing"
        return "GEMM kernel" if "_kernel" in top or "small" in top else "OpenBLAS other"
    return "kernel" if "kernel.kallsyms" in top else "own code and libc"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the shares to this JSON file")
    args = parser.parse_args()

    stages, layers, parts = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for sample in sys.stdin.read().split("\n\n"):
        frames = [line.strip() for line in sample.strip().split("\n")[1:]]
        if not frames:
            continue
        total += 1
        stage = first_match(frames, STAGES, "other")
        stages[stage] += 1
        if stage in ("visual encoder", "audio encoder"):
            layer = first_match(frames, LAYERS, "other")
            layers[(stage, layer)] += 1
            parts[(stage, layer, part_of(frames[0]))] += 1
    if total == 0:
        sys.exit("profile_layers.py: no samples on standard input (pipe `perf script` into it)")

    share = lambda count: 100.0 * count / total
    print(f"{total} samples; % of all CPU time")
    for stage, count in stages.most_common():
        print(f"{share(count):6.1f}%  {stage}")
    print()
    for (stage, layer), count in layers.most_common():
        split = ", ".join(f"{part} {share(n):.1f}" for (s, l, part), n in parts.most_common() if (s, l) == (stage, layer))
        print(f"{share(count):6.1f}%  {stage}: {layer}  ({split})")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"samples": total,
                       "stages": {s: share(n) for s, n in stages.items()},
                       "layers": [{"stage": s, "layer": l, "percent": share(n),
                                   "parts": {p: share(c) for (s2, l2, p), c in parts.items() if (s2, l2) == (s, l)}}
                                  for (s, l), n in layers.most_common()]}, out, indent=1)


if __name__ == "__main__":
    main()
