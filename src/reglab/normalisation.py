"""Normalising inputs: statistics from the training split only, and why it speeds up gradient descent (Chapter 5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._random import rng_for
from reglab._validate import numeric_array, positive_int, real_number
from reglab.data import Dataset, Split

__all__ = ["Standardizer", "standardize_splits", "make_stretched_regression", "GDPath", "GDPicture", "gd_path", "gd_picture",
           "steps_to_converge"]


@dataclass(frozen=True)
class Standardizer:
    """Per-feature mean and standard deviation, learnt from one array and applied to any other."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, X) -> "Standardizer":
        X = numeric_array(X, "X")
        std = X.std(axis=0)
        return cls(X.mean(axis=0), np.where(std > 0, std, 1.0))  # a constant feature is centred, not divided by 0

    def transform(self, X) -> np.ndarray:
        return (numeric_array(X, "X") - self.mean) / self.std


def standardize_splits(data: Dataset) -> Dataset:
    """Standardise every split with the training split's mean and std (never the split's own)."""
    scaler = Standardizer.fit(data.train.X)
    parts = [Split(scaler.transform(s.X), s.y) for s in (data.train, data.val, data.test)]
    return Dataset(*parts, data.description + ", standardised with training statistics", data.true_w, data.true_b)


def make_stretched_regression(num_train=200, num_val=200, num_test=200, scales=(1.0, 10.0), means=(0.0, 0.0),
                              true_w=(1.0, 0.1), noise=0.1, seed=0) -> Dataset:
    """Two features on very different scales, y = x·w + noise with no bias: the elongated-contours problem."""
    scales, means, true_w = (numeric_array(v, n) for v, n in [(scales, "scales"), (means, "means"),
                                                               (true_w, "true_w")])
    if not scales.shape == means.shape == true_w.shape == (2,):
        raise ValueError(f"scales, means and true_w must each hold 2 numbers; got {scales}, {means}, {true_w}")
    rng = rng_for(seed, "normalisation.stretched")

    def split(n):
        X = means + scales * rng.standard_normal((positive_int(n, "split sizes"), 2))
        return Split(X, X @ true_w + real_number(noise, "noise") * rng.standard_normal(n))

    return Dataset(split(num_train), split(num_val), split(num_test),
                   f"two features with standard deviations {scales[0]:g} and {scales[1]:g}", true_w=true_w)


@dataclass(frozen=True)
class GDPath:
    """Full-batch gradient descent on the half mean squared error of a bias-free linear model."""

    weights: np.ndarray        # (num_steps + 1, d)
    losses: np.ndarray         # (num_steps + 1,)
    lr: float
    optimum: np.ndarray
    optimal_loss: float


def _loss(X, y, W):
    return 0.5 * np.mean((np.atleast_2d(W) @ X.T - y) ** 2, axis=-1)


def _quadratic(X, y):
    """Curvature H, linear term g, the step 1/L and the optimum of the half mean squared error."""
    X, y = numeric_array(X, "X"), numeric_array(y, "y")
    H, g = X.T @ X / len(y), X.T @ y / len(y)
    return X, y, H, g, 1.0 / np.linalg.eigvalsh(H).max(), np.linalg.solve(H, g)


def gd_path(X, y, num_steps=100, lr=None, w0=None) -> GDPath:
    """Gradient descent from w0 (default 0); lr defaults to 1/L, the largest safe step for the curvature L."""
    X, y, H, g, safe_lr, optimum = _quadratic(X, y)
    lr = safe_lr if lr is None else real_number(lr, "lr")
    W = np.zeros((positive_int(num_steps, "num_steps") + 1, X.shape[1]))
    W[0] = 0.0 if w0 is None else numeric_array(w0, "w0")
    for t in range(num_steps):
        W[t + 1] = W[t] - lr * (H @ W[t] - g)
    return GDPath(W, _loss(X, y, W), float(lr), optimum, float(_loss(X, y, optimum)[0]))


@dataclass
class GDPicture:
    """A gradient-descent path with the loss on a grid around it: what a contour picture of the path needs."""

    path: GDPath
    w1: np.ndarray
    w2: np.ndarray
    loss: np.ndarray
    levels: np.ndarray


def gd_picture(split, num_steps=60, num_points=120) -> GDPicture:
    """gd_path on a two-feature split, and the loss on a grid spanning the path and the minimum (Chapter 5)."""
    path = gd_path(split.X, split.y, num_steps)
    if path.weights.shape[1] != 2:
        raise ValueError(f"split must have 2 features for a contour picture; got {path.weights.shape[1]}")
    span = np.abs(np.concatenate([path.weights, [path.optimum]])).max(axis=0) * 1.3 + 0.1
    n = positive_int(num_points, "num_points")
    w1, w2 = np.meshgrid(np.linspace(-span[0], span[0], n), np.linspace(-span[1], span[1], n))
    loss = _loss(split.X, split.y, np.column_stack([w1.ravel(), w2.ravel()])).reshape(w1.shape)
    levels = path.optimal_loss + (loss.max() - path.optimal_loss) * np.logspace(-4, 0, 12)
    return GDPicture(path, w1, w2, loss, levels)


def steps_to_converge(X, y, tol=1e-6, max_steps=100_000) -> int:
    """Steps of gradient descent (lr = 1/L, from 0) until the excess loss is below tol times its starting value."""
    X, y, H, g, lr, optimum = _quadratic(X, y)
    tol, best = real_number(tol, "tol"), _loss(X, y, optimum)[0]
    w = np.zeros(X.shape[1])
    start = _loss(X, y, w)[0] - best
    for step in range(1, positive_int(max_steps, "max_steps") + 1):
        w = w - lr * (H @ w - g)
        if _loss(X, y, w)[0] - best <= tol * start:
            return step
    raise ValueError(f"gradient descent did not reach tol={tol:g} within max_steps={max_steps}; raise max_steps")
