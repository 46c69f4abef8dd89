#!/usr/bin/env python3
"""Reference outputs for the text channel of the Swift head (Tests/HeadTests/TextChannelGoldenTests.swift),
computed in float64 by Scripts/reference/head_torch.py with autograd.

The head has a frame sequence, a title vector and the three bags of hashed n-gram ids (title,
summary, products) that share the table chars.table [buckets, E]. Writes
Fixtures/head/text_channel_goldens.safetensors:
  input.<b>.<tensor>      item b's frames and title vector (float32), and its bags' ids as
                          float32 (texts.title, texts.summary, texts.product; absent when empty)
  targets                 [B, 2] level-1 and level-2 targets (as floats)
  <variant>.init.<param>  initial parameters: seeded_weights.py (seed 7), the table scaled by
                          1/sqrt(6E) as the Swift head does
  <variant>.{p1,p2,attention,fused,terms}, <variant>.grad.<param>, <variant>.adam_losses
                          as in make_head_goldens.py; AdamW with chars.table in a parameter group
                          of its own at text_learning_rate_scale x the learning rate
Variants: attention_hmc_residual (the default head) and concat_hmc.
metadata "config": the head config, the variants and the optimiser settings (JSON).

Run by a developer (not CI), from the repository root:
    python3 Scripts/reference/make_text_channel_goldens.py
Needs: torch, numpy, safetensors.
"""
import json
import pathlib
import sys

import numpy as np
from safetensors.numpy import save_file

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import golden_run  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Fixtures" / "head" / "text_channel_goldens.safetensors"

SEED = 7
CHANNEL = {"buckets": 11, "dim": 4, "seed": 0, "rules": 1}
BASE = {
    "modalities": [
        {"name": "visual", "tensor": "visual.frames", "kind": "sequence", "dim": 6},
        {"name": "title", "tensor": "text.title", "kind": "vector", "dim": 5},
        {"name": "title_chars", "tensor": "texts.title", "kind": "bag", "dim": CHANNEL["dim"]},
        {"name": "summary_chars", "tensor": "texts.summary", "kind": "bag", "dim": CHANNEL["dim"]},
        {"name": "product_chars", "tensor": "texts.product", "kind": "bag", "dim": CHANNEL["dim"]},
    ],
    "text_channel": CHANNEL,
    "parents": [0, 0, 1, 1, 2],
    "level1_count": 3,
    "clusters": 2,
    "width": 5,
    "tfn_width": 2,
    "lmf_rank": 2,
    "fused_width": 6,
    "hidden1": 6,
    "hidden2": 7,
    "lambda": 2.0,
    "beta": 1.5,
    "attention_mix": 0.25,
}
VARIANTS = [("attention", "hmc", "residual"), ("concat", "hmc", "convex")]
OPTIM = {"lr": 0.01, "warmup": 3, "total": 10, "min_fraction": 0.1, "weight_decay": 0.1,
         "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "clip": 1.0, "steps": 10, "text_learning_rate_scale": 3.0}
OVERRIDES = {
    "classifier.level1.out.bias": [1.5, -1.0, 0.0],
    "classifier.level2.out.bias": [0.5, -0.5, 2.0, 0.0, -1.0],
}

rng = np.random.default_rng(20261205)
B = 5
frames = [4, 2, 0, 3, 1]
titles = [1, 0, 1, 1, 0]
bags = {  # ids per item; [] is an absent bag (ids repeat: a bag is a multiset)
    "texts.title": [[3, 7, 7, 1], [], [0, 10, 5], [2], [9, 9, 4, 6, 8]],
    "texts.summary": [[5, 1], [4, 4, 2, 0, 3, 10], [], [], [6]],
    "texts.product": [[], [8, 3], [1, 2, 3], [7, 0], []],
}
items = []
for b in range(B):
    item = {}
    if frames[b]:
        item["visual.frames"] = (rng.normal(size=(frames[b], 6)) * rng.uniform(0.5, 3)).astype(np.float32)
    if titles[b]:
        item["text.title"] = rng.normal(size=5).astype(np.float32)
    for name, ids in bags.items():
        if ids[b]:
            item[name] = np.array(ids[b], dtype=np.float32)
    items.append(item)
targets = np.array([[0, 1], [1, 3], [2, 4], [1, 2], [0, 0]], dtype=np.int64)

tensors = {"targets": targets.astype(np.float32)}
for b, item in enumerate(items):
    for name, value in item.items():
        tensors[f"input.{b}.{name}"] = value


def run(fusion, classifier, scale):
    cfg = dict(BASE, fusion=fusion, classifier=classifier, attention_scale=scale)
    prefix = f"{fusion}_{classifier}" + ("" if scale == "convex" else f"_{scale}")
    # The table: its seeded values scaled as the Swift head scales them (1 / sqrt(6E), each step
    # in float32), learning at text_learning_rate_scale x the learning rate.
    table_scale = np.float32(1) / np.sqrt(np.float32(6 * CHANNEL["dim"]))
    return prefix, golden_run.run(cfg, items, targets, prefix, SEED, OVERRIDES, OPTIM,
                                  scaled={"chars.table": (table_scale, OPTIM["text_learning_rate_scale"])})


names = []
for variant in VARIANTS:
    name, res = run(*variant)
    names.append(name)
    tensors.update(res)
meta = dict(BASE, seed=SEED, variants=names, optimizer=OPTIM, batch=B)
OUT.parent.mkdir(parents=True, exist_ok=True)
save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(OUT), metadata={"config": json.dumps(meta)})
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(tensors)} tensors)")
