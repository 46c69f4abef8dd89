"""One variant of the head through the PyTorch reference, as the golden scripts record it
(make_head_goldens.py, make_text_channel_goldens.py): seeded initial parameters, the forward
outputs, every parameter's gradient of the mean loss, and the losses of AdamW steps on the same
batch (clip_grad_norm_, warm-up + cosine schedule)."""
import numpy as np
import torch

from head_torch import Head, preprocess, schedule
from seeded_weights import generate


def run(cfg, items, targets, prefix, seed, overrides, optim, scaled=None):
    """cfg: the head config; items: per item {tensor name: numpy array} (bags: ids as floats);
    targets: [B, 2]; overrides: parameter name -> initial values; optim: the AdamW settings;
    scaled: parameter name -> (factor on its seeded initial values, factor on its learning
    rate), for a parameter in a group of its own. Returns {name: float32 array} under prefix."""
    scaled = scaled or {}
    torch.manual_seed(0)
    model = Head(cfg).double()
    state = {}
    for name, p in model.named_parameters():
        values = generate(name, list(p.shape), seed)
        if name in scaled:
            values = (values * scaled[name][0]).astype(np.float32)
        if name in overrides:
            values = np.array(overrides[name], dtype=np.float32)
        state[name] = values
        with torch.no_grad():
            p.copy_(torch.from_numpy(values.astype(np.float64)))
    prepared = [[None if x is None else (x if x.dtype == torch.long else x.double()) for x in
                 preprocess({k: torch.from_numpy(v) for k, v in item.items()}, cfg["modalities"])] for item in items]
    y1 = torch.from_numpy(targets[:, 0])
    y2 = torch.from_numpy(targets[:, 1])
    out = model(prepared)
    terms, loss = model.loss(out, y1, y2)
    model.zero_grad()
    loss.backward()
    res = {f"{prefix}.init.{name}": value.astype(np.float32) for name, value in state.items()}
    for key in ("logits1", "logits2", "p1", "p2", "attention", "fused"):
        if out.get(key) is not None:
            res[f"{prefix}.{key}"] = out[key].detach().numpy().astype(np.float32)
    res[f"{prefix}.terms"] = terms.detach().numpy().astype(np.float32)
    for name, p in model.named_parameters():
        res[f"{prefix}.grad.{name}"] = p.grad.numpy().astype(np.float32)

    # AdamW steps on the same batch: PyTorch's AdamW and clip_grad_norm_, a parameter group of
    # its own for each scaled parameter, and one for NetVLAD's parameters when the settings give
    # them a weight decay of their own ("netvlad_weight_decay").
    o = optim
    own_decay = lambda name: "netvlad_weight_decay" in o and name.startswith("netvlad.")
    groups = [{"params": [p for name, p in model.named_parameters() if name not in scaled and not own_decay(name)],
               "scale": 1.0}]
    groups += [{"params": [p], "scale": scaled[name][1]} for name, p in model.named_parameters() if name in scaled]
    groups += [{"params": [p], "scale": 1.0, "weight_decay": o["netvlad_weight_decay"]}
               for name, p in model.named_parameters() if own_decay(name) and name not in scaled]
    opt = torch.optim.AdamW(groups, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"],
                            weight_decay=o["weight_decay"])
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
    print(f"{prefix}: loss {float(terms[:, 3].detach().mean()):.6f}, LH {float(terms[:, 2].detach().mean()):.6f}, "
          f"adam {losses[0]:.4f} -> {losses[-1]:.4f}")
    return res
