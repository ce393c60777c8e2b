"""A small NumPy MLP with explicit forward and backward passes, batched over K models at once.

Parameters are a list of (W, b) per layer with a leading model axis: W (K, n_in, n_out), b (K, 1, n_out).
The K models share the input X (N, d); their activations have shape (K, N, width).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._random import rng_for
from reglab._validate import (is_tensor, numeric_array, one_of, positive, positive_int, positive_ints, rate, sequence,
                              targets01)
from reglab._validate import seed as check_seed

__all__ = ["ACTIVATIONS", "PLANE_GRID", "ForwardPass", "LossAndGradient", "bce_with_logits", "flat_view", "init_mlp",
           "linear_region_fraction", "mc_dropout_predict", "mlp_backward", "mlp_forward", "plane_points",
           "predict_proba", "shapes_of", "unflatten", "weight_norm"]

ACTIVATIONS = ("tanh", "relu")
PLANE_GRID = np.linspace(-2.6, 2.6, 90)   # coordinates of the grid on which 2-D decision boundaries are drawn


@dataclass
class ForwardPass:
    """Logits (K, N) of a forward pass and the per-layer cache [(input, pre-activation, activation)] backward needs."""

    logits: np.ndarray
    cache: list


@dataclass
class LossAndGradient:
    """A loss per model (K,) and its gradient with respect to the logits (K, N)."""

    loss: np.ndarray
    grad: np.ndarray


def plane_points(grid=PLANE_GRID):
    """The (len(grid)², 2) points of the square grid × grid, row by row (the second feature varies slowest)."""
    G1, G2 = np.meshgrid(grid, grid)
    return np.column_stack([G1.ravel(), G2.ravel()])


def _check_params(params):
    """params as init_mlp builds them: [(W (K, n_in, n_out), b (K, 1, n_out))], widths chained, one output."""
    layers = sequence(params, "params", what="(W, b) pairs, one per layer (build them with init_mlp)")
    for layer, pair in enumerate(layers):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(a, np.ndarray) for a in pair)):
            raise TypeError(f"params[{layer}] must be a (W, b) pair of NumPy arrays (build params with init_mlp); "
                            f"got {type(pair).__name__}")
        W, b = pair
        if W.ndim != 3 or b.shape != (W.shape[0], 1, W.shape[2]):
            raise ValueError(f"params[{layer}] must hold W (models, n_in, n_out) and b (models, 1, n_out); got "
                             f"shapes {W.shape} and {b.shape}")
        if layer and W.shape[1] != layers[layer - 1][0].shape[2]:
            raise ValueError(f"params[{layer}] takes {W.shape[1]} inputs but layer {layer - 1} gives "
                             f"{layers[layer - 1][0].shape[2]}")
    if layers[-1][0].shape[2] != 1:
        raise ValueError(f"the last layer of params must have 1 output (a logit); got {layers[-1][0].shape[2]}")
    return layers


def _check_inputs(params, X):
    """X (N, d) with d the input width of params: finite real numbers."""
    X = numeric_array(X, "X", 2, "(examples, features)")
    if is_tensor(X):
        raise TypeError("X must be a NumPy array; convert a tensor with .numpy()")
    if X.shape[1] != params[0][0].shape[1]:
        raise ValueError(f"X has {X.shape[1]} features per example but the network takes {params[0][0].shape[1]}")
    return X


def _check_masks(masks, params, X):
    hidden = [W.shape[2] for W, _ in params[:-1]]
    if len(sequence(masks, "masks", what="masks, one per hidden layer", allow_empty=True)) != len(hidden):
        raise ValueError(f"masks needs one mask per hidden layer ({len(hidden)}); got {len(masks)}")
    for layer, (mask, width) in enumerate(zip(masks, hidden)):
        if np.ndim(mask) != 3 or np.shape(mask)[1:] != (len(X), width):
            raise ValueError(f"masks[{layer}] must have shape (models, {len(X)}, {width}); got {np.shape(mask)}")


def init_mlp(layer_sizes, activation="tanh", num_models=1, seed=0):
    """Seeded initial parameters: Xavier/Glorot for tanh, He for ReLU, zero biases; every model gets the same draw.

    Returns [(W, b)] whose arrays are views into one flat (K, P) buffer, `flat_view(params)`, so that an
    optimizer can update all parameters with a few whole-array operations.
    """
    sizes = positive_ints(layer_sizes, "layer_sizes")
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs an input and an output size; got {layer_sizes!r}")
    if sizes[-1] != 1:
        raise ValueError(f"layer_sizes must end in 1 (one logit for two classes); got {layer_sizes!r}")
    one_of(activation, "activation", ACTIVATIONS)
    num_models, _ = positive_int(num_models, "num_models"), check_seed(seed)
    rng = rng_for(seed, "models.init_mlp")
    shapes = [shape for n_in, n_out in zip(sizes, sizes[1:]) for shape in ((n_in, n_out), (1, n_out))]
    flat = np.zeros((num_models, sum(int(np.prod(s)) for s in shapes)))
    params = unflatten(flat, shapes)
    for (W, _), n_in, n_out in zip(params, sizes, sizes[1:]):
        scale = np.sqrt(2.0 / (n_in + n_out)) if activation == "tanh" else np.sqrt(2.0 / n_in)
        W[...] = rng.normal(0.0, scale, (n_in, n_out))
    return params


def unflatten(flat, shapes):
    """[(W, b)] views into flat (K, P), for the per-model shapes [(n_in, n_out), (1, n_out), ...]."""
    if not isinstance(flat, np.ndarray) or flat.ndim != 2:
        raise ValueError(f"flat must be a 2-D NumPy array (models, parameters); got {type(flat).__name__} of shape "
                         f"{np.shape(flat)}")
    needed = sum(int(np.prod(shape)) for shape in shapes)
    if len(shapes) % 2 or needed != flat.shape[1]:
        raise ValueError(f"flat has {flat.shape[1]} parameters per model but the shapes need {needed} "
                         f"(shapes must alternate (n_in, n_out), (1, n_out))")
    views, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        views.append(flat[:, start:start + size].reshape(len(flat), *shape))
        start += size
    return list(zip(views[::2], views[1::2]))


def flat_view(params):
    """The (K, P) buffer that params are views into (see init_mlp)."""
    base = params[0][0].base
    while base is not None and base.base is not None:
        base = base.base
    if base is None or base.ndim != 2:
        raise ValueError("params are not views into one flat buffer; build them with init_mlp or unflatten")
    return base


def shapes_of(params):
    """Per-model shapes [(n_in, n_out), (1, n_out), ...] of params."""
    return [a.shape[1:] for layer in params for a in layer]


def _act(z, activation):
    return np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)


def _act_grad(z, a, activation):
    return 1.0 - a ** 2 if activation == "tanh" else (z > 0).astype(z.dtype)


def mlp_forward(params, X, activation="tanh", masks=None) -> ForwardPass:
    """Logits (K, N) and the cache the backward pass needs; masks[l] (K, N, width) multiplies hidden layer l."""
    one_of(activation, "activation", ACTIVATIONS)
    X = _check_inputs(_check_params(params), X)
    if masks is not None:
        _check_masks(masks, params, X)
    a, cache = X, []
    for layer, (W, b) in enumerate(params):
        z = a @ W + b
        if layer == len(params) - 1:
            cache.append((a, z, None))
            return ForwardPass(z[..., 0], cache)
        h = _act(z, activation)
        out = h if masks is None else h * masks[layer]
        cache.append((a, z, h))
        a = out
    raise AssertionError("unreachable")


def mlp_backward(params, cache, dlogits, activation="tanh", masks=None):
    """Gradients [(dW, db)] of a loss whose gradient with respect to the logits is dlogits (K, N)."""
    one_of(activation, "activation", ACTIVATIONS)
    _check_params(params)
    if not isinstance(cache, list) or len(cache) != len(params):
        raise TypeError("cache must be the cache that mlp_forward returned for these params")
    N = len(cache[0][0])
    if np.ndim(dlogits) != 2 or np.shape(dlogits)[1] != N:
        raise ValueError(f"dlogits must have shape (models, {N}); got {np.shape(dlogits)}")
    grads = [None] * len(params)
    delta = dlogits[..., None]                                  # (K, N, 1)
    for layer in range(len(params) - 1, -1, -1):
        a_in, z, h = cache[layer]
        W = params[layer][0]
        a_in3 = np.broadcast_to(a_in, delta.shape[:2] + a_in.shape[-1:])
        grads[layer] = (np.swapaxes(a_in3, 1, 2) @ delta, delta.sum(1, keepdims=True))
        if layer:
            upstream = delta @ np.swapaxes(W, 1, 2)             # gradient w.r.t. the previous layer's output
            _, z_prev, h_prev = cache[layer - 1]
            if masks is not None:
                upstream = upstream * masks[layer - 1]          # the same units are dropped on the way back
            delta = upstream * _act_grad(z_prev, h_prev, activation)
    return grads


def bce_with_logits(logits, y) -> LossAndGradient:
    """Mean binary cross-entropy of each model (K,), and its gradient with respect to the logits."""
    y = targets01(y, "y", labels=False)
    if np.ndim(logits) < 1 or np.shape(logits)[-1] != len(y):
        raise ValueError(f"logits must have one entry per target ({len(y)}) in the last axis; got shape "
                         f"{np.shape(logits)}")
    loss = np.logaddexp(0.0, logits) - y * logits
    grad = (1.0 / (1.0 + np.exp(-logits)) - y) / logits.shape[-1]
    return LossAndGradient(loss.mean(-1), grad)


def predict_proba(params, X, activation="tanh"):
    """Probability of class 1 from each model (K, N), with dropout off."""
    return 1.0 / (1.0 + np.exp(-mlp_forward(params, X, activation).logits))


def weight_norm(params):
    """||w||_2 of all weight matrices (not biases) of each model (K,): the quantity weight decay shrinks."""
    _check_params(params)
    return np.sqrt(sum((W ** 2).sum(axis=(1, 2)) for W, _ in params))


def linear_region_fraction(params, X, activation="tanh", threshold=0.5):
    """Fraction of hidden pre-activations with |z| < threshold, per model (K,): where tanh(z) ≈ z."""
    threshold = positive(threshold, "threshold")
    if len(_check_params(params)) < 2:
        raise ValueError("params has no hidden layer, so there are no hidden pre-activations to count")
    cache = mlp_forward(params, X, activation).cache
    hidden = [z for _, z, h in cache if h is not None]
    return np.mean(np.concatenate([(np.abs(z) < threshold).reshape(len(z), -1) for z in hidden], axis=1), axis=1)


def mc_dropout_predict(params, X, drop_rates, num_samples=100, seed=0, activation="relu", chunk=50):
    """Probabilities (num_samples, N) from one model with dropout left on at test time: one mask set per sample."""
    rates = [rate(r, "drop_rates entries", below_one=True, why="the prediction is 0/0")
             for r in sequence(drop_rates, "drop_rates", what="drop rates, one per hidden layer")]
    if len(rates) != len(_check_params(params)) - 1:
        raise ValueError(f"drop_rates needs one rate per hidden layer ({len(params) - 1}); got {len(rates)}")
    if params[0][0].shape[0] != 1:
        raise ValueError(f"params must hold one model (models axis of length 1, e.g. sweep.model(k)); got "
                         f"{params[0][0].shape[0]}")
    num_samples, chunk, _ = positive_int(num_samples, "num_samples"), positive_int(chunk, "chunk"), check_seed(seed)
    one_of(activation, "activation", ACTIVATIONS)
    X = _check_inputs(params, X)
    rng = rng_for(seed, "models.mc_dropout")
    widths = [W.shape[-1] for W, _ in params[:-1]]
    out = []
    for start in range(0, num_samples, chunk):
        count = min(chunk, num_samples - start)
        masks = [(rng.random((count, len(X), w)) >= p) / (1 - p) for w, p in zip(widths, rates)]
        logits = mlp_forward(params, X, activation, masks).logits   # the model axis broadcasts over the samples
        out.append(1 / (1 + np.exp(-logits)))
    return np.concatenate(out)
