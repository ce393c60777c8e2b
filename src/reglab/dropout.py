"""Dropout from scratch: Bernoulli masks, inverted dropout and test-time scaling, in NumPy and torch (Chapter 3).

Names: drop_rate p is the probability of dropping a unit; keep_prob = 1 - p is the classic course's form.
"""

from __future__ import annotations

import numpy as np

from reglab._validate import is_tensor, numeric_array, numpy_generator, one_of, same_kind, torch_generator
from reglab._validate import shape as check_shape
from reglab._validate import rate as check_rate  # the public name chapters and checks use

__all__ = ["CONVENTIONS", "bernoulli_mask", "check_rate", "dropout_eval", "dropout_layer", "dropout_train",
           "input_dropout_penalty"]

CONVENTIONS = ("inverted", "scale_at_test")


def _check_convention(convention):
    one_of(convention, "convention", CONVENTIONS)


def _check_mask(mask, h):
    if getattr(mask, "dtype", None) is not None and str(mask.dtype) in ("bool", "torch.bool"):
        mask = mask.to(h.dtype) if is_tensor(mask) else mask.astype(np.float64)
    mask = numeric_array(mask, "mask")
    same_kind(h, mask, "h", "mask")
    if not ((mask == 0) | (mask == 1)).all():
        raise ValueError("mask must hold only 0s and 1s (1 keeps a unit, 0 drops it); build it with bernoulli_mask")
    return mask


def bernoulli_mask(shape, drop_rate, rng=None, generator=None, like=None):
    """A 0/1 mask that keeps each entry with probability 1 - drop_rate: NumPy from rng, torch from generator."""
    drop_rate, shape = check_rate(drop_rate), check_shape(shape)
    if like is not None and not is_tensor(like):
        raise TypeError(f"like must be a torch tensor (the mask takes its dtype and device) or None; got {like!r}")
    if generator is not None and like is None:
        raise TypeError("a torch mask needs like=<a tensor> as well as generator; a NumPy mask needs rng= instead")
    if like is not None:
        import torch

        torch_generator(generator, purpose="a torch mask")
        if not like.dtype.is_floating_point:
            raise TypeError(f"like must be a floating-point tensor; got dtype {like.dtype}")
        return (torch.rand(shape, generator=generator, dtype=like.dtype, device=like.device) >= drop_rate).to(
            like.dtype)
    numpy_generator(rng)
    return (rng.random(shape) >= drop_rate).astype(np.float64)


def dropout_train(h, drop_rate, mask, convention="inverted"):
    """Training-time dropout of activations h with a given mask; 'inverted' divides by the keep probability."""
    drop_rate, h = check_rate(drop_rate), numeric_array(h, "h")
    _check_convention(convention)
    mask = _check_mask(mask, h)
    if drop_rate == 1.0:
        return h * 0  # every unit dropped (and no division by a keep probability of 0)
    return h * mask / (1.0 - drop_rate) if convention == "inverted" else h * mask


def dropout_eval(h, drop_rate, convention="inverted"):
    """Test-time dropout: the identity for inverted dropout, multiplication by 1 - drop_rate for test-time scaling."""
    drop_rate, h = check_rate(drop_rate), numeric_array(h, "h")
    _check_convention(convention)
    return h if convention == "inverted" else h * (1.0 - drop_rate)


def dropout_layer(X, drop_rate, generator):
    """d2l's from-scratch inverted dropout for torch tensors, with an explicit torch.Generator."""
    drop_rate = check_rate(drop_rate)
    if not is_tensor(X):
        raise TypeError(f"X must be a torch tensor; got {type(X).__name__} (for NumPy arrays use dropout_train "
                        "with bernoulli_mask)")
    if not X.dtype.is_floating_point:
        raise TypeError(f"X must be a floating-point tensor; got dtype {X.dtype}")
    X = numeric_array(X, "X")
    torch_generator(generator)
    if drop_rate == 1.0:
        return X * 0
    if drop_rate == 0.0:
        return X
    return dropout_train(X, drop_rate, bernoulli_mask(X.shape, drop_rate, generator=generator, like=X))


def input_dropout_penalty(X, w, drop_rate):
    """The data-dependent L2 penalty that input dropout adds, in expectation, to a linear model's squared error.

    E_mask sum_i (y_i - w·(m_i * x_i)/(1-p))^2 = sum_i (y_i - w·x_i)^2 + p/(1-p) sum_j w_j^2 sum_i x_ij^2.
    """
    drop_rate = check_rate(drop_rate, below_one=True, why="the penalty is infinite")
    X, w = numeric_array(X, "X", 2, "(examples, features)"), numeric_array(w, "w", 1, "(features,)")
    if is_tensor(X) or is_tensor(w):
        raise TypeError("X and w must be NumPy arrays here; convert tensors with .numpy()")
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have one weight per feature of X ({X.shape[1]}); got w of shape {w.shape}")
    return drop_rate / (1 - drop_rate) * float((w ** 2) @ (X ** 2).sum(0))
