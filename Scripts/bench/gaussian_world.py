#!/usr/bin/env python3
"""A held-out world written independently of vidtag's generator, in the feature-file layout:
per modality, level-2 class prototypes (a level-1 prototype plus a sibling offset) in the
feature space itself, and every frame, vector or product = quality × strength × prototype +
N(0, I) noise drawn independently per frame. Evidence is spread unevenly over the modalities
(strengths below), each item has its own quality (0.3–1.7), and modalities are missing at
realistic rates. Class-conditional Gaussian with one covariance: a linear model on the mean
features is close to the best possible rule.

    python3 Scripts/bench/gaussian_world.py OUT COUNT WORLD SPLIT [STRENGTH, default 0.15] [--telling-frames[=TELLING]]

With --telling-frames the visual evidence sits in one or two telling frames (TELLING × the
prototype + noise; TELLING 1 unless given) among 16–32 distractor frames of pure noise, a third of which weakly show
another class (DISTRACTOR × its prototype); the other modalities keep half their strength. The
mean frame dilutes the telling frames, so a model that singles them out beats a linear model on
the mean features there.

writes OUT/features/*.safetensors, OUT/labels.jsonl, OUT/taxonomy.json (6 level-1 × 4 level-2
classes). Use one WORLD and two SPLITs for training and test items. Needs numpy.
"""
import json, os, struct, sys
import numpy as np

flags = [a for a in sys.argv[1:] if a.startswith("--telling-frames")]
telling_frames = bool(flags)
TELLING = float(flags[0].split("=", 1)[1]) if flags and "=" in flags[0] else 1.0
DISTRACTOR = 0.35
args = [a for a in sys.argv[1:] if not a.startswith("--telling-frames")]
out, count, world, split = args[0], int(args[1]), int(args[2]), int(args[3])
strength = float(args[4]) if len(args) > 4 else 0.15
L1, C = 6, 4
MODS = {  # name: (tensor, width, kind, strength, missing rate)
    "visual": ("visual.frames", 1536, "seq", 0.35, 0.0),
    "cover": ("cover", 1536, "vec", 0.5, 0.05),
    "audio": ("audio.frames", 128, "seq", 0.25, 0.10),
    "title": ("text.title", 384, "vec", 0.45, 0.08),
    "summary": ("text.summary", 384, "vec", 0.35, 0.45),
    "product": ("product.items", 384, "set", 0.3, 0.35),
}
w = np.random.default_rng(world)
prototypes = {}
for m, (_, d, _, _, _) in MODS.items():
    level1 = w.normal(size=(L1, d))
    prototypes[m] = (level1[:, None, :] + 0.7 * w.normal(size=(L1, C, d))).reshape(L1 * C, d)
r = np.random.default_rng(1000 * world + split)


def write(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for k, a in tensors.items():
        b = np.ascontiguousarray(a, dtype=np.float32).tobytes()
        header[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


os.makedirs(out + "/features", exist_ok=True)
labels = []
for i in range(count):
    j = int(r.integers(L1 * C))
    item = f"g{split}-{i:06d}"
    tensors = {}
    for m, (tensor, d, kind, s, missing) in MODS.items():
        if r.random() < missing:
            continue
        q = strength * s * r.uniform(0.3, 1.7) * (0.5 if telling_frames else 1.0)
        one = lambda: q * prototypes[m][j] + r.normal(size=d)
        if telling_frames and m == "visual":
            frames = [r.normal(size=d) for _ in range(int(r.integers(16, 33)))]
            for t in range(len(frames)):
                if r.random() < 1 / 3:
                    frames[t] += DISTRACTOR * prototypes[m][int(r.integers(L1 * C))]
            for t in r.choice(len(frames), size=int(r.integers(1, 3)), replace=False):
                frames[t] = TELLING * prototypes[m][j] + r.normal(size=d)
            tensors[tensor] = np.stack(frames)
        elif kind == "seq":
            n = int(r.integers(8, 21)) if m == "visual" else int(r.integers(5, 31))
            tensors[tensor] = np.stack([one() for _ in range(n)])
        elif kind == "set":
            tensors[tensor] = np.stack([one() for _ in range(int(r.integers(1, 4)))])
        else:
            x = one()
            tensors[tensor] = x / np.linalg.norm(x) if m in ("title", "summary") else x
    write(f"{out}/features/{item}.safetensors", tensors,
          {"encoders": json.dumps({"synthetic": f"gaussian-{world}-{strength}{f'-telling{TELLING}' if telling_frames else ''}"}), "id": item, "source": "synthetic"})
    labels.append({"id": item, "level1": f"c{j // C + 1:02d}", "level2": f"c{j // C + 1:02d}.{j % C + 1}"})
with open(out + "/labels.jsonl", "w") as f:
    f.writelines(json.dumps(l) + "\n" for l in labels)
taxonomy = {"name": "gaussian", "categories": [
    {"id": f"c{a + 1:02d}", "name": f"类{a + 1}", "name_en": f"Class {a + 1}",
     "children": [{"id": f"c{a + 1:02d}.{b + 1}", "name": f"类{a + 1}·{b + 1}", "name_en": f"Class {a + 1}.{b + 1}"}
                  for b in range(C)]} for a in range(L1)]}
with open(out + "/taxonomy.json", "w") as f:
    json.dump(taxonomy, f, ensure_ascii=False)
print(f"wrote {count} items of Gaussian world {world}, split {split} (strength {strength}) to {out}")
