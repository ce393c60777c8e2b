"""Weight decay and L1 as MAP estimation: Gaussian and Laplace priors on the weights (Chapter 2)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._validate import positive_int, real_number

__all__ = ["PriorCurves", "gaussian_density", "laplace_density", "map_l1", "map_weight_decay", "prior_curves"]


def _positive(value, name: str) -> float:
    value = real_number(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {name}={value:g}")
    return value


def gaussian_density(w, std):
    """N(0, std^2) density at w: the prior whose negative log is the L2 penalty w^2 / (2 std^2)."""
    std = _positive(std, "std")
    w = np.asarray(w, dtype=float)
    return np.exp(-0.5 * (w / std) ** 2) / (std * np.sqrt(2 * np.pi))


def laplace_density(w, scale):
    """Laplace(0, scale) density at w: the prior whose negative log is the L1 penalty |w| / scale."""
    scale = _positive(scale, "scale")
    return np.exp(-np.abs(np.asarray(w, dtype=float)) / scale) / (2 * scale)


def map_weight_decay(noise_std, prior_std, num_train) -> float:
    """The weight_decay λ whose ridge solution is the MAP estimate: σ² / (n τ²) for our half-mean-squared loss."""
    noise_std, prior_std = _positive(noise_std, "noise_std"), _positive(prior_std, "prior_std")
    return noise_std ** 2 / (positive_int(num_train, "num_train") * prior_std ** 2)


def map_l1(noise_std, prior_scale, num_train) -> float:
    """The l1 strength whose lasso solution is the MAP estimate under a Laplace(0, b) prior: σ² / (n b)."""
    noise_std, prior_scale = _positive(noise_std, "noise_std"), _positive(prior_scale, "prior_scale")
    return noise_std ** 2 / (positive_int(num_train, "num_train") * prior_scale)


@dataclass
class PriorCurves:
    """Gaussian and Laplace priors of one variance on a grid of weights, and their negative logs (the penalties)."""

    std: float
    w: np.ndarray
    densities: dict
    penalties: dict


def prior_curves(std=1.0, num_points=601) -> PriorCurves:
    """Both priors with variance std² on [-3 std, 3 std]; penalties are −log p(w) shifted to 0 at w = 0."""
    std = _positive(std, "std")
    w = np.linspace(-3 * std, 3 * std, positive_int(num_points, "num_points"))
    scale = std / np.sqrt(2)                                   # Laplace(0, b) has variance 2 b²
    densities = {"Gaussian prior → L2 penalty": gaussian_density(w, std),
                 "Laplace prior → L1 penalty": laplace_density(w, scale)}
    penalties = {label: -np.log(d / d.max()) for label, d in densities.items()}
    return PriorCurves(std, w, densities, penalties)
