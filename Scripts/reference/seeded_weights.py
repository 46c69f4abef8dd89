"""Deterministic full-size weights, identical to Swift's `SeededWeights` (Sources/Weights).

Each tensor has its own SplitMix64 stream in counter form keyed by FNV-1a-64 of its name:
z_i = mix(seed ^ fnv1a(name) + (i + 1) * 0x9E3779B97F4A7C15), u_i = (z_i >> 40) * 2**-24.
Values by name and rank, all in float32 arithmetic (see the Swift doc comment for the rules).
"""
import math

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)


def fnv1a(name: str) -> int:
    h = 0xCBF29CE484222325
    for byte in name.encode("utf-8"):
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def units(base: int, count: int) -> np.ndarray:
    """u_0 … u_{count-1} as float32 in [0, 1)."""
    with np.errstate(over="ignore"):
        z = np.uint64(base) + (np.arange(1, count + 1, dtype=np.uint64) * GAMMA)
        z = (z ^ (z >> np.uint64(30))) * M1
        z = (z ^ (z >> np.uint64(27))) * M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)


def generate(name: str, shape, seed: int = 0) -> np.ndarray:
    count = int(np.prod(shape)) if len(shape) else 1
    u = units(seed ^ fnv1a(name), count)
    f = np.float32
    if name.endswith("running_var"):
        v = f(0.5) + u
    elif name.endswith("running_mean"):
        v = (u * f(2) - f(1)) * f(0.1)
    elif len(shape) == 1 and name.endswith("weight"):
        v = f(0.4) * u + f(0.8)
    elif len(shape) <= 1:
        v = (u * f(2) - f(1)) * f(0.1)
    else:
        fan_in = int(np.prod(shape[1:]))
        bound = f(math.sqrt(6.0 / max(fan_in, 1)))
        v = (u * f(2) - f(1)) * bound
    return v.astype(np.float32).reshape(shape)


def seeded_state_dict(model, seed: int = 0):
    """The model's state dict with every floating-point tensor replaced by seeded values."""
    import torch

    state = {}
    for name, tensor in model.state_dict().items():
        if tensor.is_floating_point():
            state[name] = torch.from_numpy(generate(name, list(tensor.shape), seed))
        else:
            state[name] = tensor
    return state
