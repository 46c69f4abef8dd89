"""Seeded full-size VGGish weights, generated identically by vidtag's Swift tests.

The streams are seeded_weights.uniform's (Swift: `SeededWeights.uniform` in Sources/Weights,
which Sources/AudioEncoder/VGGishSeededWeights.swift builds on):

- each tensor has its own stream: state0 = FNV-1a-64(UTF-8 name) XOR seed;
- element i (row-major, i = 0, 1, ...) is SplitMix64's (i+1)-th output from state0:
  z = state0 + (i+1)·0x9E3779B97F4A7C15 (mod 2^64), then the SplitMix64 finaliser;
- u = (z >> 40)·2^-24 in [0, 1), an exact float32; value = float32(2u − 1) · float32(scale),
  one float32 rounding in the product, so both languages produce the same bits.

This module holds VGGish's rules only. Scales keep activations O(1) through the network: conv
and linear weights ±sqrt(6/fan_in) (He-uniform), biases ±0.1; PCA eigenvectors ±sqrt(3/128)·0.25
and means ±0.5 (so that the PCA outputs fill [−2, 2] with some clipping, exercising the quantiser).
"""
import math

import numpy as np

import seeded_weights

DEFAULT_SEED = 0x5EEDF00D

# (name, torch shape, fan_in for the weight scale; None for biases)
CONV_LAYERS = [(0, 1, 64), (3, 64, 128), (6, 128, 256), (8, 256, 256), (11, 256, 512), (13, 512, 512)]
FC_LAYERS = [(0, 512 * 4 * 6, 4096), (2, 4096, 4096), (4, 4096, 128)]


def uniform(name, count, scale, seed=DEFAULT_SEED, block=1 << 22):
    """`count` float32 values in [−scale, scale), the stream of tensor `name`."""
    return seeded_weights.uniform(name, count, np.float32(scale), seed, block)


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
