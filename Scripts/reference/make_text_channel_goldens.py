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
import torch
from safetensors.numpy import save_file

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from head_torch import Head, preprocess, schedule  # noqa: E402
from seeded_weights import generate  # noqa: E402

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
    model = Head(cfg).double()
    state = {}
    for name, p in model.named_parameters():
        values = generate(name, list(p.shape), SEED)
        if name == "chars.table":
            # the scale rounded as the Swift head rounds it: 1 / sqrt(6E), each step in float32
            values = (values * (np.float32(1) / np.sqrt(np.float32(6 * CHANNEL["dim"])))).astype(np.float32)
        if name in OVERRIDES:
            values = np.array(OVERRIDES[name], dtype=np.float32)
        state[name] = values
        with torch.no_grad():
            p.copy_(torch.from_numpy(values.astype(np.float64)))
    prepared = [[None if x is None else (x if x.dtype == torch.long else x.double()) for x in
                 preprocess({k: torch.from_numpy(v) for k, v in item.items()}, cfg["modalities"])] for item in items]
    y1, y2 = torch.from_numpy(targets[:, 0]), torch.from_numpy(targets[:, 1])
    out = model(prepared)
    terms, loss = model.loss(out, y1, y2)
    model.zero_grad()
    loss.backward()
    prefix = f"{fusion}_{classifier}" + ("" if scale == "convex" else f"_{scale}")
    res = {f"{prefix}.init.{name}": value.astype(np.float32) for name, value in state.items()}
    for key in ("p1", "p2", "attention", "fused"):
        if out.get(key) is not None:
            res[f"{prefix}.{key}"] = out[key].detach().numpy().astype(np.float32)
    res[f"{prefix}.terms"] = terms.detach().numpy().astype(np.float32)
    for name, p in model.named_parameters():
        res[f"{prefix}.grad.{name}"] = p.grad.numpy().astype(np.float32)

    o = OPTIM
    table = [p for name, p in model.named_parameters() if name == "chars.table"]
    rest = [p for name, p in model.named_parameters() if name != "chars.table"]
    opt = torch.optim.AdamW([{"params": rest, "scale": 1.0}, {"params": table, "scale": o["text_learning_rate_scale"]}],
                            lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weight_decay"])
    losses = []
    for step in range(o["steps"]):
        for group in opt.param_groups:
            group["lr"] = schedule(step, o["lr"], o["warmup"], o["total"], o["min_fraction"]) * group["scale"]
        opt.zero_grad()
        out = model(prepared)
        _, loss = model.loss(out, y1, y2)
        losses.append(loss.item())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), o["clip"])
        opt.step()
    res[f"{prefix}.adam_losses"] = np.array(losses, dtype=np.float32)
    print(f"{prefix}: loss {float(terms[:, 3].detach().mean()):.6f}, adam {losses[0]:.4f} -> {losses[-1]:.4f}")
    return prefix, res


names = []
for variant in VARIANTS:
    name, res = run(*variant)
    names.append(name)
    tensors.update(res)
meta = dict(BASE, seed=SEED, variants=names, optimizer=OPTIM, batch=B)
OUT.parent.mkdir(parents=True, exist_ok=True)
save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(OUT), metadata={"config": json.dumps(meta)})
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(tensors)} tensors)")
