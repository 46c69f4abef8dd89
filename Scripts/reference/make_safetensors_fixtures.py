#!/usr/bin/env python3
"""Writes the safetensors fixtures that WeightsTests reads, using the reference `safetensors`
package (https://github.com/huggingface/safetensors) and PyTorch for the float32 upcasts.

Run from the package root (needs torch + safetensors, e.g. /work/venv/bin/python):

    /work/venv/bin/python Scripts/reference/make_safetensors_fixtures.py

Writes into Fixtures/safetensors/ (all tiny, a few KB):

    f32.safetensors    F32 tensors, with float32 special values
    f16.safetensors    F16 tensors: special values (subnormals, ±inf, nan, -0, max) and every
                       97th bit pattern of the 65536
    bf16.safetensors   BF16 tensors: the same kinds of values
    mixed.safetensors  one small tensor of each other dtype (F64, I64, …, F8_E5M2)
    expected.json      for every file: metadata, and per tensor in file order the name, dtype,
                       shape, byte count, the raw bytes as hex, and, for F32/F16/BF16, the
                       bit patterns of the exact float32 values (see float32_bits)

The output is deterministic (fixed seed); rerunning rewrites identical files.
"""
import json
import math
import os

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file

OUT = os.path.join("Fixtures", "safetensors")
# One key only: the reference writer keeps metadata in a Rust HashMap, whose order (and so
# the file's bytes) would change from run to run with several keys.
METADATA = {"note": 'written by make_safetensors_fixtures.py; quotes " and ünïcode'}


def bit_patterns(step: int, dtype: torch.dtype) -> torch.Tensor:
    """Every `step`-th 16-bit pattern, reinterpreted as `dtype` (F16 or BF16)."""
    patterns = np.arange(0, 65536, step, dtype=np.uint32).astype(np.uint16).view(np.int16)
    return torch.from_numpy(patterns.copy()).view(dtype)


def float_tensors(dtype: torch.dtype) -> dict:
    """Special values, random values, a scalar and an empty tensor, in `dtype`."""
    gen = torch.Generator().manual_seed({torch.float32: 1, torch.float16: 2, torch.bfloat16: 3}[dtype])
    info = torch.finfo(dtype)
    specials = [
        0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, -math.nan,
        info.max, -info.max, info.tiny, -info.tiny,  # largest finite, smallest normal
        info.tiny * info.eps, -info.tiny * info.eps,  # smallest subnormal
        info.tiny * (1 - info.eps),  # largest subnormal
        info.tiny / 3, 0.1, 1 / 3, math.pi, 1e-30, 1e30,  # values that round (or flush, overflow)
    ]
    tensors = {
        "special": torch.tensor(specials, dtype=torch.float64).to(dtype),
        "block.0.conv.weight": (torch.randn(4, 2, 3, 3, generator=gen) * 3).to(dtype),
        "scalar": torch.tensor(-2.5, dtype=dtype),
        "empty": torch.zeros(0, 3, dtype=dtype),
    }
    if dtype != torch.float32:
        tensors["patterns"] = bit_patterns(97, dtype)
    return tensors


def mixed_tensors() -> dict:
    """One small tensor of each dtype that does not convert to float32 in vidtag."""
    values = torch.tensor([[0, 1, -2], [3, -4, 5]], dtype=torch.int64)
    tensors = {
        "f64": torch.tensor([1.5, -0.0, math.inf], dtype=torch.float64),
        "i64": values,
        "i32": values.to(torch.int32),
        "i16": values.to(torch.int16),
        "i8": values.to(torch.int8),
        "u8": values.abs().to(torch.uint8),
        "bool": values > 0,
        "f8_e4m3": torch.tensor([0.5, -1.0, 448.0], dtype=torch.float32).to(torch.float8_e4m3fn),
        "f8_e5m2": torch.tensor([0.5, -1.0, 57344.0], dtype=torch.float32).to(torch.float8_e5m2),
        "u16": values.abs().to(torch.uint16),
        "u32": values.abs().to(torch.uint32),
        "u64": values.abs().to(torch.uint64),
        "bf16_scalar": torch.tensor(3.0, dtype=torch.bfloat16),
    }
    return tensors


def float32_bits(t: torch.Tensor) -> np.ndarray:
    """The bit patterns of the exact float32 values of an F32, F16 or BF16 tensor, flattened.

    Every non-NaN value is PyTorch's `t.float()`. NaN payloads are not consistent in PyTorch
    (its vectorised F16 path keeps sign and payload, its scalar tail returns 0x7fffffff), so
    F16 uses NumPy's IEEE conversion, which keeps sign and payload (and leaves signalling NaNs
    signalling; vidtag quiets them, and the test compares NaNs up to the quiet bit). BF16 is
    the upper half of a float32, so its upcast is a shift.
    """
    upcast = t.float().reshape(-1).view(torch.int32).numpy().view(np.uint32)
    flat = t.reshape(-1)
    if t.dtype == torch.float16:
        bits = flat.numpy().astype(np.float32).view(np.uint32)
    elif t.dtype == torch.bfloat16:
        bits = flat.view(torch.int16).numpy().view(np.uint16).astype(np.uint32) << 16
    else:
        bits = upcast
    finite_or_inf = ~torch.isnan(flat).numpy()
    assert (bits[finite_or_inf] == upcast[finite_or_inf]).all(), "PyTorch and the IEEE upcast disagree"
    return bits


def describe(path: str) -> dict:
    """What the Swift reader must find in `path`, read back with the reference reader."""
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata() or {}
        names = list(f.keys())
        loaded = {name: f.get_tensor(name) for name in names}
    # safe_open lists keys sorted by name; the Swift reader lists them in data-offset order.
    with open(path, "rb") as raw:
        header = json.loads(raw.read(int.from_bytes(raw.read(8), "little")))
    header.pop("__metadata__", None)
    order = sorted(header, key=lambda n: (header[n]["data_offsets"], n))
    tensors = []
    for name in order:
        t = loaded[name].contiguous()
        entry = {
            "name": name,
            "dtype": header[name]["dtype"],
            "shape": list(t.shape),
            "bytes": t.numel() * t.element_size(),
            "hex": t.reshape(-1).view(torch.uint8).numpy().tobytes().hex(),
        }
        if t.dtype in (torch.float32, torch.float16, torch.bfloat16):
            entry["f32_bits"] = float32_bits(t).tolist()
        tensors.append(entry)
    return {"metadata": metadata, "tensors": tensors}


def compact_json(expected: dict) -> str:
    """JSON with one line per tensor: small, and still readable in a diff."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    files = []
    for name, content in expected.items():
        tensors = ",\n  ".join(dump(t) for t in content["tensors"])
        files.append(f'{dump(name)}:{{"metadata":{dump(content["metadata"])},"tensors":[\n  {tensors}]}}')
    return "{\n" + ",\n".join(files) + "\n}\n"


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    files = {
        "f32.safetensors": float_tensors(torch.float32),
        "f16.safetensors": float_tensors(torch.float16),
        "bf16.safetensors": float_tensors(torch.bfloat16),
        "mixed.safetensors": mixed_tensors(),
    }
    expected = {}
    for name, tensors in files.items():
        path = os.path.join(OUT, name)
        save_file(tensors, path, metadata=METADATA)
        expected[name] = describe(path)
        print(f"{path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes")
    with open(os.path.join(OUT, "expected.json"), "w") as out:
        out.write(compact_json(expected))
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"{OUT}: {total} bytes in all")


if __name__ == "__main__":
    main()
