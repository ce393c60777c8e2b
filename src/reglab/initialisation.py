"""Weight initialisation and how signals and gradients grow or vanish through depth (Chapter 5, the toolbox)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from reglab._random import rng_for
from reglab._validate import positive_int, real_number

__all__ = ["SCHEMES", "ACTIVATIONS", "init_std", "init_weights", "DepthScales", "depth_scales", "spread_factor"]

SCHEMES = ("zeros", "large", "lecun", "xavier", "he")
ACTIVATIONS = ("relu", "tanh", "linear")
LARGE_STD = 1.0  # "too large": unit-variance weights, whatever the layer width


def init_std(scheme, fan_in, fan_out) -> float:
    """Standard deviation of the weights of a fan_in -> fan_out layer under an initialisation scheme.

    zeros: 0; large: 1; lecun ("1/n"): sqrt(1/fan_in); xavier (Glorot): sqrt(2/(fan_in + fan_out)); he: sqrt(2/fan_in).
    """
    fan_in, fan_out = positive_int(fan_in, "fan_in"), positive_int(fan_out, "fan_out")
    stds = {"zeros": 0.0, "large": LARGE_STD, "lecun": math.sqrt(1 / fan_in),
            "xavier": math.sqrt(2 / (fan_in + fan_out)), "he": math.sqrt(2 / fan_in)}
    if scheme not in stds:
        raise ValueError(f"scheme must be one of {SCHEMES}; got {scheme!r}")
    return stds[scheme]


def init_weights(layer_sizes, scheme="he", scale=1.0, seed=0) -> list:
    """Weight matrices (fan_in, fan_out) for consecutive layer_sizes, Gaussian with scale × init_std(scheme)."""
    sizes = [positive_int(n, "layer_sizes") for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must name at least an input and an output width; got {list(layer_sizes)}")
    scale = real_number(scale, "scale")
    if scale < 0:
        raise ValueError(f"scale must be >= 0; got {scale:g}")
    rng = rng_for(seed, "initialisation.weights")
    return [scale * init_std(scheme, a, b) * rng.standard_normal((a, b)) for a, b in zip(sizes[:-1], sizes[1:])]


@functools.lru_cache(maxsize=4)
def _unit_gaussians(width, depth, seed):
    """depth standard-normal (width, width) float32 matrices; a deeper net reuses a shallower one's first layers."""
    rng = rng_for(seed, "initialisation.depth_weights")
    return [rng.standard_normal((width, width), dtype=np.float32) for _ in range(depth)]


def _activate(z, activation):
    return np.maximum(z, 0) if activation == "relu" else np.tanh(z) if activation == "tanh" else z


def _activation_slope(z, activation):
    return (z > 0).astype(z.dtype) if activation == "relu" else 1 - np.tanh(z) ** 2 if activation == "tanh" else 1.0


@dataclass(frozen=True)
class DepthScales:
    """Per-layer variance of the activations (forward) and of the weight gradients (backward) of one deep net."""

    scheme: str
    activation: str
    scale: float
    activation_var: np.ndarray   # (depth,): variance of layer l's outputs, l = 1..depth
    grad_var: np.ndarray         # (depth,): mean square of dLoss/dz_l, the gradient reaching layer l's pre-activations

    @property
    def depth(self) -> int:
        return len(self.activation_var)


def depth_scales(scheme="he", depth=20, width=512, activation="relu", scale=1.0, num_examples=16,
                 seed=0) -> DepthScales:
    """Push Gaussian inputs through `depth` bias-free layers and a random loss gradient back; record scales."""
    depth, width = positive_int(depth, "depth"), positive_int(width, "width")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
    scale = real_number(scale, "scale")
    if scale < 0:
        raise ValueError(f"scale must be >= 0; got {scale:g}")
    std = np.float32(scale * init_std(scheme, width, width))
    # one cached stack of 50 (or depth) layers serves every shallower net: a slider move draws no new weights
    unit = _unit_gaussians(width, max(depth, 50), seed)[:depth]   # W_l = std · unit[l], never formed
    rng = rng_for(seed, "initialisation.signals")
    a = rng.standard_normal((positive_int(num_examples, "num_examples"), width), dtype=np.float32)
    pre = []
    # Small matrices: BLAS threads cost more than they save, and on a shared machine they stall.
    with np.errstate(over="ignore", invalid="ignore"), threadpool_limits(1):
        for G in unit:
            pre.append(std * (a @ G))
            a = _activate(pre[-1], activation)
        activation_var = np.array([_activate(z, activation).var(dtype=np.float64) for z in pre])
        delta = rng.standard_normal(a.shape, dtype=np.float32)   # dLoss/d(output) of a random linear loss
        grad_var = np.empty(depth)
        for layer in reversed(range(depth)):
            delta = delta * _activation_slope(pre[layer], activation)
            grad_var[layer] = np.mean(np.square(delta, dtype=np.float64))
            delta = std * (delta @ unit[layer].T)
    # float32 (as in deep learning) overflows to inf: report that as an infinite variance, not NaN
    activation_var = np.where(np.isnan(activation_var), np.inf, activation_var)
    if not np.all(np.isfinite(activation_var)):
        grad_var[:] = np.inf  # once the forward pass overflowed, every gradient is inf or NaN
    grad_var = np.where(np.isnan(grad_var), np.inf, grad_var)
    return DepthScales(scheme, activation, scale, activation_var, grad_var)


def spread_factor(values) -> float:
    """max / min of positive values: how far a per-layer scale wanders over depth (inf if any is 0 or not finite)."""
    values = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        return math.inf
    return float(values.max() / values.min())
