"""Bugs planted in the three-layer network's backward pass, to practise finding them by gradient checking (Ch. 4).

BUGS maps each bug's name to what it does and to the gradients it breaks. buggy_backward is
reglab.three_layer_net.backward with one of them switched on. missing_transpose needs equal hidden
widths (so the transposed gradient still has the right shape); the penalty bugs need weight_decay > 0,
bias_decayed non-zero biases, and the dropout bugs fixed dropout masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._validate import real_number

__all__ = ["ALL", "BUGS", "CACHE_KEYS", "MysteryBackward", "PlantedBug", "buggy_backward"]

CACHE_KEYS = ("X", "Z1", "A1", "Z2", "A2", "A3", "W1", "b1", "W2", "b2", "W3", "b3", "masks", "drop_rates")
ALL = {"W1", "b1", "W2", "b2", "W3", "b3"}
BUGS = {
    "dW3_factor_2": ("dW3 is doubled", {"W3"}),
    "forgot_1_over_m": ("the 1/m of the mean loss is left out", ALL),
    "sigmoid_derivative_twice": ("dZ3 is multiplied by the sigmoid's derivative again", ALL),
    "relu_derivative_is_relu": ("the ReLU derivative at layer 2 is written as ReLU(Z2)", {"W2", "b2", "W1", "b1"}),
    "missing_transpose": ("dW2 = dZ2ᵀ A1 instead of A1ᵀ dZ2", {"W2"}),
    "pre_activation_used": ("dW2 uses Z1 (before the ReLU) instead of A1", {"W2"}),
    "bias_gradient_averaged": ("db2 divides by m a second time", {"b2"}),
    "bias_gradient_sign": ("db1 has the wrong sign", {"b1"}),
    "penalty_missing": ("the L2 term is left out of every dW", {"W1", "W2", "W3"}),
    "penalty_doubled": ("the L2 gradient is 2λW instead of λW", {"W1", "W2", "W3"}),
    "bias_decayed": ("the biases get an L2 gradient λb the cost does not have", {"b1", "b2", "b3"}),
    "mask_not_reused": ("layer 2's backward pass uses other dropout masks than the forward pass",
                        {"W2", "b2", "W1", "b1"}),
    "no_rescale_in_backward": ("layer 1's backward pass forgets the 1/(1-p) of inverted dropout", {"W1", "b1"}),
}


def buggy_backward(y, cache, weight_decay=0.0, bug=None) -> dict:
    """The three-layer backward pass with the named bug planted (bug=None: the correct gradient)."""
    if bug is not None and bug not in BUGS:
        raise ValueError(f"bug must be one of {sorted(BUGS)} or None; got {bug!r}")
    lam = real_number(weight_decay, "weight_decay")
    if lam < 0:
        raise ValueError(f"weight_decay must be >= 0 (0 means no penalty); got weight_decay={lam:g}")
    if not isinstance(cache, dict) or any(key not in cache for key in CACHE_KEYS):
        raise ValueError("cache must be the dict returned by three_layer_net.forward(X, params)[1]; missing "
                         f"{[k for k in CACHE_KEYS if not isinstance(cache, dict) or k not in cache]}")
    y = np.asarray(y, dtype=float)
    if y.shape != (len(cache["X"]),):
        raise ValueError(f"y must have one label per example, shape ({len(cache['X'])},); got shape {y.shape}")
    m = len(y)
    (p1, p2), masks = cache["drop_rates"], cache["masks"]
    X, Z1, A1, Z2, A2, A3 = (cache[k] for k in ("X", "Z1", "A1", "Z2", "A2", "A3"))
    W1, W2, W3, b1, b2, b3 = (cache[k] for k in ("W1", "W2", "W3", "b1", "b2", "b3"))

    dZ3 = (A3 - y)[:, None] / m
    if bug == "forgot_1_over_m":
        dZ3 = dZ3 * m
    if bug == "sigmoid_derivative_twice":
        dZ3 = dZ3 * (A3 * (1 - A3))[:, None]
    dW3, db3 = A2.T @ dZ3, dZ3.sum(0)
    if bug == "dW3_factor_2":
        dW3 = 2 * dW3

    dA2 = dZ3 @ W3.T
    if masks is not None:
        mask2 = np.roll(masks[1], 1, axis=0) if bug == "mask_not_reused" else masks[1]
        dA2 = dA2 * mask2 / (1 - p2)
    dZ2 = dA2 * (np.maximum(Z2, 0) if bug == "relu_derivative_is_relu" else (Z2 > 0))
    dW2 = {"missing_transpose": lambda: dZ2.T @ A1, "pre_activation_used": lambda: Z1.T @ dZ2}.get(
        bug, lambda: A1.T @ dZ2)()
    db2 = dZ2.mean(0) if bug == "bias_gradient_averaged" else dZ2.sum(0)

    dA1 = dZ2 @ W2.T
    if masks is not None:
        dA1 = dA1 * masks[0] if bug == "no_rescale_in_backward" else dA1 * masks[0] / (1 - p1)
    dZ1 = dA1 * (Z1 > 0)
    dW1, db1 = X.T @ dZ1, dZ1.sum(0)
    if bug == "bias_gradient_sign":
        db1 = -db1

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
    factor = {"penalty_missing": 0.0, "penalty_doubled": 2.0}.get(bug, 1.0)
    for layer, W in (("1", W1), ("2", W2), ("3", W3)):
        grads["dW" + layer] = grads["dW" + layer] + factor * lam * W
    if bug == "bias_decayed":
        for layer, b in (("1", b1), ("2", b2), ("3", b3)):
            grads["db" + layer] = grads["db" + layer] + lam * b
    return grads


@dataclass
class PlantedBug:
    """A revealed planted bug: its name in BUGS, what it does, and the gradients it breaks (sorted names)."""

    name: str
    description: str
    affected: list


class MysteryBackward:
    """A backward pass with a bug chosen by seed and not shown: find it with a gradient check (Chapter 4)."""

    def __init__(self, seed=0):
        from reglab._random import rng_for

        names = sorted(name for name in BUGS if name not in ("mask_not_reused", "no_rescale_in_backward"))
        self._bug = names[int(rng_for(seed, "planted_bugs.mystery").integers(len(names)))]

    def __call__(self, y, cache, weight_decay=0.0) -> dict:
        return buggy_backward(y, cache, weight_decay, self._bug)

    def reveal(self) -> PlantedBug:
        """The bug's name, what it does, and the gradients it breaks."""
        description, affected = BUGS[self._bug]
        return PlantedBug(self._bug, description, sorted(affected))

    def __repr__(self) -> str:
        return "MysteryBackward(…): a three-layer backward pass with one hidden bug"
