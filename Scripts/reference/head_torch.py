#!/usr/bin/env python3
"""The vidtag classifier head in PyTorch: the reference the Swift head (Sources/Head) is
checked against. Same architecture, same parameter names, gradients by autograd.

Model (design.md §1), for a batch of items, M modalities in the order of `modalities`:
  sequence modality (visual, audio): frames [T, D] -> (cfg["pooling"]) NetVLAD, the mean frame,
      or both concatenated [mean, NetVLAD]; NetVLAD in the article's form:
      a = softmax(assign(x)) over K clusters, V_k = sum_i a_ik (x_i - c_k),
      V^_k = F.normalize(V_k), alpha = softmax(shot_logits), out = sqrt(D) * sum_k alpha_k V^_k
      (or, with cfg["netvlad"] == "flattened", out = sqrt(D) * [V^_1, ..., V^_K])
  bag modality (the text channel, "texts.<field>"): n-gram ids -> the mean of their rows of the
      shared table chars.table [buckets, E] (F.embedding_bag, mode "mean") [E]
  every modality: [D] -> Linear -> ReLU -> P, zeroed when the modality is absent
  fusion:  attention: p = masked softmax(Linear(concat)), or with cfg["attention_scores"] == "own"
                      (each modality scoring its own block) masked softmax(w_m . e_m + b_m), "joint"
                      when the key is missing; fused = concat(w_m * e_m) with w = p
                      (cfg["attention_scale"] convex), n * p (mean) or 1 - rho + rho * n * p (residual,
                      rho = cfg["attention_mix"], 0.5 when absent),
                      n the number of modalities present; or (appended) fused = concat(e_1, ..., e_M,
                      sum_m p_m * e_m), (M+1) * P wide, of which the hmc level-1 channel reads the
                      first M * P columns alone (the blocks) when cfg["attention_reaches"] is
                      "level2", all of them when it is "both" or missing
           concat:    fused = concat(e_m)
           (attention and concat, cfg["absent"] == "learned": an absent modality's block is a learned
           vector absent.<m> instead of zeros; "zero" when the key is missing)
           tfn:       fused = Linear(flatten(outer_m (1, e_m)))          (Zadeh et al. 2017)
           lmf:       fused = sum_i w_i prod_m (G_m (1, e_m))_i + bias     (Liu et al. 2018)
  classifier: hmc:  h1 = ReLU(L1h(x1)), logits1 = L1o(h1), h2 = ReLU(L2h([x, h1])), logits2 = L2o(h2),
                    x1 = x, or its first M * P columns (above)
              flat: h2 = ReLU(L2h(x)), logits2 = L2o(h2), p1 = sum of children of p2
  loss: L1 + lambda * L2 + beta * sum_j relu(p2_j - p1_parent(j))^2   (flat: L2 only)
  linear (a baseline): logits2 = Linear([standardised mean frame / vector of each modality, zero
      where absent; one presence bit per modality]), p1 = sum of children of p2, loss as flat
  linear skip (cfg["linear_skip"], attention/concat/tfn/lmf): x = the standardised mean frames /
      vectors of the modalities but the text channel's bags, zero where absent (the linear
      baseline's columns without the presence bits); logits1 += skip.level1(x) (hmc),
      logits2 += skip.level2(x), both without bias. (Swift's training hides modally dropped
      modalities from the network only; these goldens have no modal dropout.)

Inputs are preprocessed as in Swift's HeadExample: every frame/vector scaled to unit RMS,
product items averaged first; all-zero rows are absent.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def unit_rms(x):
    """x * sqrt(D) / ||x|| over the last axis; rows of zeros are dropped."""
    norms = x.norm(dim=-1)
    keep = norms > 0
    x = x[keep] if x.dim() == 2 else (x if bool(keep) else None)
    if x is None:
        return None
    d = x.shape[-1]
    return x * (math.sqrt(d) / x.norm(dim=-1, keepdim=True))


def preprocess(item, modalities):
    """item: {tensor name: tensor}; returns per modality a tensor ([T, D] or [D]) or None.
    A bag modality ("texts.<field>") takes the item's n-gram ids as given (a LongTensor)."""
    out = []
    for m in modalities:
        t = item.get(m["tensor"])
        if t is None or (m["kind"] == "bag" and t.numel() == 0):
            out.append(None)
            continue
        if m["kind"] == "bag":
            out.append(t.long())
        elif m["kind"] == "sequence":
            x = unit_rms(t)
            out.append(x if x is not None and x.shape[0] > 0 else None)
        elif m["kind"] == "set":
            rows = t[t.norm(dim=-1) > 0]
            out.append(None if rows.shape[0] == 0 else unit_rms(rows.mean(0)))
        else:
            out.append(unit_rms(t))
    return out


class NetVLADShots(nn.Module):
    """weighted (the article's): sqrt(D) * sum_k alpha_k V^_k, [D];
    flattened (the classic form): sqrt(D) * [V^_1, ..., V^_K], [K*D]."""

    def __init__(self, dim, clusters, form="weighted"):
        super().__init__()
        self.dim, self.clusters, self.form = dim, clusters, form
        self.assign = nn.Linear(dim, clusters)
        self.centers = nn.Parameter(torch.zeros(clusters, dim))
        if form == "weighted":
            self.shot_logits = nn.Parameter(torch.zeros(clusters))

    def forward(self, frames):
        """frames: list (one per item) of [T, D] tensors or None -> [B, D] or [B, K*D]."""
        width = self.dim if self.form == "weighted" else self.clusters * self.dim
        outs = []
        for x in frames:
            if x is None:
                outs.append(self.centers.new_zeros(width))
                continue
            a = torch.softmax(self.assign(x), dim=1)                      # [T, K]
            v = a.t() @ x - a.sum(0)[:, None] * self.centers               # [K, D]
            v = F.normalize(v, dim=1, eps=1e-12)
            if self.form == "weighted":
                alpha = torch.softmax(self.shot_logits, dim=0)
                outs.append(math.sqrt(self.dim) * (alpha[:, None] * v).sum(0))
            else:
                outs.append(math.sqrt(self.dim) * v.reshape(-1))
        return torch.stack(outs)


class LowRankFusion(nn.Module):
    def __init__(self, names, p, f, rank):
        super().__init__()
        self.rank, self.out = rank, f
        self.factor = nn.ParameterDict({n: nn.Parameter(torch.zeros(rank * f, p + 1)) for n in names})
        self.rank_weight = nn.Parameter(torch.ones(rank))
        self.bias = nn.Parameter(torch.zeros(f))
        self.names = names

    def forward(self, blocks):
        b, m, p = blocks.shape
        ones = blocks.new_ones(b, 1)
        product = None
        for j, name in enumerate(self.names):
            hat = torch.cat([ones, blocks[:, j]], dim=1)                  # (1, e_m)
            y = (hat @ self.factor[name].t()).reshape(b, self.rank, self.out)
            product = y if product is None else product * y
        return torch.einsum("r,brf->bf", self.rank_weight, product) + self.bias


class OwnScores(nn.Module):
    """Attention scores from each modality's own block: s_m = w_m . e_m + b_m (weight [M, P], bias [M])."""

    def __init__(self, m, p):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(m, p))
        self.bias = nn.Parameter(torch.zeros(m))

    def forward(self, blocks):
        """blocks: [B, M, P] -> [B, M]."""
        return (blocks * self.weight).sum(-1) + self.bias


class Fusion(nn.Module):
    """Parameters: attention.{weight,bias} | tfn.{weight,bias} | lmf.{factor.<m>,rank_weight,bias};
    absent.<m> (attention, concat) with learned absent blocks."""

    def __init__(self, kind, names, p, f, rank, scale="convex", mix=0.5, absent="zero", scores="joint"):
        super().__init__()
        m = len(names)
        self.kind, self.scale, self.mix, self.names, self.scores = kind, scale, mix, names, scores
        self.learns_absent = absent == "learned" and kind in ("attention", "concat")
        if self.learns_absent:
            self.absent = nn.ParameterDict({name: nn.Parameter(torch.zeros(p)) for name in names})
        if kind == "attention":
            self.attention = nn.Linear(m * p, m) if scores == "joint" else OwnScores(m, p)
        elif kind == "tfn":
            self.tfn = nn.Linear((p + 1) ** m, f)
        elif kind == "lmf":
            self.lmf = LowRankFusion(names, p, f, rank)

    def forward(self, blocks, mask):
        """blocks: [B, M, P] (zero where absent); mask: [B, M] -> fused, attention or None."""
        fused, attention = self.fuse(blocks, mask)
        if self.learns_absent:                                            # a_m where modality m is absent
            b, m, p = blocks.shape
            stand_in = torch.stack([self.absent[name] for name in self.names])       # [M, P]
            blocks_part = fused[:, :m * p].reshape(b, m, p) * mask[:, :, None] + (1 - mask)[:, :, None] * stand_in
            fused = torch.cat([blocks_part.reshape(b, m * p), fused[:, m * p:]], dim=1)
        return fused, attention

    def fuse(self, blocks, mask):
        b, m, p = blocks.shape
        if self.kind == "concat":
            return blocks.reshape(b, m * p), None
        if self.kind == "attention":
            logits = self.attention(blocks.reshape(b, m * p) if self.scores == "joint" else blocks)
            logits = logits.masked_fill(mask == 0, float("-inf"))
            probs = torch.softmax(logits, dim=1)                          # absent modalities get 0
            n = mask.sum(1, keepdim=True)                                 # modalities present
            if self.scale == "appended":                                  # blocks unweighted, then sum p_m e_m
                return torch.cat([blocks.reshape(b, m * p), (probs[:, :, None] * blocks).sum(1)], dim=1), probs
            if self.scale == "convex":
                weights = probs
            elif self.scale == "mean":
                weights = n * probs
            else:                                                         # residual, share rho
                weights = ((1 - self.mix) + self.mix * n * probs) * mask
            return (weights[:, :, None] * blocks).reshape(b, m * p), probs
        if self.kind == "tfn":
            ones = blocks.new_ones(b, 1)
            z = ones
            for j in range(m):
                hat = torch.cat([ones, blocks[:, j]], dim=1)              # [B, q]
                z = torch.einsum("bi,bj->bij", z, hat).reshape(b, -1)     # first modality outermost
            return self.tfn(z), None
        return self.lmf(blocks), None


class Channel(nn.Module):
    """out(ReLU(hidden(x))); with hidden = 0 a linear channel, out(x)."""
    def __init__(self, inp, hidden, classes):
        super().__init__()
        if hidden > 0:
            self.hidden = nn.Linear(inp, hidden)
        self.out = nn.Linear(hidden if hidden > 0 else inp, classes)

    def forward(self, x):
        """(logits, h), h being the hidden state ([B, 0] for a linear channel)."""
        h = F.relu(self.hidden(x)) if hasattr(self, "hidden") else x[:, :0]
        return self.out(h if hasattr(self, "hidden") else x), h


class Head(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        mods = cfg["modalities"]
        names = [m["name"] for m in mods]
        fusion = cfg["fusion"]
        if fusion == "linear":
            width = sum(m["dim"] for m in mods) + len(mods)
            self.linear = nn.Linear(width, len(cfg["parents"]))
            self.register_buffer("parents", torch.tensor(cfg["parents"], dtype=torch.long), persistent=False)
            return
        p = cfg["tfn_width"] if fusion == "tfn" else cfg["width"]
        f = len(mods) * p if fusion in ("attention", "concat") else cfg["fused_width"]
        self.level1_width = f   # the columns of the fused vector the hmc level-1 channel reads
        if fusion == "attention" and cfg.get("attention_scale") == "appended":
            f += p
            if cfg.get("attention_reaches", "both") == "both":
                self.level1_width = f
        form = cfg.get("netvlad", "weighted")
        pooling = cfg.get("pooling", "netvlad")
        if pooling != "mean":
            self.netvlad = nn.ModuleDict({m["name"]: NetVLADShots(m["dim"], cfg["clusters"], form)
                                          for m in mods if m["kind"] == "sequence"})

        def pooled(m):
            if m["kind"] != "sequence":
                return m["dim"]
            vlad = cfg["clusters"] * m["dim"] if form == "flattened" else m["dim"]
            return {"netvlad": vlad, "mean": m["dim"], "both": m["dim"] + vlad}[pooling]
        if any(m["kind"] == "bag" for m in mods):
            # The text channel's table, shared by the bags: nn.EmbeddingBag(mode="mean")'s weight.
            channel = cfg["text_channel"]
            self.chars = nn.Module()
            self.chars.table = nn.Parameter(torch.zeros(channel["buckets"], channel["dim"]))
        self.proj = nn.ModuleDict({m["name"]: nn.Linear(pooled(m), p) for m in mods})
        self.fusion = Fusion(fusion, names, p, f, cfg["lmf_rank"], cfg.get("attention_scale", "convex"),
                             cfg.get("attention_mix", 0.5), cfg.get("absent", "zero"), cfg.get("attention_scores", "joint"))
        c1, c2 = cfg["level1_count"], len(cfg["parents"])
        self.classifier = nn.Module()
        if cfg["classifier"] == "hmc":
            self.classifier.level1 = Channel(self.level1_width, cfg["hidden1"], c1)
            self.classifier.level2 = Channel(f + cfg["hidden1"], cfg["hidden2"], c2)
        else:
            self.classifier.level2 = Channel(f, cfg["hidden2"], c2)
        if cfg.get("linear_skip"):
            width = sum(m["dim"] for m in mods if m["kind"] != "bag")
            self.skip = nn.Module()
            if cfg["classifier"] == "hmc":
                self.skip.level1 = nn.Linear(width, c1, bias=False)
            self.skip.level2 = nn.Linear(width, c2, bias=False)
        self.register_buffer("parents", torch.tensor(cfg["parents"], dtype=torch.long), persistent=False)

    def forward(self, items):
        """items: list of preprocessed items (lists of tensors/None per modality)."""
        cfg = self.cfg
        mods = cfg["modalities"]
        b = len(items)
        mask = torch.tensor([[0.0 if it[j] is None else 1.0 for j in range(len(mods))] for it in items],
                            dtype=next(self.parameters()).dtype)
        if cfg["fusion"] == "linear":
            return self.linear_forward(items, mask)
        blocks = []
        for j, m in enumerate(mods):
            if m["kind"] == "sequence":
                pooling = cfg.get("pooling", "netvlad")
                frames = [it[j] for it in items]
                parts = []
                if pooling != "netvlad":
                    parts.append(torch.stack([x.mean(0) if x is not None else mask.new_zeros(m["dim"]) for x in frames]))
                if pooling != "mean":
                    parts.append(self.netvlad[m["name"]](frames))
                x = torch.cat(parts, dim=1)
            elif m["kind"] == "bag":
                ids = [it[j] for it in items]
                flat = torch.cat([x for x in ids if x is not None]) if any(x is not None for x in ids) else None
                offsets = torch.tensor([0] + [len(x) if x is not None else 0 for x in ids]).cumsum(0)[:-1]
                x = F.embedding_bag(flat if flat is not None else torch.zeros(0, dtype=torch.long), self.chars.table,
                                    offsets, mode="mean")                  # empty bags give zeros
            else:
                x = torch.stack([it[j] if it[j] is not None else mask.new_zeros(m["dim"]) for it in items])
            blocks.append(F.relu(self.proj[m["name"]](x)) * mask[:, j:j + 1])
        blocks = torch.stack(blocks, dim=1)                                 # [B, M, P]
        fused, attention = self.fusion(blocks, mask)
        out = {"fused": fused, "attention": attention}
        if cfg["classifier"] == "hmc":
            out["logits1"], h1 = self.classifier.level1(fused[:, :self.level1_width])
            out["logits2"], _ = self.classifier.level2(torch.cat([fused, h1], dim=1))
            out["p1"] = torch.softmax(out["logits1"], dim=1)
        else:
            out["logits2"], _ = self.classifier.level2(fused)
        if cfg.get("linear_skip"):
            x = self.standardised_means(items, mask, [m for m in mods if m["kind"] != "bag"])
            if cfg["classifier"] == "hmc":
                out["logits1"] = out["logits1"] + self.skip.level1(x)
                out["p1"] = torch.softmax(out["logits1"], dim=1)
            out["logits2"] = out["logits2"] + self.skip.level2(x)
        out["p2"] = torch.softmax(out["logits2"], dim=1)
        if cfg["classifier"] == "flat":
            c1 = cfg["level1_count"]
            out["p1"] = torch.zeros(b, c1, dtype=out["p2"].dtype).index_add(1, self.parents, out["p2"])
        return out

    def linear_forward(self, items, mask):
        """The linear baseline: each modality's mean frame / vector, standardised with the
        modality's "standardisation" {mean, scale} when given, zero where absent, then the
        presence bits; logits2 = Linear(that); p1 = sum of children of p2."""
        fused = torch.cat([self.standardised_means(items, mask, self.cfg["modalities"]), mask], dim=1)
        logits2 = self.linear(fused)
        p2 = torch.softmax(logits2, dim=1)
        p1 = torch.zeros(len(items), self.cfg["level1_count"], dtype=p2.dtype).index_add(1, self.parents, p2)
        return {"fused": fused, "attention": None, "logits2": logits2, "p2": p2, "p1": p1}

    def standardised_means(self, items, mask, mods):
        """[B, sum of the widths of mods]: each modality's mean frame / vector, standardised with
        its "standardisation" {mean, scale} when given, zero where absent."""
        index = {m["name"]: j for j, m in enumerate(self.cfg["modalities"])}
        columns = []
        for m in mods:
            j = index[m["name"]]
            rows = []
            for it in items:
                x = it[j]
                if x is None:
                    rows.append(mask.new_zeros(m["dim"]))
                    continue
                x = x.mean(0) if m["kind"] == "sequence" else x
                st = m.get("standardisation")
                if st is not None:
                    x = (x - mask.new_tensor(st["mean"])) * mask.new_tensor(st["scale"])
                rows.append(x)
            columns.append(torch.stack(rows))
        return torch.cat(columns, dim=1)

    def loss(self, out, y1, y2):
        """Mean over items of (L1, L2, LH, total) per item -> (terms [B, 4], mean total)."""
        cfg = self.cfg
        l2 = F.cross_entropy(out["logits2"], y2, reduction="none")
        if cfg["classifier"] == "hmc":
            l1 = F.cross_entropy(out["logits1"], y1, reduction="none")
            violation = F.relu(out["p2"] - out["p1"][:, self.parents])
            lh = (violation ** 2).sum(1)
            total = l1 + cfg["lambda"] * l2 + cfg["beta"] * lh
        else:
            l1 = -torch.log(out["p1"].gather(1, y1[:, None])[:, 0])
            lh = torch.zeros_like(l2)
            total = l2
        return torch.stack([l1, l2, lh, total], dim=1), total.mean()


def schedule(step, peak, warmup, total, min_fraction):
    """Linear warm-up over `warmup` steps, then cosine from peak to peak*min_fraction at `total`."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, max(0.0, (step - warmup) / max(1, total - warmup)))
    return peak * (min_fraction + (1 - min_fraction) * 0.5 * (1 + math.cos(math.pi * progress)))
