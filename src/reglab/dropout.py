"""Dropout from scratch: Bernoulli masks, inverted dropout and test-time scaling, in NumPy and torch (Chapter 3).

Names: drop_rate p is the probability of dropping a unit; keep_prob = 1 - p is the classic course's form.
"""

from __future__ import annotations

import numpy as np

from reglab._validate import is_tensor, real_number

__all__ = ["CONVENTIONS", "bernoulli_mask", "check_rate", "dropout_eval", "dropout_layer", "dropout_train",
           "input_dropout_penalty"]

CONVENTIONS = ("inverted", "scale_at_test")


def check_rate(drop_rate, name="drop_rate") -> float:
    """A drop rate: a real number in [0, 1]."""
    drop_rate = real_number(drop_rate, name)
    if not 0.0 <= drop_rate <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1 (a probability of dropping a unit); got {drop_rate:g}")
    return drop_rate


def _check_convention(convention):
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}; got {convention!r}")


def bernoulli_mask(shape, drop_rate, rng=None, generator=None, like=None):
    """A 0/1 mask that keeps each entry with probability 1 - drop_rate: NumPy from rng, torch from generator."""
    drop_rate = check_rate(drop_rate)
    if like is not None and is_tensor(like):
        import torch

        if not isinstance(generator, torch.Generator):
            raise TypeError("a torch mask needs generator=torch.Generator() (seeded), so that runs repeat")
        return (torch.rand(shape, generator=generator, dtype=like.dtype, device=like.device) >= drop_rate).to(
            like.dtype)
    if not isinstance(rng, np.random.Generator):
        raise TypeError("a NumPy mask needs rng=np.random.default_rng(seed), so that runs repeat")
    return (rng.random(shape) >= drop_rate).astype(np.float64)


def dropout_train(h, drop_rate, mask, convention="inverted"):
    """Training-time dropout of activations h with a given mask; 'inverted' divides by the keep probability."""
    drop_rate = check_rate(drop_rate)
    _check_convention(convention)
    if tuple(mask.shape) != tuple(h.shape):
        raise ValueError(f"mask has shape {tuple(mask.shape)} but h has shape {tuple(h.shape)}; they must match")
    if drop_rate == 1.0:
        return h * 0  # every unit dropped (and no division by a keep probability of 0)
    return h * mask / (1.0 - drop_rate) if convention == "inverted" else h * mask


def dropout_eval(h, drop_rate, convention="inverted"):
    """Test-time dropout: the identity for inverted dropout, multiplication by 1 - drop_rate for test-time scaling."""
    drop_rate = check_rate(drop_rate)
    _check_convention(convention)
    return h if convention == "inverted" else h * (1.0 - drop_rate)


def dropout_layer(X, drop_rate, generator):
    """d2l's from-scratch inverted dropout for torch tensors, with an explicit torch.Generator."""
    drop_rate = check_rate(drop_rate)
    if drop_rate == 1.0:
        return X * 0
    if drop_rate == 0.0:
        return X
    return dropout_train(X, drop_rate, bernoulli_mask(X.shape, drop_rate, generator=generator, like=X))


def input_dropout_penalty(X, w, drop_rate):
    """The data-dependent L2 penalty that input dropout adds, in expectation, to a linear model's squared error.

    E_mask sum_i (y_i - w·(m_i * x_i)/(1-p))^2 = sum_i (y_i - w·x_i)^2 + p/(1-p) sum_j w_j^2 sum_i x_ij^2.
    """
    drop_rate = check_rate(drop_rate)
    if drop_rate == 1.0:
        raise ValueError("drop_rate must be below 1 here: with every input dropped the penalty is infinite")
    X, w = np.asarray(X, dtype=float), np.asarray(w, dtype=float)
    if X.ndim != 2 or w.shape != (X.shape[1],):
        raise ValueError(f"X must be (examples, features) and w (features,); got X {X.shape} and w {w.shape}")
    return drop_rate / (1 - drop_rate) * float((w ** 2) @ (X ** 2).sum(0))
