"""Training with L2 (weight decay) and L1 penalties, in NumPy: one model or many at once (Chapter 2).

All models of a sweep share the data and the minibatch order, so a sweep over K penalties is one
batched computation: each step is a (K, d) matrix update instead of K separate Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab import models
from reglab._random import rng_for
from reglab._validate import positive_int, real_number
from reglab.data import Dataset

L1_METHODS = ("proximal", "subgradient")


@dataclass
class History:
    """One run: losses and ||w||_2 per epoch (epoch 0 = before training), final weights, and why it failed if it did."""

    weight_decay: float
    l1: float
    epochs: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    test_loss: np.ndarray
    w_norm: np.ndarray
    w: np.ndarray
    b: float
    failure: str | None = None


@dataclass
class Sweep:
    """K runs trained together: row k of every array belongs to (weight_decays[k], l1s[k])."""

    weight_decays: np.ndarray
    l1s: np.ndarray
    epochs: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    test_loss: np.ndarray
    w_norm: np.ndarray
    W: np.ndarray
    b: np.ndarray
    failures: list

    def history(self, k: int) -> History:
        """Run k as a History."""
        return History(float(self.weight_decays[k]), float(self.l1s[k]), self.epochs, self.train_loss[k],
                       self.val_loss[k], self.test_loss[k], self.w_norm[k], self.W[k], float(self.b[k]),
                       self.failures[k])

    def best(self) -> int:
        """Index of the run with the lowest final validation loss (diverged runs excluded)."""
        final = np.where([f is None for f in self.failures], self.val_loss[:, -1], np.inf)
        return int(np.argmin(final))


def penalty_strength(value, name: str) -> float:
    """A penalty coefficient: a finite real number >= 0."""
    value = real_number(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (0 means no penalty); got {name}={value:g}")
    return value


def learning_rate(lr) -> float:
    """A learning rate: a finite real number > 0."""
    lr = real_number(lr, "lr")
    if lr <= 0:
        raise ValueError(f"lr must be > 0; got lr={lr:g}")
    return lr


def minibatches(num_examples: int, batch_size: int, num_epochs: int, rng):
    """Index arrays of the minibatches, epoch by epoch: a fresh permutation from rng each epoch."""
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        yield [order[i:i + batch_size] for i in range(0, num_examples, batch_size)]


def soft_threshold(w, threshold):
    """The proximal step of the L1 penalty: shrink every weight towards 0 by threshold, and stop at exactly 0."""
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0


def _loss(X, y, W, b):
    """Half mean squared error of each of the K models (W: (K, d), b: (K,))."""
    residual = X @ W.T + b - y[:, None]
    return 0.5 * np.mean(residual ** 2, axis=0)


DIVERGENCE_FACTOR = 1e6


def _first_divergence(losses):
    """Per run, the first record where the loss is not finite or has grown DIVERGENCE_FACTOR-fold; -1 if none."""
    ok = np.isfinite(losses) & (losses <= DIVERGENCE_FACTOR * (np.abs(losses[:, :1]) + 1.0))
    return np.where(ok.all(1), -1, np.argmin(ok, axis=1))


def _divergence_message(lr, weight_decay, epoch):
    message = (f"training diverged in epoch {epoch}: the loss became infinite, NaN or over "
               f"{DIVERGENCE_FACTOR:.0e} times its starting value.")
    if lr * weight_decay > 2:
        return message + (f" lr × weight_decay = {lr * weight_decay:.3g} > 2, so the decay factor "
                          f"1 − lr·weight_decay is below −1 and the weights grow each step. Lower lr or weight_decay.")
    return message + " Lower the learning rate lr."


def sweep_linear_regression(data: Dataset, weight_decays=(0.0,), l1s=None, lr=0.003, num_epochs=100, batch_size=5,
                            seed=0, l1_method="proximal", init_scale=1.0) -> Sweep:
    """Train one linear model per penalty pair (weight_decays[k], l1s[k]) with minibatch SGD, all at once.

    Loss: half mean squared error + weight_decay/2 ||w||^2 + l1 ||w||_1; the bias is never penalised.
    Weights start at N(0, init_scale^2) from the seed (as in d2l), the bias at 0.
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a reglab.data.Dataset; got {type(data).__name__}")
    weight_decays = np.array([penalty_strength(v, "weight_decay") for v in np.atleast_1d(weight_decays)])
    l1s = np.zeros_like(weight_decays) if l1s is None else np.array(
        [penalty_strength(v, "l1") for v in np.atleast_1d(l1s)])
    if len(l1s) != len(weight_decays):
        raise ValueError(f"weight_decays and l1s must have the same length; got {len(weight_decays)} and {len(l1s)}")
    lr, num_epochs = learning_rate(lr), positive_int(num_epochs, "num_epochs")
    init_scale = penalty_strength(init_scale, "init_scale")
    X, y = data.train.X, data.train.y
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > len(y):
        raise ValueError(f"batch_size must be between 1 and the number of training examples ({len(y)}); "
                         f"got {batch_size}")
    if l1_method not in L1_METHODS:
        raise ValueError(f"l1_method must be one of {L1_METHODS}; got {l1_method!r}")

    K, d = len(weight_decays), X.shape[1]
    rng = rng_for(seed, "train.linear_regression")
    W = np.tile(rng.normal(0.0, init_scale, d), (K, 1))  # every run starts from the same seeded weights
    b = np.zeros(K)
    snapshots_W, snapshots_b = np.empty((num_epochs + 1, K, d)), np.empty((num_epochs + 1, K))
    decay, shrink, l1_col = (1 - lr * weight_decays)[:, None], (lr * l1s)[:, None], l1s[:, None]
    use_l1 = bool(l1s.any())
    snapshots_W[0], snapshots_b[0] = W, b
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, num_epochs + 1):
            order = rng.permutation(len(y))
            X_epoch, y_epoch = X[order], y[order]                   # slicing these is cheaper than X[idx]
            for start in range(0, len(y), batch_size):
                Xb, yb = X_epoch[start:start + batch_size], y_epoch[start:start + batch_size]
                residual = Xb @ W.T + b - yb[:, None]               # (B, K)
                grad_W = residual.T @ Xb / len(yb)                  # (K, d): gradient of the data loss
                b = b - lr * residual.mean(0)
                if not use_l1:
                    W = decay * W - lr * grad_W                     # the weight-decay update (1 - lr λ) w - lr ∇L
                elif l1_method == "subgradient":
                    W = decay * W - lr * (grad_W + l1_col * np.sign(W))
                else:
                    W = soft_threshold(decay * W - lr * grad_W, shrink)
            snapshots_W[epoch], snapshots_b[epoch] = W, b
        # Every epoch's losses at once: one matmul per split over all (epoch, model) weight vectors.
        flat_W, flat_b = snapshots_W.reshape(-1, d), snapshots_b.reshape(-1)
        curves = {name: _loss(split.X, split.y, flat_W, flat_b).reshape(num_epochs + 1, K).T
                  for name, split in (("train", data.train), ("val", data.val), ("test", data.test))}
        curves["norm"] = np.sqrt((snapshots_W ** 2).sum(-1)).T
    failed_at = _first_divergence(curves["train"])
    failures = [None if e < 0 else _divergence_message(lr, wd, e) for e, wd in zip(failed_at, weight_decays)]
    return Sweep(weight_decays, l1s, np.arange(num_epochs + 1), curves["train"], curves["val"], curves["test"],
                 curves["norm"], W, b, failures)


def train_linear_regression(data: Dataset, weight_decay=0.0, l1=0.0, lr=0.003, num_epochs=100, batch_size=5, seed=0,
                            l1_method="proximal", init_scale=1.0) -> History:
    """Train one linear model with minibatch SGD and an L2 (weight_decay) and/or L1 penalty; return its History."""
    return sweep_linear_regression(data, [weight_decay], [l1], lr, num_epochs, batch_size, seed, l1_method,
                                   init_scale).history(0)


def ridge_closed_form(X, y, weight_decay):
    """Exact minimiser (w, b) of half mean squared error + weight_decay/2 ||w||^2, with the bias not penalised."""
    weight_decay = penalty_strength(weight_decay, "weight_decay")
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    x_mean, y_mean = X.mean(0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    n, d = Xc.shape
    if weight_decay == 0:
        w = np.linalg.pinv(Xc) @ yc  # the minimum-norm interpolating solution when d > n
    else:
        w = np.linalg.solve(Xc.T @ Xc / n + weight_decay * np.eye(d), Xc.T @ yc / n)
    return w, float(y_mean - x_mean @ w)


def weight_decay_step(w, grad, lr, weight_decay):
    """One SGD step on loss + weight_decay/2 ||w||^2: w <- (1 - lr weight_decay) w - lr grad."""
    return (1 - learning_rate(lr) * penalty_strength(weight_decay, "weight_decay")) * w - lr * grad


def component_outside_span(w, X):
    """The part of w orthogonal to every row of X: what gradient steps on a loss of X @ w never change (Chapter 2)."""
    w, X = np.asarray(w, dtype=float), np.asarray(X, dtype=float)
    basis = np.linalg.svd(X, full_matrices=False)[2]           # rows: orthonormal basis of the span of X's rows
    basis = basis[np.linalg.svd(X, compute_uv=False) > 1e-10 * max(X.shape) * np.abs(X).max()]
    return w - basis.T @ (basis @ w)


def shrinkage_factor(singular_values, weight_decay):
    """s^2 / (s^2 + λ): how much ridge keeps of the least-squares fit along a direction with singular value s."""
    s = np.asarray(singular_values, dtype=float)
    weight_decay = penalty_strength(weight_decay, "weight_decay")
    return np.divide(s ** 2, s ** 2 + weight_decay, out=np.zeros_like(s), where=s ** 2 + weight_decay > 0)


@dataclass
class RidgeSpectrum:
    """Centred inputs / sqrt(n) = U diag(singular_values) directions^T, and ridge's factor along each direction."""

    singular_values: np.ndarray
    directions: np.ndarray
    factors: np.ndarray
    weight_decay: float


def ridge_spectrum(X, weight_decay) -> RidgeSpectrum:
    """SVD of the centred X / sqrt(n) and the shrinkage factor s_i^2/(s_i^2 + λ) of ridge along each direction."""
    X = np.asarray(X, dtype=float)
    Xc = (X - X.mean(0)) / np.sqrt(len(X))
    _, s, Vt = np.linalg.svd(Xc, full_matrices=True)
    s = np.concatenate([s, np.zeros(Vt.shape[0] - len(s))])    # directions the data never sees have s = 0
    s[s < 1e-12 * max(Xc.shape) * s.max()] = 0.0                # so do those lost to centring (rounding only)
    return RidgeSpectrum(s, Vt.T, shrinkage_factor(s, weight_decay), float(weight_decay))


@dataclass
class ClassifierSweep:
    """K MLP classifiers trained together: row k belongs to (weight_decays[k], l1s[k], drop_rates[k]).

    Curves are recorded every few steps with dropout off (eval mode), except masked_loss: the training loss
    under that step's dropout masks, the noisy quantity the optimizer actually sees.
    """

    weight_decays: np.ndarray
    l1s: np.ndarray
    drop_rates: np.ndarray
    activation: str
    steps: np.ndarray
    train_loss: np.ndarray
    masked_loss: np.ndarray
    val_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    test_acc: np.ndarray
    w_norm: np.ndarray
    params: list
    failures: list

    def model(self, k: int) -> list:
        """Parameters of run k, keeping a model axis of length 1."""
        return [(W[k:k + 1], b[k:k + 1]) for W, b in self.params]


def _per_model(values, K, name):
    """values (one row per model) with a single row repeated K times; any other count is an error."""
    if len(values) == 1:
        return np.repeat(values, K, 0)
    if len(values) != K:
        raise ValueError(f"{name} must have one entry per model ({K}) or a single entry; got {len(values)}")
    return values


def _drop_rate_rows(drop_rates, num_layers):
    """drop_rates as (models, hidden layers): each entry is one rate for every layer or one rate per layer."""
    from reglab.dropout import check_rate

    rows = []
    for entry in drop_rates:
        rates = [check_rate(r) for r in np.atleast_1d(entry)]
        if len(rates) not in (1, num_layers):
            raise ValueError(f"each drop_rates entry needs 1 rate or one per hidden layer ({num_layers}); "
                             f"got {len(rates)}")
        rows.append(np.broadcast_to(rates, (num_layers,)))
    return np.array(rows, dtype=float)


def sweep_classifier(data: Dataset, weight_decays=(0.0,), l1s=None, drop_rates=None, hidden=(32, 32),
                     activation="tanh", lr=0.01, num_steps=1000, seed=0, record_every=25) -> ClassifierSweep:
    """Full-batch Adam on BCE + weight_decay/2 ||W||^2 + l1 ||W||_1 (biases free), one MLP per setting, all at once.

    weight_decays, l1s, drop_rates: one entry per model (a single entry is used for every model). A drop_rates
    entry is one rate for every hidden layer or a sequence of one rate per hidden layer (inverted dropout after
    each hidden layer). All models share one uniform draw U per unit and step and keep a unit when U >= its rate,
    so a model's masks do not depend on which other models train beside it.
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a reglab.data.Dataset; got {type(data).__name__}")
    hidden = [positive_int(h, "hidden sizes") for h in hidden]
    weight_decays = np.array([penalty_strength(v, "weight_decay") for v in np.atleast_1d(weight_decays)])
    l1s = np.array([penalty_strength(v, "l1") for v in np.atleast_1d(0.0 if l1s is None else l1s)])
    drop_rates = _drop_rate_rows([0.0] if drop_rates is None else drop_rates, len(hidden))
    K = max(len(weight_decays), len(l1s), len(drop_rates))
    weight_decays, l1s = _per_model(weight_decays, K, "weight_decays"), _per_model(l1s, K, "l1s")
    drop_rates = _per_model(drop_rates, K, "drop_rates")
    lr, num_steps = learning_rate(lr), positive_int(num_steps, "num_steps")
    record_every = positive_int(record_every, "record_every")
    params = models.init_mlp([data.train.X.shape[1], *hidden, 1], activation, K, seed)
    mask_rng = rng_for(seed, "train.dropout_masks")
    keep = 1.0 - drop_rates                                 # (K, layers)
    scale = np.divide(1.0, keep, out=np.zeros_like(keep), where=keep > 0)
    use_dropout = bool(drop_rates.any())
    theta = models.flat_view(params)                        # (K, P): every parameter of every model
    grad = np.zeros_like(theta)
    grad_views = models.unflatten(grad, models.shapes_of(params))
    is_weight = np.zeros_like(theta, dtype=bool)
    for W, _ in models.unflatten(is_weight, models.shapes_of(params)):
        W[...] = True                                       # biases are not penalised
    decay, l1_strength = weight_decays[:, None] * is_weight, l1s[:, None] * is_weight
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    recorded = [s for s in range(num_steps + 1) if s % record_every == 0 or s == num_steps]
    curves = {name: np.empty((K, len(recorded)))
              for name in ("train", "masked", "val", "test", "train_acc", "val_acc", "test_acc", "norm")}
    X, y = data.train.X, data.train.y
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(num_steps + 1):
            masks = None
            if use_dropout:
                masks = [(mask_rng.random((len(y), width)) >= drop_rates[:, l, None, None]) * scale[:, l, None, None]
                         for l, width in enumerate(hidden)]
            logits, cache = models.mlp_forward(params, X, activation, masks)
            loss, dlogits = models.bce_with_logits(logits, y)
            if step in recorded:
                i = recorded.index(step)
                curves["masked"][:, i] = loss
                if use_dropout:
                    logits = models.mlp_forward(params, X, activation)[0]   # eval mode: no masks
                curves["train"][:, i] = models.bce_with_logits(logits, y)[0]
                curves["train_acc"][:, i] = ((logits > 0) == (y > 0.5)).mean(-1)
                for split in ("val", "test"):
                    part = getattr(data, split)
                    split_logits = models.mlp_forward(params, part.X, activation)[0]
                    curves[split][:, i] = models.bce_with_logits(split_logits, part.y)[0]
                    curves[f"{split}_acc"][:, i] = ((split_logits > 0) == (part.y > 0.5)).mean(-1)
                curves["norm"][:, i] = models.weight_norm(params)
            if step == num_steps:
                break
            for (gW, gb), (dW, db) in zip(grad_views, models.mlp_backward(params, cache, dlogits, activation, masks)):
                gW[...], gb[...] = dW, db
            grad += decay * theta                           # gradient of weight_decay/2 ||W||^2
            if l1s.any():
                grad += l1_strength * np.sign(theta)        # a subgradient of l1 ||W||_1
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad * grad
            t = step + 1
            theta -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)  # Adam, in place
    failures = [None if step < 0 else f"training diverged by step {recorded[step]}: the loss became infinite, NaN "
                f"or over {DIVERGENCE_FACTOR:.0e} times its starting value. Lower lr or weight_decay."
                for step in _first_divergence(curves["train"])]
    return ClassifierSweep(weight_decays, l1s, drop_rates, activation, np.array(recorded), curves["train"],
                           curves["masked"], curves["val"], curves["test"], curves["train_acc"], curves["val_acc"],
                           curves["test_acc"], curves["norm"], params, failures)


def train_classifier(data: Dataset, weight_decay=0.0, l1=0.0, drop_rates=(0.0,), hidden=(32, 32), activation="tanh",
                     lr=0.01, num_steps=1000, seed=0, record_every=25) -> ClassifierSweep:
    """One MLP classifier (a sweep of length 1; index 0 of its arrays); drop_rates: one rate, or one per layer."""
    return sweep_classifier(data, [weight_decay], [l1], [drop_rates], hidden, activation, lr, num_steps, seed,
                            record_every)
