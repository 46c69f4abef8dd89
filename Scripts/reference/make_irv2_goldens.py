#!/usr/bin/env python3
"""Reference outputs of timm's Inception-ResNet-v2 on seeded full-size weights.

Writes into Fixtures/visual/:
- astronaut.png, chelsea.png, coffee.png: real photographs from scikit-image's bundled data
  (public domain / CC0, see skimage/data/README.txt), centre-cropped and resized to 299×299
  with PIL, stored losslessly; astronaut_107.png: the first at 107×107 for intermediates.
- irv2_goldens.safetensors: `features.<photo>` [1536] (global-average-pooled pre-logits) and,
  for astronaut_107.png, every stage's output in NHWC: `stage.<name>` [1, H, W, C].
  Metadata: "layout", timm's state-dict names and shapes (JSON), so the Swift side can check
  that it names every tensor as timm does.

Weights come from seeded_weights.py (the same generator as Swift's SeededWeights).
Run by a developer, not CI:  python3 Scripts/reference/make_irv2_goldens.py
Needs: torch, timm, safetensors, numpy, pillow, scikit-image.
"""
import json
import pathlib
import sys

import numpy as np
import skimage.data
import timm
import torch
from PIL import Image
from safetensors.torch import save_file

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from seeded_weights import seeded_state_dict  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Fixtures" / "visual"
PHOTOS = ["astronaut", "chelsea", "coffee"]
STAGES = ["maxpool_5a", "mixed_5b", "repeat", "mixed_6a", "repeat_1", "mixed_7a", "repeat_2", "block8", "conv2d_7b"]


def square(image: np.ndarray, size: int) -> Image.Image:
    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = Image.fromarray(image[top:top + side, left:left + side]).convert("RGB")
    return crop.resize((size, size), Image.LANCZOS)


def load(path: pathlib.Path) -> torch.Tensor:
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)
    x = pixels / np.float32(127.5) - np.float32(1)          # timm: mean 0.5, std 0.5 on [0, 1]
    return torch.from_numpy(x).permute(2, 0, 1).unsqueeze(0).contiguous()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name in PHOTOS:
        square(getattr(skimage.data, name)(), 299).save(OUT / f"{name}.png")
    square(skimage.data.astronaut(), 107).save(OUT / "astronaut_107.png")

    torch.set_num_threads(2)
    model = timm.create_model("inception_resnet_v2", pretrained=False).eval()
    model.load_state_dict(seeded_state_dict(model))
    layout = [[name, list(t.shape)] for name, t in model.state_dict().items()]

    tensors = {}
    with torch.no_grad():
        for name in PHOTOS:
            features = model.forward_head(model.forward_features(load(OUT / f"{name}.png")), pre_logits=True)
            tensors[f"features.{name}"] = features[0].clone()
        x = load(OUT / "astronaut_107.png")
        for layer in model.layer_names:
            x = getattr(model, layer)(x)
            if layer in STAGES:
                tensors[f"stage.{layer}"] = x.permute(0, 2, 3, 1).contiguous().clone()
        tensors["features.astronaut_107"] = model.forward_head(x, pre_logits=True)[0].clone()

    save_file(tensors, str(OUT / "irv2_goldens.safetensors"),
              metadata={"layout": json.dumps(layout), "timm": timm.__version__, "torch": torch.__version__})
    for key, value in tensors.items():
        print(f"{key}: {list(value.shape)} mean {value.mean():.4f} std {value.std():.4f}")


if __name__ == "__main__":
    main()
