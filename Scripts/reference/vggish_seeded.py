"""Seeded full-size VGGish weights, generated identically by vidtag's Swift tests.

The generator (Sources/AudioEncoder/SeededWeights.swift implements the same):

- each tensor has its own stream: state0 = FNV-1a-64(UTF-8 name) XOR seed;
- element i (row-major, i = 0, 1, ...) is SplitMix64's (i+1)-th output from state0:
  z = state0 + (i+1)·0x9E3779B97F4A7C15 (mod 2^64), then the SplitMix64 finaliser;
- u = (z >> 40)·2^-24 in [0, 1), an exact float32; value = float32(2u − 1) · float32(scale),
  one float32 rounding in the product, so both languages produce the same bits.

Scales keep activations O(1) through the network: conv and linear weights ±sqrt(6/fan_in)
(He-uniform), biases ±0.1; PCA eigenvectors ±sqrt(3/128)·0.25 and means ±0.5 (so that the
PCA outputs fill [−2, 2] with some clipping, exercising the quantiser).
"""
import math

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
DEFAULT_SEED = 0x5EEDF00D

# (name, torch shape, fan_in for the weight scale; None for biases)
CONV_LAYERS = [(0, 1, 64), (3, 64, 128), (6, 128, 256), (8, 256, 256), (11, 256, 512), (13, 512, 512)]
FC_LAYERS = [(0, 512 * 4 * 6, 4096), (2, 4096, 4096), (4, 4096, 128)]


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(name, count, scale, seed=DEFAULT_SEED, block=1 << 22):
    """`count` float32 values in [−scale, scale), the stream of tensor `name`."""
    state0 = np.uint64(fnv1a64(name) ^ seed)
    out = np.empty(count, dtype=np.float32)
    scale32 = np.float32(scale)
    with np.errstate(over="ignore"):
        for start in range(0, count, block):
            stop = min(count, start + block)
            index = np.arange(start + 1, stop + 1, dtype=np.uint64)
            z = _mix(state0 + index * GAMMA)
            u = (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)
            out[start:stop] = (np.float32(2) * u - np.float32(1)) * scale32
    return out


def tensor(name, shape, scale, seed=DEFAULT_SEED):
    return uniform(name, int(np.prod(shape)), scale, seed).reshape(shape)


def network_specs(conv=CONV_LAYERS, fc=FC_LAYERS):
    """[(name, shape, scale)] for every network tensor, in torchvggish's order."""
    specs = []
    for index, cin, cout in conv:
        specs.append((f"features.{index}.weight", (cout, cin, 3, 3), math.sqrt(6.0 / (cin * 9))))
        specs.append((f"features.{index}.bias", (cout,), 0.1))
    for index, fin, fout in fc:
        specs.append((f"embeddings.{index}.weight", (fout, fin), math.sqrt(6.0 / fin)))
        specs.append((f"embeddings.{index}.bias", (fout,), 0.1))
    return specs


def pca_specs(size=128):
    return [("pca_eigen_vectors", (size, size), math.sqrt(3.0 / size) * 0.25), ("pca_means", (size,), 0.5)]


def state_dict(specs, seed=DEFAULT_SEED):
    return {name: tensor(name, shape, scale, seed) for name, shape, scale in specs}
