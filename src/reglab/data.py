"""Seeded dataset makers: every split is generated here or ships with scikit-learn, nothing is downloaded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._random import rng_for
from reglab._validate import is_tensor, nonnegative, numeric_array, positive_int, real_number, seed as check_seed

__all__ = ["Dataset", "Split", "load_digits_split", "make_high_dim_regression", "make_noisy_moons"]


@dataclass(frozen=True)
class Split:
    """Inputs X (n, d) and targets y (n,) of one split, float64."""

    X: np.ndarray
    y: np.ndarray

    def __post_init__(self):
        if is_tensor(self.X) or is_tensor(self.y):
            raise TypeError("X and y of a Split must be NumPy arrays; convert tensors with .numpy()")
        y = np.asarray(self.y)
        X = numeric_array(self.X, "X", 2, "(examples, features)")
        y = numeric_array(y.astype(np.float64) if y.dtype == bool else y, "y", 1, "(one target per example)")
        if len(X) != len(y):
            raise ValueError(f"X and y must have the same number of examples; got {len(X)} rows in X and "
                             f"{len(y)} targets in y")
        object.__setattr__(self, "X", X.astype(np.float64, copy=False))
        object.__setattr__(self, "y", y.astype(np.float64, copy=False))

    def __len__(self) -> int:
        return len(self.y)


@dataclass(frozen=True)
class Dataset:
    """Train, validation and test splits of one problem, plus what generated it."""

    train: Split
    val: Split
    test: Split
    description: str
    true_w: np.ndarray | None = None
    true_b: float | None = None

    def __post_init__(self):
        for name in ("train", "val", "test"):
            if not isinstance(getattr(self, name), Split):
                raise TypeError(f"{name} must be a reglab.data.Split; got {type(getattr(self, name)).__name__}")
        if not isinstance(self.description, str):
            raise TypeError(f"description must be a string; got {self.description!r}")
        widths = {s.X.shape[1] for s in (self.train, self.val, self.test)}
        if len(widths) != 1:
            raise ValueError(f"train, val and test must have the same number of features; got {sorted(widths)}")


def make_high_dim_regression(num_train=20, num_val=100, num_test=100, num_features=200, true_w=0.01, true_b=0.05,
                             noise=0.01, seed=0) -> Dataset:
    """y = X w + b + noise with every true weight equal: few examples, many features, easy to overfit (Chapter 2)."""
    num_train, num_val, num_test, num_features = (positive_int(v, n) for v, n in [
        (num_train, "num_train"), (num_val, "num_val"), (num_test, "num_test"), (num_features, "num_features")])
    check_seed(seed)
    true_w, true_b, noise = real_number(true_w, "true_w"), real_number(true_b, "true_b"), nonnegative(noise, "noise")
    rng = rng_for(seed, "data.high_dim_regression")
    w = np.full(num_features, true_w)

    def split(n):
        X = rng.standard_normal((n, num_features))
        return Split(X, X @ w + true_b + noise * rng.standard_normal(n))

    return Dataset(split(num_train), split(num_val), split(num_test),
                   f"linear regression: {num_features} features, {num_train} training examples, noise {noise:g}",
                   true_w=w, true_b=true_b)


def make_noisy_moons(num_train=150, num_val=500, num_test=2000, noise=0.2, label_noise=0.1, seed=0) -> Dataset:
    """Two interleaved half-moons with a fraction of training labels flipped, standardised with training statistics.

    Small and noisy on purpose: an oversized network memorises the flipped points (Chapters 2 and 3).
    """
    from sklearn.datasets import make_moons  # imported here: scikit-learn is slow to import

    num_train, num_val, num_test = (positive_int(v, n) for v, n in [
        (num_train, "num_train"), (num_val, "num_val"), (num_test, "num_test")])
    noise, label_noise = nonnegative(noise, "noise"), real_number(label_noise, "label_noise")
    check_seed(seed)
    if num_train < 2:
        raise ValueError(f"num_train must be at least 2 (the inputs are standardised with the training set's "
                         f"mean and standard deviation); got {num_train}")
    if not 0 <= label_noise <= 0.5:
        raise ValueError(f"label_noise must be between 0 and 0.5 (a fraction of flipped labels); got {label_noise:g}")
    rng = rng_for(seed, "data.noisy_moons")
    X, y = make_moons(num_train + num_val + num_test, noise=noise, random_state=int(rng.integers(2**31)))
    y = y.astype(np.float64)
    flip = rng.random(num_train) < label_noise
    y[:num_train][flip] = 1 - y[:num_train][flip]
    mean, std = X[:num_train].mean(0), X[:num_train].std(0)
    X = (X - mean) / std
    cut = [num_train, num_train + num_val]
    parts = [Split(a, b) for a, b in zip(np.split(X, cut), np.split(y, cut))]
    return Dataset(*parts, f"two moons: {num_train} training points, noise {noise:g}, "
                           f"{int(flip.sum())} training labels flipped")


def load_digits_split(num_train=300, num_val=300, seed=0) -> Dataset:
    """scikit-learn's bundled 8x8 digits (1797 images, no download), pixels scaled to [0, 1], split at random.

    A small training set on purpose: with 300 examples a wide MLP overfits and dropout has room to help.
    """
    from sklearn.datasets import load_digits

    num_train, num_val = positive_int(num_train, "num_train"), positive_int(num_val, "num_val")
    check_seed(seed)
    X, y = load_digits(return_X_y=True)
    if num_train + num_val >= len(y):
        raise ValueError(f"num_train + num_val must leave test examples (fewer than {len(y)}); "
                         f"got {num_train} + {num_val}")
    order = rng_for(seed, "data.digits_split").permutation(len(y))
    X, y = X[order] / 16.0, y[order].astype(np.float64)
    cut = [num_train, num_train + num_val]
    parts = [Split(a, b) for a, b in zip(np.split(X, cut), np.split(y, cut))]
    return Dataset(*parts, f"digits: {num_train} training, {num_val} validation, {len(y) - cut[1]} test images, "
                           f"64 pixels each, 10 classes")


# ---------------------------------------------------------------- data augmentation for 8x8 digits (Chapter 5)

DIGIT_SIDE = 8


def _as_images(X, name="images"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != DIGIT_SIDE ** 2:
        raise ValueError(f"{name} must be (n, 64): flattened 8x8 images; got shape {X.shape}")
    return X.reshape(-1, DIGIT_SIDE, DIGIT_SIDE)


def shift_images(X, dx, dy) -> np.ndarray:
    """Move flattened 8x8 images dx pixels right and dy pixels down (integers), filling with 0 (background)."""
    images = _as_images(X)
    if not all(isinstance(v, (int, np.integer)) and abs(v) < DIGIT_SIDE for v in (dx, dy)):
        raise ValueError(f"dx and dy must be integers between -7 and 7; got dx={dx!r}, dy={dy!r}")
    out = np.zeros_like(images)
    rows, cols = slice(max(dy, 0), DIGIT_SIDE + min(dy, 0)), slice(max(dx, 0), DIGIT_SIDE + min(dx, 0))
    src_rows, src_cols = slice(max(-dy, 0), DIGIT_SIDE - max(dy, 0)), slice(max(-dx, 0), DIGIT_SIDE - max(dx, 0))
    out[:, rows, cols] = images[:, src_rows, src_cols]
    return out.reshape(len(out), -1)


def rotate_images(X, degrees) -> np.ndarray:
    """Rotate flattened 8x8 images about their centre (counter-clockwise, bilinear interpolation, 0 outside)."""
    images = _as_images(X)
    angles = np.broadcast_to(np.radians(np.asarray(degrees, dtype=np.float64)), (len(images),))
    centre = (DIGIT_SIDE - 1) / 2
    r, c = np.meshgrid(np.arange(DIGIT_SIDE) - centre, np.arange(DIGIT_SIDE) - centre, indexing="ij")
    cos, sin = np.cos(angles)[:, None, None], np.sin(angles)[:, None, None]
    # each output pixel looks up where it came from: the inverse rotation of its coordinates
    src_r, src_c = cos * r + sin * c + centre, -sin * r + cos * c + centre
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    fr, fc = src_r - r0, src_c - c0
    padded = np.pad(images, ((0, 0), (1, 2), (1, 2)))   # zeros around, so neighbours outside read 0
    idx = np.arange(len(images))[:, None, None]

    def at(rr, cc):
        inside = (rr >= -1) & (rr <= DIGIT_SIDE) & (cc >= -1) & (cc <= DIGIT_SIDE)
        return np.where(inside, padded[idx, np.clip(rr + 1, 0, DIGIT_SIDE + 2), np.clip(cc + 1, 0, DIGIT_SIDE + 2)], 0)

    out = ((1 - fr) * (1 - fc) * at(r0, c0) + (1 - fr) * fc * at(r0, c0 + 1) + fr * (1 - fc) * at(r0 + 1, c0)
           + fr * fc * at(r0 + 1, c0 + 1))
    return out.reshape(len(out), -1)


def add_pixel_noise(X, std, seed=0) -> np.ndarray:
    """Add Gaussian noise of the given std to every pixel and clip to [0, 1]."""
    images = _as_images(X)
    std = nonnegative(std, "std")
    noisy = images + std * rng_for(seed, "data.pixel_noise").standard_normal(images.shape)
    return np.clip(noisy, 0, 1).reshape(len(images), -1)


def perturb_digits(X, max_shift=1, max_degrees=10.0, noise=0.05, seed=0) -> np.ndarray:
    """One altered copy of each flattened 8x8 image: a random shift of up to max_shift pixels, a rotation of up to
    ±max_degrees and pixel noise of std `noise`."""
    images = _as_images(X).reshape(len(X), -1)
    max_shift, max_degrees = int(nonnegative(max_shift, "max_shift")), nonnegative(max_degrees, "max_degrees")
    rng = rng_for(seed, "data.perturb_digits")
    shifted = np.empty_like(images)
    moves = rng.integers(-max_shift, max_shift + 1, (len(images), 2))
    for dx, dy in {tuple(m) for m in moves.tolist()}:
        rows = (moves[:, 0] == dx) & (moves[:, 1] == dy)
        shifted[rows] = shift_images(images[rows], dx, dy)
    rotated = rotate_images(shifted, rng.uniform(-max_degrees, max_degrees, len(images)))
    return add_pixel_noise(rotated, noise, seed=int(rng.integers(2**31)))


def augment_digits(split: Split, copies=3, max_shift=1, max_degrees=10.0, noise=0.05, seed=0) -> Split:
    """The split plus `copies` perturbed copies of every image (see perturb_digits), labels repeated."""
    copies = positive_int(copies, "copies")
    parts = [split.X] + [perturb_digits(split.X, max_shift, max_degrees, noise, seed=seed * 1000 + k)
                         for k in range(copies)]
    return Split(np.vstack(parts), np.tile(split.y, copies + 1))


def load_perturbed_digits(num_train=200, num_val=300, max_shift=0, max_degrees=20.0, noise=0.05, seed=0) -> Dataset:
    """Digits whose training images are the clean originals, while validation and test images are perturbed
    (tilted, noisy, optionally shifted), as a camera would see them: dev and test share one distribution."""
    clean = load_digits_split(num_train, num_val, seed)
    val, test = (Split(perturb_digits(s.X, max_shift, max_degrees, noise, seed=seed * 1000 + 500 + i), s.y)
                 for i, s in enumerate((clean.val, clean.test)))
    return Dataset(clean.train, val, test, clean.description + "; validation and test images perturbed "
                   f"(shift ≤ {max_shift} px, rotation ≤ {max_degrees:g}°, pixel noise {noise:g})")
