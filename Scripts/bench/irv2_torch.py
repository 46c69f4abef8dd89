#!/usr/bin/env python3
"""Inception-ResNet-v2 images per second in PyTorch eager (timm), the peer for vidtag-bench irv2.

    python3 Scripts/bench/irv2_torch.py --batches 1,16 --repeats 3 --threads 2 --out irv2_torch.json

Counts the model's FLOPs (2 x multiply-adds of every convolution and linear layer, from forward
hooks) and times forward passes of random 299x299 batches under torch.no_grad().
"""
import argparse
import json
import statistics
import time

import timm
import torch


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", default="1,16")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = timm.create_model("inception_resnet_v2", pretrained=False, num_classes=0).eval()
    flops = conv_flops(model)
    results = {"flops_per_image": flops, "threads": args.threads, "torch": torch.__version__, "batches": {}}
    for batch in [int(b) for b in args.batches.split(",")]:
        x = torch.randn(batch, 3, 299, 299)
        with torch.no_grad():
            model(x)  # warm-up
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                model(x)
                times.append(time.perf_counter() - start)
        median = statistics.median(times)
        results["batches"][str(batch)] = {"seconds": times, "median": median, "images_per_second": batch / median,
                                           "gflops": flops * batch / median / 1e9}
        print(f"torch batch {batch}: {batch / median:.2f} images/s, {flops * batch / median / 1e9:.1f} GFLOPS")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
