"""The classic course's network, LINEAR→RELU→LINEAR→RELU→LINEAR→SIGMOID, written out in NumPy (Chapters 3, 4).

Rows are examples: X has shape (m, n_x). Dropout masks D1, D2 drawn in the forward pass are stored in the
cache and reused by the backward pass, so the gradient flows only through the units that were kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._random import rng_for
from reglab._validate import (learning_rate, numeric_array, penalty_strength, positive_int,
                              positive_ints, rate, sequence, targets01)
from reglab._validate import seed as check_seed

__all__ = ["PARAMETER_NAMES", "ThreeLayerRun", "backward", "cost", "forward", "init_params", "predict", "train"]

PARAMETER_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


@dataclass
class ThreeLayerRun:
    """A training run of the three-layer net: final parameters and the cost at each recorded epoch."""

    params: dict
    epochs: np.ndarray
    costs: np.ndarray


def init_params(layer_sizes=(2, 20, 3, 1), seed=0) -> dict:
    """He-initialised weights (scaled by sqrt(2 / fan_in), as suits ReLU) and zero biases."""
    dims, _ = positive_ints(layer_sizes, "layer_sizes"), check_seed(seed)
    if len(dims) != 4 or dims[-1] != 1:
        raise ValueError(f"layer_sizes must be (n_x, n_1, n_2, 1) for this three-layer network; got {layer_sizes!r}")
    rng = rng_for(seed, "three_layer_net.init")
    params = {}
    for layer, (n_in, n_out) in enumerate(zip(dims, dims[1:]), start=1):
        params[f"W{layer}"] = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def _check_rates(drop_rates):
    rates = tuple(rate(r, "drop_rates entries", below_one=True, why="nothing is left to train")
                  for r in sequence(drop_rates, "drop_rates", what="drop rates, one per hidden layer"))
    if len(rates) != 2:
        raise ValueError(f"drop_rates needs one rate per hidden layer (2); got {len(rates)}")
    return rates


def _check_params(params):
    if not isinstance(params, dict) or set(PARAMETER_NAMES) - set(params):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise TypeError(f"params must be a dict with keys {PARAMETER_NAMES} (build it with init_params); got {got}")
    for layer in ("1", "2", "3"):
        W, b = np.shape(params["W" + layer]), np.shape(params["b" + layer])
        if len(W) != 2 or b != (W[1],):
            raise ValueError(f"params W{layer} must be 2-D (n_in, n_out) and b{layer} (n_out,); got shapes {W} and {b}")
    widths = [np.shape(params[w]) for w in ("W1", "W2", "W3")]
    if widths[0][1] != widths[1][0] or widths[1][1] != widths[2][0] or widths[2][1] != 1:
        raise ValueError(f"params W1, W2, W3 must chain (n_x, n_1), (n_1, n_2), (n_2, 1); got shapes {widths}")


def _check_X(X, params):
    X = numeric_array(X, "X", 2, "(examples, features)")
    if not isinstance(X, np.ndarray):
        raise TypeError("X must be a NumPy array; convert a tensor with .numpy()")
    if X.shape[1] != np.shape(params["W1"])[0]:
        raise ValueError(f"X has {X.shape[1]} features per example but W1 takes {np.shape(params['W1'])[0]}")
    return X


def _check_y(y, m, labels=False):
    y = targets01(y, "y", labels=labels)
    if len(y) != m:
        raise ValueError(f"y must have one target per example of X ({m}); got {len(y)}")
    return y


def _check_masks(masks, X, params):
    masks = sequence(masks, "masks", what="masks (D1, D2)")
    shapes = [(len(X), np.shape(params["W1"])[1]), (len(X), np.shape(params["W2"])[1])]
    if len(masks) != 2 or [np.shape(m) for m in masks] != shapes:
        raise ValueError(f"masks must be (D1, D2) of shapes {shapes[0]} and {shapes[1]}; got "
                         f"{[np.shape(m) for m in masks]}")
    return masks


def _check_cache(cache):
    needed = ("X", "Z1", "A1", "Z2", "A2", "Z3", "A3", "masks", "drop_rates", *PARAMETER_NAMES)
    if not isinstance(cache, dict) or any(key not in cache for key in needed):
        raise TypeError("cache must be the cache dict that forward() returned")


def forward(X, params, drop_rates=(0.0, 0.0), rng=None, masks=None) -> dict:
    """The cache of every intermediate; cache["A3"] holds the probabilities (m,).

    With drop rates, masks come from rng (or are given, to hold them fixed).
    """
    p1, p2 = _check_rates(drop_rates)
    _check_params(params)
    X = _check_X(X, params)
    if masks is not None:
        masks = _check_masks(masks, X, params)
    if masks is None and (p1 or p2):
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"dropout needs rng=np.random.default_rng(seed) (or fixed masks=(D1, D2)); got rng={rng!r}")
        masks = (rng.random((len(X), params["W1"].shape[1])) >= p1,
                 rng.random((len(X), params["W2"].shape[1])) >= p2)
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    if masks is not None:
        A1 = A1 * masks[0] / (1 - p1)            # inverted dropout: keep_prob = 1 - p1
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = np.maximum(Z2, 0)
    if masks is not None:
        A2 = A2 * masks[1] / (1 - p2)
    Z3 = A2 @ params["W3"] + params["b3"]
    A3 = 1 / (1 + np.exp(-Z3[:, 0]))
    return {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3, "A3": A3, "masks": masks,
            "drop_rates": (p1, p2), **params}


def cost(cache, y, weight_decay=0.0):
    """Mean binary cross-entropy (computed from the logits, stably) + weight_decay/2 times the squared weights."""
    _check_cache(cache)
    y = _check_y(y, len(cache["X"]))
    z = cache["Z3"][:, 0]
    data_cost = float(np.mean(np.logaddexp(0, z) - y * z))
    penalty = penalty_strength(weight_decay, "weight_decay") / 2 * sum(
        float((cache[w] ** 2).sum()) for w in ("W1", "W2", "W3"))
    return data_cost + penalty


def backward(y, cache, weight_decay=0.0) -> dict:
    """Gradients of cost() with respect to every parameter, reusing the forward pass's dropout masks."""
    _check_cache(cache)
    weight_decay = penalty_strength(weight_decay, "weight_decay")
    y = _check_y(y, len(cache["X"]))
    m = len(y)
    (p1, p2), masks = cache["drop_rates"], cache["masks"]
    dZ3 = (cache["A3"] - y)[:, None] / m
    grads = {"dW3": cache["A2"].T @ dZ3 + weight_decay * cache["W3"], "db3": dZ3.sum(0)}
    dA2 = dZ3 @ cache["W3"].T
    if masks is not None:
        dA2 = dA2 * masks[1] / (1 - p2)         # the same units as in the forward pass get no gradient
    dZ2 = dA2 * (cache["Z2"] > 0)
    grads.update(dW2=cache["A1"].T @ dZ2 + weight_decay * cache["W2"], db2=dZ2.sum(0))
    dA1 = dZ2 @ cache["W2"].T
    if masks is not None:
        dA1 = dA1 * masks[0] / (1 - p1)
    dZ1 = dA1 * (cache["Z1"] > 0)
    grads.update(dW1=cache["X"].T @ dZ1 + weight_decay * cache["W1"], db1=dZ1.sum(0))
    return grads


def predict(X, params):
    """Class predictions (0/1) with dropout off: test time for inverted dropout."""
    return (forward(X, params)["A3"] > 0.5).astype(float)


def train(X, y, layer_sizes=(2, 20, 3, 1), drop_rates=(0.0, 0.0), weight_decay=0.0, lr=0.3, num_epochs=3000,
          seed=0, record_every=100) -> ThreeLayerRun:
    """Full-batch gradient descent (one step is one epoch); the cost is recorded every record_every epochs."""
    lr, num_epochs = learning_rate(lr), positive_int(num_epochs, "num_epochs")
    record_every, weight_decay = positive_int(record_every, "record_every"), penalty_strength(weight_decay, "weight_decay")
    _check_rates(drop_rates)
    params = init_params(layer_sizes, seed)
    X = numeric_array(X, "X", 2, "(examples, features)")
    if X.shape[1] != layer_sizes[0]:
        raise ValueError(f"layer_sizes[0] must be the number of features of X ({X.shape[1]}); got {layer_sizes[0]}")
    y = _check_y(y, len(X), labels=True)
    rng = rng_for(seed, "three_layer_net.dropout")
    costs, epochs = [], []
    for i in range(num_epochs + 1):
        cache = forward(X, params, drop_rates, rng)
        if i % record_every == 0:
            costs.append(cost(cache, y, weight_decay))
            epochs.append(i)
        if i == num_epochs:
            break
        grads = backward(y, cache, weight_decay)
        for name in PARAMETER_NAMES:
            params[name] = params[name] - lr * grads["d" + name]
    return ThreeLayerRun(params, np.array(epochs), np.array(costs))
