#!/usr/bin/env python3
"""Inception-ResNet-v2 images per second in PyTorch eager (timm) and in ONNX Runtime, the peers
for vidtag-bench irv2.

    python3 Scripts/bench/irv2_torch.py --batches 1,16 --repeats 3 --threads 2 --out irv2_torch.json

Counts the model's FLOPs (2 x multiply-adds of every convolution and linear layer, from forward
hooks) and times forward passes of random 299x299 batches under torch.no_grad(); then the same
model exported to ONNX and run by onnxruntime with the same threads (see onnx_runtime.py;
skipped with --no-onnx or when onnxruntime is missing), results under "onnxruntime".
"""
import argparse
import json
import statistics
import time

import timm
import torch

import onnx_runtime


def conv_flops(model, size=299):
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            total += 2 * output.numel() * (module.in_channels // module.groups) * kh * kw
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    with torch.no_grad():
        model.forward_features(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return total


def time_batches(name, forward, batches, repeats, flops):
    """{batch: {seconds, median, images_per_second, gflops}} for `forward` on random NCHW float32 batches."""
    results = {}
    for batch in batches:
        x = torch.randn(batch, 3, 299, 299).numpy()
        with torch.no_grad():
            forward(x)  # warm-up
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                forward(x)
                times.append(time.perf_counter() - start)
        median = statistics.median(times)
        results[str(batch)] = {"seconds": times, "median": median, "images_per_second": batch / median,
                               "gflops": flops * batch / median / 1e9}
        print(f"{name} batch {batch}: {batch / median:.2f} images/s, {flops * batch / median / 1e9:.1f} GFLOPS")
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", default="1,16")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default=None)
    parser.add_argument("--no-onnx", action="store_true", help="do not time ONNX Runtime")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = timm.create_model("inception_resnet_v2", pretrained=False, num_classes=0).eval()
    flops = conv_flops(model)
    results = {"flops_per_image": flops, "threads": args.threads, "torch": torch.__version__}
    batches = [int(b) for b in args.batches.split(",")]
    results["batches"] = time_batches("torch", lambda x: model(torch.from_numpy(x)), batches, args.repeats, flops)
    if not args.no_onnx and onnx_runtime.available():
        session = onnx_runtime.session(model, torch.zeros(1, 3, 299, 299), args.threads)
        results["onnxruntime"] = {"version": onnx_runtime.version(), "batches": time_batches(
            "onnxruntime", lambda x: onnx_runtime.run(session, x), batches, args.repeats, flops)}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
