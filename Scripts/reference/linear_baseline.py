#!/usr/bin/env python3
"""The linear baseline, independently of vidtag: multinomial logistic regression (scipy's L-BFGS,
L2 penalty λ/2·‖W‖²) on each modality's mean frame / vector / product mean, standardised with the
training items' mean and deviation, zero where absent, plus one presence bit per modality; level 1
from the summed level-2 probabilities. Reads feature folders as `vidtag extract` and
`vidtag-bench head synth` write them (safetensors read with numpy alone).

    python3 Scripts/reference/linear_baseline.py TRAIN_DIR TEST_DIR [λ, default 1e-3]

TRAIN_DIR and TEST_DIR hold features/, labels.jsonl and taxonomy.json. Prints level-1 and
level-2 accuracy, and level-2 accuracy with 10% of the present modalities dropped (never all).
Needs numpy and scipy. Run by developers (Scripts/bench/head_worlds.sh writes the worlds).
"""
import json, os, struct, sys
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

MODS = [("visual.frames", 1536), ("cover", 1536), ("audio.frames", 128), ("text.title", 384), ("text.summary", 384), ("product.items", 384)]

def read_st(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__": continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[a:b], dtype=np.float32).reshape(v["shape"])
    return out

def load(root):
    tax = json.load(open(os.path.join(root, "taxonomy.json")))
    l2 = []; parent = []
    for i, c in enumerate(tax["categories"]):
        for ch in c["children"]: l2.append(ch["id"]); parent.append(i)
    idx = {k: i for i, k in enumerate(l2)}
    X, P, Y = [], [], []
    for line in open(os.path.join(root, "labels.jsonl")):
        r = json.loads(line)
        t = read_st(os.path.join(root, "features", r["id"] + ".safetensors"))
        feats, pres = [], []
        for name, d in MODS:
            if name in t and t[name].size:
                v = t[name]
                v = v.mean(0) if v.ndim == 2 else v
                feats.append(v); pres.append(1.0)
            else:
                feats.append(np.zeros(d, np.float32)); pres.append(0.0)
        X.append(np.concatenate(feats)); P.append(pres); Y.append(idx[r["level2"]])
    return np.array(X, np.float64), np.array(P), np.array(Y), np.array(parent)

def standardise(X, P, stats=None):
    blocks = []; off = 0; new = []
    for j, (name, d) in enumerate(MODS):
        B = X[:, off:off + d]; present = P[:, j] > 0
        if stats is None:
            mu = B[present].mean(0); sd = B[present].std(0) + 1e-6; new.append((mu, sd))
        else:
            mu, sd = stats[j]
        Z = (B - mu) / sd
        Z[~present] = 0
        blocks.append(Z); off += d
    return np.concatenate(blocks + [P], 1), (new if stats is None else stats)

def fit(Z, Y, C, lam):
    n, d = Z.shape
    Zb = np.concatenate([Z, np.ones((n, 1))], 1)
    T = np.zeros((n, C)); T[np.arange(n), Y] = 1
    def f(w):
        W = w.reshape(d + 1, C)
        L = Zb @ W
        lse = logsumexp(L, 1)
        loss = (lse - L[np.arange(n), Y]).mean() + 0.5 * lam * (W[:-1] ** 2).sum()
        Pr = np.exp(L - lse[:, None])
        g = Zb.T @ (Pr - T) / n
        g[:-1] += lam * W[:-1]
        return loss, g.ravel()
    r = minimize(f, np.zeros((d + 1) * C), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return r.x.reshape(d + 1, C)

def predict(W, Z):
    Zb = np.concatenate([Z, np.ones((len(Z), 1))], 1)
    L = Zb @ W
    return np.exp(L - logsumexp(L, 1)[:, None])

train, test = sys.argv[1], sys.argv[2]
lam = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-3
X, P, Y, parent = load(train); Xt, Pt, Yt, _ = load(test)
Z, stats = standardise(X, P); Zt, _ = standardise(Xt, Pt, stats)
C = len(parent); C1 = parent.max() + 1
W = fit(Z, Y, C, lam)
p2 = predict(W, Zt)
p1 = np.zeros((len(Zt), C1))
for j in range(C): p1[:, parent[j]] += p2[:, j]
acc2 = (p2.argmax(1) == Yt).mean(); acc1 = (p1.argmax(1) == parent[Yt]).mean()
# 10% of present modalities dropped (never all)
rng = np.random.default_rng(0)
Pd = Pt.copy()
for i in range(len(Pd)):
    pres = np.where(Pd[i] > 0)[0]
    drop = [j for j in pres if rng.random() < 0.1]
    if len(drop) == len(pres): drop = drop[:-1]
    Pd[i, drop] = 0
Zd, _ = standardise(Xt, Pd, stats)
p2d = predict(W, Zd)
print(f"linear lam={lam}: L1 {acc1:.3f} L2 {acc2:.3f} | 10% dropped L2 {(p2d.argmax(1)==Yt).mean():.3f}")
