#!/usr/bin/env python3
"""Reference outputs for vidtag's tensor kernels, computed with PyTorch.

Writes Fixtures/kernels/kernels.safetensors: for each case `<case>.<tensor>` float32 tensors
(inputs and outputs in NHWC for images, weights in PyTorch's own layout) and, in the
metadata under "cases", a JSON list describing each case (kind, kernel, stride, padding...).
The Swift tests in Tests/KernelsTests replay every case and compare.

TensorFlow's "SAME" padding is reproduced by padding explicitly (odd padding at the
bottom/right) and convolving "valid", as TF-slim and timm's Inception-ResNet-v2 port do.

Run by a developer (not CI), from the repository root:
    python3 Scripts/reference/make_kernel_goldens.py
Needs: torch, safetensors.
"""
import json
import math
import pathlib

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Fixtures" / "kernels" / "kernels.safetensors"

torch.manual_seed(20261126)
tensors = {}
cases = []


def nhwc(x):
    return x.permute(0, 2, 3, 1).contiguous()


def same_padding(size, kernel, stride):
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def resolve_padding(padding, h, w, kh, kw, sh, sw):
    """(top, bottom, left, right) for "valid", "same" or an explicit [t, b, l, r]."""
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        top, bottom = same_padding(h, kh, sh)
        left, right = same_padding(w, kw, sw)
        return top, bottom, left, right
    return tuple(padding)


def conv_case(name, n, h, w, cin, cout, kernel, stride, padding, bias=True, relu=False, bn=False):
    kh, kw = kernel
    sh, sw = stride
    x = torch.randn(n, cin, h, w)
    weight = torch.randn(cout, cin, kh, kw) / math.sqrt(cin * kh * kw)
    b = torch.randn(cout) * 0.1 if bias else None
    t, bo, l, r = resolve_padding(padding, h, w, kh, kw, sh, sw)
    y = F.conv2d(F.pad(x, (l, r, t, bo)), weight, b, stride=stride)
    case = {"name": name, "kind": "conv", "kernel": [kh, kw], "stride": [sh, sw], "padding": padding,
            "in_channels": cin, "out_channels": cout, "bias": bias, "relu": relu, "bn": bn}
    if bn:
        bn_layer = torch.nn.BatchNorm2d(cout, eps=1e-3).eval()
        with torch.no_grad():
            bn_layer.weight.copy_(torch.rand(cout) + 0.5)
            bn_layer.bias.copy_(torch.randn(cout) * 0.2)
            bn_layer.running_mean.copy_(torch.randn(cout) * 0.3)
            bn_layer.running_var.copy_(torch.rand(cout) + 0.2)
            y = bn_layer(y)
        for key in ("weight", "bias", "running_mean", "running_var"):
            tensors[f"{name}.bn.{key}"] = getattr(bn_layer, key).detach().clone()
        case["bn_eps"] = 1e-3
    if relu:
        y = F.relu(y)
    tensors[f"{name}.input"] = nhwc(x)
    tensors[f"{name}.weight"] = weight
    if b is not None:
        tensors[f"{name}.bias"] = b
    tensors[f"{name}.output"] = nhwc(y)
    cases.append(case)


def pool_case(name, kind, n, h, w, c, kernel, stride, padding, count_include_pad=False):
    x = torch.randn(n, c, h, w)
    kh, kw = kernel
    sh, sw = stride
    t, b, l, r = resolve_padding(padding, h, w, kh, kw, sh, sw)
    if kind == "maxpool":
        y = F.max_pool2d(F.pad(x, (l, r, t, b), value=-math.inf), kernel, stride)
    else:
        padded = F.pad(x, (l, r, t, b))
        sums = F.avg_pool2d(padded, kernel, stride, divisor_override=1)
        if count_include_pad:
            y = sums / (kh * kw)
        else:
            ones = F.pad(torch.ones(1, 1, h, w), (l, r, t, b))
            y = sums / F.avg_pool2d(ones, kernel, stride, divisor_override=1)
    tensors[f"{name}.input"] = nhwc(x)
    tensors[f"{name}.output"] = nhwc(y)
    cases.append({"name": name, "kind": kind, "kernel": [kh, kw], "stride": [sh, sw], "padding": padding,
                  "count_include_pad": count_include_pad})


def elementwise_case(name, kind, x, y, **extra):
    tensors[f"{name}.input"] = x
    tensors[f"{name}.output"] = y
    cases.append({"name": name, "kind": kind, **extra})


# Convolutions: stride 1 and 2, same/valid/explicit padding, asymmetric kernels, batch > 1,
# channel counts that are not multiples of 8, folded batch norm, fused ReLU.
conv_case("conv3x3_s1_same", 2, 9, 11, 5, 7, (3, 3), (1, 1), "same")
conv_case("conv3x3_s1_valid", 3, 8, 7, 3, 13, (3, 3), (1, 1), "valid", relu=True)
conv_case("conv3x3_s2_valid", 2, 15, 13, 6, 10, (3, 3), (2, 2), "valid")
conv_case("conv3x3_s2_same_even", 2, 10, 12, 5, 9, (3, 3), (2, 2), "same")
conv_case("conv1x7_same", 2, 9, 10, 6, 11, (1, 7), (1, 1), "same")
conv_case("conv7x1_same", 2, 10, 9, 11, 6, (7, 1), (1, 1), "same")
conv_case("conv1x3_explicit", 1, 6, 8, 9, 5, (1, 3), (1, 1), [0, 0, 1, 1])
conv_case("conv3x1_explicit", 2, 8, 6, 5, 9, (3, 1), (1, 1), [1, 1, 0, 0])
conv_case("conv1x1", 3, 7, 5, 13, 9, (1, 1), (1, 1), "valid")
conv_case("conv1x1_s2", 2, 9, 8, 7, 12, (1, 1), (2, 2), "same")
conv_case("conv5x5_asym_pad_s21", 2, 11, 9, 4, 6, (5, 5), (2, 1), [1, 2, 0, 3])
conv_case("conv3x3_nobias", 1, 6, 6, 17, 3, (3, 3), (1, 1), "same", bias=False)
conv_case("conv3x3_bn_relu", 2, 9, 9, 7, 12, (3, 3), (1, 1), "same", bias=False, relu=True, bn=True)
conv_case("conv1x1_bn", 2, 5, 6, 19, 10, (1, 1), (1, 1), "valid", bias=False, bn=True)
conv_case("conv3x3_s2_bn_relu", 2, 17, 17, 3, 8, (3, 3), (2, 2), "valid", bias=False, relu=True, bn=True)

# Pooling.
pool_case("maxpool3x3_s2_valid", "maxpool", 2, 11, 10, 6, (3, 3), (2, 2), "valid")
pool_case("maxpool3x3_s1_same", "maxpool", 2, 6, 7, 5, (3, 3), (1, 1), "same")
pool_case("maxpool2x2_s2", "maxpool", 1, 8, 6, 3, (2, 2), (2, 2), "valid")
pool_case("avgpool3x3_pad1_exclude", "avgpool", 2, 7, 6, 5, (3, 3), (1, 1), [1, 1, 1, 1])
pool_case("avgpool3x3_pad1_include", "avgpool", 2, 7, 6, 5, (3, 3), (1, 1), [1, 1, 1, 1], count_include_pad=True)
pool_case("avgpool3x3_s2_same", "avgpool", 1, 8, 9, 4, (3, 3), (2, 2), "same")
x = torch.randn(3, 5, 4, 7)
elementwise_case("global_avgpool", "global_avgpool", nhwc(x), x.mean(dim=(2, 3)))

# Elementwise, normalisation, embedding, linear.
x = torch.randn(4, 37) * 3
elementwise_case("relu", "relu", x, F.relu(x))
elementwise_case("gelu_erf", "gelu", x, F.gelu(x))
elementwise_case("gelu_tanh", "gelu_tanh", x, F.gelu(x, approximate="tanh"))
x = torch.randn(2, 3, 19) * 4
elementwise_case("softmax", "softmax", x, F.softmax(x, dim=-1))
x = torch.randn(2, 3) * 50 + 1000
elementwise_case("softmax_large", "softmax", x, F.softmax(x, dim=-1))
for eps in (1e-12, 1e-5):
    name = f"layernorm_eps{eps:g}"
    x = torch.randn(3, 5, 24) * 2 + 0.5
    gamma, beta = torch.rand(24) + 0.5, torch.randn(24)
    tensors[f"{name}.gamma"], tensors[f"{name}.beta"] = gamma, beta
    elementwise_case(name, "layernorm", x, F.layer_norm(x, (24,), gamma, beta, eps), eps=eps)

table = torch.randn(23, 10)
ids = [0, 5, 22, 5, 7, 1]
tensors["embedding.table"] = table
tensors["embedding.ids"] = torch.tensor(ids, dtype=torch.float32)
tensors["embedding.output"] = F.embedding(torch.tensor(ids), table)
cases.append({"name": "embedding", "kind": "embedding"})

for name, bias in (("linear", True), ("linear_nobias", False)):
    x = torch.randn(2, 5, 33)
    w = torch.randn(17, 33) / math.sqrt(33)
    b = torch.randn(17) if bias else None
    tensors[f"{name}.input"], tensors[f"{name}.weight"] = x, w
    if b is not None:
        tensors[f"{name}.bias"] = b
    tensors[f"{name}.output"] = F.linear(x, w, b)
    cases.append({"name": name, "kind": "linear", "bias": bias})

a, b = torch.randn(13, 29), torch.randn(29, 11)
tensors["gemm.a"], tensors["gemm.b"], tensors["gemm.output"] = a, b, a @ b
cases.append({"name": "gemm", "kind": "gemm"})

OUT.parent.mkdir(parents=True, exist_ok=True)
save_file({k: v.detach().float().clone().contiguous() for k, v in tensors.items()}, str(OUT),
          metadata={"cases": json.dumps(cases), "torch": torch.__version__,
                    "script": "Scripts/reference/make_kernel_goldens.py"})
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")
