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


def units(base: int, count: int, start: int = 0) -> np.ndarray:
    """u_start … u_{start+count-1} as float32 in [0, 1)."""
    with np.errstate(over="ignore"):
        z = np.uint64(base) + (np.arange(start + 1, start + count + 1, dtype=np.uint64) * GAMMA)
        z = (z ^ (z >> np.uint64(30))) * M1
        z = (z ^ (z >> np.uint64(27))) * M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)


def uniform(name: str, count: int, bound, seed: int = 0, block: int = 1 << 22) -> np.ndarray:
    """`count` float32 values (2u - 1) * float32(bound) in [-bound, bound), the stream of `name`.

    Swift's `SeededWeights.uniform(name:count:bound:seed:)`; also the core of vggish_seeded.py.
    Computed `block` elements at a time, so that large tensors need little scratch memory.
    """
    base = seed ^ fnv1a(name)
    f = np.float32
    bound = f(bound)
    out = np.empty(count, dtype=np.float32)
    for start in range(0, count, block):
        stop = min(count, start + block)
        out[start:stop] = (units(base, stop - start, start) * f(2) - f(1)) * bound
    return out


def generate(name: str, shape, seed: int = 0) -> np.ndarray:
    count = int(np.prod(shape)) if len(shape) else 1
    f = np.float32
    if name.endswith("running_var"):
        v = f(0.5) + units(seed ^ fnv1a(name), count)
    elif name.endswith("running_mean"):
        v = uniform(name, count, f(0.1), seed)
    elif len(shape) == 1 and name.endswith("weight"):
        v = f(0.4) * units(seed ^ fnv1a(name), count) + f(0.8)
    elif len(shape) <= 1:
        v = uniform(name, count, f(0.1), seed)
    else:
        fan_in = int(np.prod(shape[1:]))
        bound = f(math.sqrt(6.0 / max(fan_in, 1)))
        v = uniform(name, count, bound, seed)
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
