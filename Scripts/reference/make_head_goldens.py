#!/usr/bin/env python3
"""Reference outputs for the Swift head (Tests/HeadTests/HeadGoldenTests.swift), computed in
float64 by Scripts/reference/head_torch.py with autograd.

Writes Fixtures/head/head_goldens.safetensors:
  input.<b>.<tensor>            the raw features of item b (float32; absent tensors are absent)
  targets                       [B, 2] level-1 and level-2 targets (as floats)
  <variant>.init.<param>        initial parameters: the seeded generator (seeded_weights.py,
                                seed 7), except the two output biases, set so that the
                                hierarchy penalty is active at the start
  <variant>.{logits1,logits2,p1,p2,attention,fused,terms}   forward outputs
  <variant>.grad.<param>        d(mean total loss)/d(param) for every parameter
  <variant>.adam_losses         [10] the loss before each of ten AdamW steps on the same batch
Variants: <fusion>_<classifier>, attention_hmc_flattened with the classic flattened NetVLAD,
suffixes for sequence pooling (mean, both), attention scaling (mean, residual, appended), the
appended sum read by level 2 alone (level2), attention scores (own) and learned
absent blocks (learned), linear classifier channels (hidden0), the linear skip (skip), and
linear_flat, the linear baseline; the last two with the standardisation given in the metadata.
                                (clip 1.0, warm-up 3 + cosine over 10 steps; weight decay 0.1, none
                                on NetVLAD's parameters, a parameter group of their own)
metadata "config": the shared head config, the variants and the optimiser settings (JSON).

Run by a developer (not CI), from the repository root:
    python3 Scripts/reference/make_head_goldens.py
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
OUT = ROOT / "Fixtures" / "head" / "head_goldens.safetensors"

SEED = 7
BASE = {
    "modalities": [
        {"name": "visual", "tensor": "visual.frames", "kind": "sequence", "dim": 12},
        {"name": "cover", "tensor": "cover", "kind": "vector", "dim": 12},
        {"name": "audio", "tensor": "audio.frames", "kind": "sequence", "dim": 6},
        {"name": "title", "tensor": "text.title", "kind": "vector", "dim": 10},
        {"name": "summary", "tensor": "text.summary", "kind": "vector", "dim": 10},
        {"name": "product", "tensor": "product.items", "kind": "set", "dim": 10},
    ],
    "parents": [0, 0, 1, 1, 1, 2, 2],
    "level1_count": 3,
    "clusters": 3,
    "width": 6,
    "tfn_width": 2,
    "lmf_rank": 3,
    "fused_width": 7,
    "hidden1": 8,
    "hidden2": 9,
    "lambda": 2.0,
    "beta": 1.5,
    "attention_mix": 0.25,
}
VARIANTS = [("attention", "hmc", "weighted"), ("concat", "hmc", "weighted"), ("tfn", "hmc", "weighted"),
            ("lmf", "hmc", "weighted"), ("attention", "flat", "weighted"), ("attention", "hmc", "flattened"),
            ("attention", "hmc", "weighted", "both", "residual"), ("attention", "hmc", "weighted", "mean", "mean"),
            ("concat", "hmc", "weighted", "both"), ("linear", "flat", "weighted"),
            ("attention", "hmc", "weighted", "netvlad", "residual", "learned"),
            ("concat", "hmc", "weighted", "netvlad", "convex", "learned"),
            ("attention", "hmc", "weighted", "netvlad", "residual", "zero", 0),
            ("concat", "hmc", "weighted", "netvlad", "convex", "zero", 0), ("attention", "flat", "weighted", "netvlad", "residual", "zero", 0),
            ("attention", "hmc", "weighted", "netvlad", "residual", "zero", None, "own"),
            ("attention", "hmc", "weighted", "netvlad", "residual", "zero", 0, "own"),
            ("attention", "hmc", "weighted", "netvlad", "appended", "zero", None, "own"),
            ("attention", "hmc", "weighted", "netvlad", "appended", "learned", 0, "own"),
            ("attention", "hmc", "weighted", "netvlad", "appended", "zero", 0, "own", True),
            ("concat", "flat", "weighted", "netvlad", "convex", "zero", None, "joint", True),
            ("attention", "hmc", "weighted", "netvlad", "appended", "zero", None, "own", False, "level2"),
            ("attention", "hmc", "weighted", "netvlad", "appended", "zero", 0, "own", False, "level2")]
# The linear baseline's standardisation {mean, scale} per modality, as training would store it.
STANDARDISATION = {m["name"]: {"mean": [round(0.1 * ((i * 7 + j) % 5) - 0.2, 3) for i in range(m["dim"])],
                               "scale": [round(0.5 + 0.1 * ((i * 3 + j) % 7), 3) for i in range(m["dim"])]}
                   for j, m in enumerate(BASE["modalities"])}
OPTIM = {"lr": 0.01, "warmup": 3, "total": 10, "min_fraction": 0.1, "weight_decay": 0.1, "netvlad_weight_decay": 0.0,
         "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "clip": 1.0, "steps": 10}
# Output biases that make some level-2 classes more probable than their parent at the start,
# so that LH and its gradient are not zero.
OVERRIDES = {
    "classifier.level1.out.bias": [1.5, -1.0, 0.0],
    "classifier.level2.out.bias": [0.5, -0.5, 2.0, 0.0, -1.0, 0.5, 0.0],
}

rng = np.random.default_rng(20260611)
B = 5
items = []
presence = [  # visual, cover, audio, title, summary, product
    [1, 1, 1, 1, 1, 1],
    [1, 0, 1, 0, 1, 1],
    [1, 1, 0, 1, 0, 0],
    [0, 1, 0, 1, 1, 1],
    [1, 1, 1, 0, 0, 1],
]
lengths = {"visual.frames": [5, 3, 1, 0, 4], "audio.frames": [4, 2, 0, 0, 1], "product.items": [2, 1, 0, 3, 1]}
for b in range(B):
    item = {}
    for j, m in enumerate(BASE["modalities"]):
        if not presence[b][j]:
            continue
        if m["kind"] == "vector":
            item[m["tensor"]] = rng.normal(size=m["dim"]).astype(np.float32) * np.float32(rng.uniform(0.5, 3))
        else:
            n = lengths[m["tensor"]][b]
            item[m["tensor"]] = (rng.normal(size=(n, m["dim"])) * rng.uniform(0.5, 3)).astype(np.float32)
    items.append(item)
targets = np.array([[0, 1], [1, 3], [2, 6], [1, 2], [0, 0]], dtype=np.int64)

tensors = {}
for b, item in enumerate(items):
    for name, value in item.items():
        tensors[f"input.{b}.{name}"] = value
tensors["targets"] = targets.astype(np.float32)


def variant_name(fusion, classifier, form, pooling="netvlad", scale="convex", absent="zero", hidden=None, scores="joint",
                 skip=False, reaches="both"):
    """<fusion>_<classifier>[_flattened][_<pooling>][_<attention scale>][_level2][_own][_learned][_hidden0][_skip],
    defaults left out (level2: the appended weighted sum read by level 2 alone; own: attention scores from each
    modality's own block; hidden0: linear classifier channels; skip: the linear skip)."""
    parts = [fusion, classifier] + [x for x, default in ((form, "weighted"), (pooling, "netvlad"), (scale, "convex"),
                                                         (reaches, "both"), (scores, "joint"), (absent, "zero"))
                                    if x != default]
    return "_".join(parts + ([] if hidden is None else [f"hidden{hidden}"]) + (["skip"] if skip else []))


def run(fusion, classifier, form, pooling="netvlad", scale="convex", absent="zero", hidden=None, scores="joint",
        skip=False, reaches="both"):
    cfg = dict(BASE, fusion=fusion, classifier=classifier, netvlad=form, pooling=pooling, attention_scale=scale,
               absent=absent, attention_scores=scores, linear_skip=skip, attention_reaches=reaches)
    if hidden is not None:
        cfg.update(hidden1=hidden, hidden2=hidden)
    if fusion == "linear" or skip:
        cfg["modalities"] = [dict(m, standardisation=STANDARDISATION[m["name"]]) for m in BASE["modalities"]]
    name = variant_name(fusion, classifier, form, pooling, scale, absent, hidden, scores, skip, reaches)
    return golden_run.run(cfg, items, targets, name, SEED, OVERRIDES, OPTIM)


for variant in VARIANTS:
    tensors.update(run(*variant))

meta = dict(BASE, seed=SEED, variants=[variant_name(*variant) for variant in VARIANTS], standardisation=STANDARDISATION,
            optimizer=OPTIM, batch=B)
OUT.parent.mkdir(parents=True, exist_ok=True)
save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(OUT), metadata={"config": json.dumps(meta)})
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(tensors)} tensors)")
