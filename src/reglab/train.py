"""Training with L2 (weight decay) and L1 penalties, in NumPy: one model or many at once (Chapter 2).

All models of a sweep share the data and the minibatch order, so a sweep over K penalties is one
batched computation: each step is a (K, d) matrix update instead of K separate Python loops.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from reglab import models
from reglab._random import rng_for
from reglab._validate import (common_length, dataset_arrays, index, learning_rate, nonnegative, numeric_array,
                              numpy_generator, one_of, penalties, penalty_strength, positive_int, positive_ints, rate,
                              same_kind, targets01)
from reglab._validate import seed as check_seed
from reglab.data import Dataset

__all__ = ["ClassifierRun", "ClassifierSweep", "DIVERGENCE_FACTOR", "L1_METHODS", "RegressionRun", "RegressionSweep", "ShrinkageCurves",
           "learning_rate", "minibatches", "penalty_strength", "ridge_closed_form", "shrinkage_curves", "soft_threshold",
           "sweep_classifier", "sweep_linear_regression", "train_classifier", "train_linear_regression",
           "weight_decay_step"]

L1_METHODS = ("proximal", "subgradient")
VALIDATION_METRICS = {"val_loss": np.argmin, "val_acc": np.argmax}   # how best() picks on each metric


def _best_index(curves, failures, metric, allowed):
    """Index of the run with the best final value of a validation metric, diverged runs excluded."""
    if metric not in allowed:
        raise ValueError(f"metric must be one of {allowed} (settings are chosen on validation data, never on "
                         f"test data); got {metric!r}")
    final = np.asarray(curves, dtype=float)[:, -1]
    what = "validation loss" if metric == "val_loss" else "validation accuracy"
    alive = np.array([f is None for f in failures])
    if not alive.any():
        raise ValueError(f"no run to choose: every run diverged (see .failures); lower lr or the penalties")
    ok = alive & np.isfinite(final)
    if not ok.any():
        raise ValueError(f"the final {what} ({metric}) is not finite for any run that trained, so no setting can be "
                         f"chosen on it; check that the validation split is not empty and holds finite values")
    pick = VALIDATION_METRICS[metric]
    candidates = np.flatnonzero(ok)
    return int(candidates[pick(final[candidates])])


@dataclass
class RegressionRun:
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
class RegressionSweep:
    """K runs trained together: a sequence of RegressionRun (sweep[k]); row k of every array belongs to run k."""

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

    def __len__(self) -> int:
        return len(self.weight_decays)

    def __getitem__(self, k) -> RegressionRun:
        """Run k (negative k counts from the end)."""
        k = index(k, len(self))
        return RegressionRun(float(self.weight_decays[k]), float(self.l1s[k]), self.epochs, self.train_loss[k],
                             self.val_loss[k], self.test_loss[k], self.w_norm[k], self.W[k], float(self.b[k]),
                             self.failures[k])

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    def best(self, metric="val_loss") -> int:
        """Index of the run with the lowest final validation loss (diverged runs excluded)."""
        return _best_index(self.val_loss, self.failures, metric, ("val_loss",))


def minibatches(num_examples: int, batch_size: int, num_epochs: int, rng):
    """Index arrays of the minibatches, epoch by epoch: a fresh permutation from rng each epoch."""
    num_examples, batch_size = positive_int(num_examples, "num_examples"), positive_int(batch_size, "batch_size")
    num_epochs, _ = positive_int(num_epochs, "num_epochs"), numpy_generator(rng)
    for _ in range(num_epochs):
        order = rng.permutation(num_examples)
        yield [order[i:i + batch_size] for i in range(0, num_examples, batch_size)]


def soft_threshold(w, threshold):
    """The proximal step of the L1 penalty: shrink every weight towards 0 by threshold, and stop at exactly 0."""
    w = numeric_array(w, "w")
    if np.ndim(threshold) == 0:
        threshold = nonnegative(threshold, "threshold", meaning=" (a shrinkage; a negative one would grow the weights)")
    elif (numeric_array(threshold, "threshold") < 0).any():
        raise ValueError("threshold must be >= 0 everywhere (a negative one would grow the weights)")
    return _soft_threshold(w, threshold)


def _soft_threshold(w, threshold):
    """soft_threshold without checks, for the training loop (where diverging weights are reported, not refused)."""
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
                            seed=0, l1_method="proximal", init_scale=1.0) -> RegressionSweep:
    """Train one linear model per penalty pair (weight_decays[k], l1s[k]) with minibatch SGD, all at once.

    Loss: half mean squared error + weight_decay/2 ||w||^2 + l1 ||w||_1; the bias is never penalised.
    Weights start at N(0, init_scale^2) from the seed (as in d2l), the bias at 0.
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a reglab.data.Dataset; got {type(data).__name__}")
    dataset_arrays(data)
    weight_decays = penalties(weight_decays, "weight_decays", "weight_decay")
    l1s = np.zeros_like(weight_decays) if l1s is None else penalties(l1s, "l1s", "l1")
    check_seed(seed)
    if len(l1s) != len(weight_decays):
        raise ValueError(f"weight_decays and l1s must have the same length; got {len(weight_decays)} and {len(l1s)}")
    lr, num_epochs = learning_rate(lr), positive_int(num_epochs, "num_epochs")
    init_scale = penalty_strength(init_scale, "init_scale")
    X, y = data.train.X, data.train.y
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > len(y):
        raise ValueError(f"batch_size must be between 1 and the number of training examples ({len(y)}); "
                         f"got {batch_size}")
    one_of(l1_method, "l1_method", L1_METHODS)

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
                    W = _soft_threshold(decay * W - lr * grad_W, shrink)
            snapshots_W[epoch], snapshots_b[epoch] = W, b
        # Every epoch's losses at once: one matmul per split over all (epoch, model) weight vectors.
        flat_W, flat_b = snapshots_W.reshape(-1, d), snapshots_b.reshape(-1)
        curves = {name: _loss(split.X, split.y, flat_W, flat_b).reshape(num_epochs + 1, K).T
                  for name, split in (("train", data.train), ("val", data.val), ("test", data.test))}
        curves["norm"] = np.sqrt((snapshots_W ** 2).sum(-1)).T
    failed_at = _first_divergence(curves["train"])
    failures = [None if e < 0 else _divergence_message(lr, wd, e) for e, wd in zip(failed_at, weight_decays)]
    return RegressionSweep(weight_decays, l1s, np.arange(num_epochs + 1), curves["train"], curves["val"],
                           curves["test"], curves["norm"], W, b, failures)


def train_linear_regression(data: Dataset, weight_decay=0.0, l1=0.0, lr=0.003, num_epochs=100, batch_size=5, seed=0,
                            l1_method="proximal", init_scale=1.0) -> RegressionRun:
    """Train one linear model with minibatch SGD and an L2 (weight_decay) and/or L1 penalty; return its run."""
    return sweep_linear_regression(data, [weight_decay], [l1], lr, num_epochs, batch_size, seed, l1_method,
                                   init_scale)[0]


def ridge_closed_form(X, y, weight_decay):
    """Exact minimiser (w, b) of half mean squared error + weight_decay/2 ||w||^2, with the bias not penalised."""
    weight_decay = penalty_strength(weight_decay, "weight_decay")
    X, y = numeric_array(X, "X", 2, "(examples, features)"), numeric_array(y, "y", 1, "(one target per example)")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of examples; got {len(X)} rows in X and {len(y)} in y")
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
    w, grad = numeric_array(w, "w"), numeric_array(grad, "grad")
    same_kind(w, grad, "w", "grad")
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
class ShrinkageCurves:
    """shrinkage_factor on a log grid of singular values, one row per λ, and at the data's non-zero values (seen)."""

    weight_decays: list
    grid: np.ndarray
    factors: np.ndarray
    seen: np.ndarray
    seen_factors: np.ndarray


def shrinkage_curves(singular_values, weight_decays, num_points=200) -> ShrinkageCurves:
    """Ridge's factor s²/(s²+λ) for each λ over a grid spanning the data's singular values (Chapter 2)."""
    s = numeric_array(singular_values, "singular_values", 1, "(one singular value per direction)")
    weight_decays = [penalty_strength(lam, "weight_decays entries") for lam in weight_decays]
    grid = np.logspace(-2, np.log10(max(float(s.max()), 1e-2) * 1.5), positive_int(num_points, "num_points"))
    seen = s[s > 0]
    return ShrinkageCurves(weight_decays, grid, np.array([shrinkage_factor(grid, lam) for lam in weight_decays]),
                           seen, np.array([shrinkage_factor(seen, lam) for lam in weight_decays]))


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
class ClassifierRun:
    """One MLP classifier: its settings, curves per recorded epoch, parameters, and why it failed if it did.

    Curves are recorded every few epochs with dropout off (eval mode), except masked_loss: the training loss
    under that epoch's dropout masks, the noisy quantity the optimizer actually sees. params keep a model axis
    of length 1, so every reglab.models function applies to them.
    """

    weight_decay: float
    l1: float
    drop_rates: np.ndarray
    activation: str
    epochs: np.ndarray
    train_loss: np.ndarray
    masked_loss: np.ndarray
    val_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    test_acc: np.ndarray
    w_norm: np.ndarray
    params: list
    failure: str | None = None

    @property
    def hidden_sizes(self) -> tuple:
        """Widths of the hidden layers."""
        return tuple(W.shape[-1] for W, _ in self.params[:-1])

    @property
    def grid(self) -> np.ndarray | None:
        """Coordinates of the square grid over the plane on which grid_probs is computed (2-D inputs only)."""
        return models.PLANE_GRID if self.params[0][0].shape[-2] == 2 else None

    @functools.cached_property
    def grid_probs(self) -> np.ndarray | None:
        """Probability of class 1 over grid × grid (rows follow the second feature), computed once when asked."""
        if self.grid is None:
            return None
        with np.errstate(over="ignore", invalid="ignore"):
            probs = models.predict_proba(self.params, models.plane_points(self.grid), self.activation)[0]
        return probs.reshape(len(self.grid), len(self.grid))


@dataclass
class ClassifierSweep:
    """K MLP classifiers trained together: a sequence of ClassifierRun (sweep[k]) with stacked curves (K, records).

    Row k of every array belongs to (weight_decays[k], l1s[k], drop_rates[k]); params are batched over the K models.
    """

    weight_decays: np.ndarray
    l1s: np.ndarray
    drop_rates: np.ndarray
    activation: str
    epochs: np.ndarray
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

    def __len__(self) -> int:
        return len(self.weight_decays)

    def __getitem__(self, k) -> ClassifierRun:
        """Run k (negative k counts from the end), its params keeping a model axis of length 1."""
        k = index(k, len(self))
        curves = [getattr(self, name)[k] for name in ("train_loss", "masked_loss", "val_loss", "test_loss",
                                                      "train_acc", "val_acc", "test_acc", "w_norm")]
        return ClassifierRun(float(self.weight_decays[k]), float(self.l1s[k]), self.drop_rates[k], self.activation,
                             self.epochs, *curves, [(W[k:k + 1], b[k:k + 1]) for W, b in self.params],
                             self.failures[k])

    def __iter__(self):
        return (self[k] for k in range(len(self)))

    def best(self, metric="val_acc") -> int:
        """Index of the run with the best final validation accuracy ('val_acc') or loss ('val_loss')."""
        return _best_index(getattr(self, metric, [[]]), self.failures, metric, tuple(VALIDATION_METRICS))


def _per_model(values, K, name):
    """values (one row per model) with a single row repeated K times; any other count is an error."""
    if len(values) == 1:
        return np.repeat(values, K, 0)
    if len(values) != K:
        raise ValueError(f"{name} must have one entry per model ({K}) or a single entry; got {len(values)}")
    return values


def _drop_rate_rows(drop_rates, num_layers):
    """drop_rates as (models, hidden layers): each entry is one rate for every layer or one rate per layer."""
    rows = []
    many = isinstance(drop_rates, (list, tuple)) or (isinstance(drop_rates, np.ndarray) and drop_rates.ndim > 0)
    for entry in (drop_rates if many else [drop_rates]):
        rates = [rate(r, "drop_rates entries", below_one=True) for r in np.atleast_1d(entry)]
        if len(rates) not in (1, num_layers):
            raise ValueError(f"each drop_rates entry needs 1 rate or one per hidden layer ({num_layers}); "
                             f"got {len(rates)}")
        rows.append(np.broadcast_to(rates, (num_layers,)))
    return np.array(rows, dtype=float)


def sweep_classifier(data: Dataset, weight_decays=(0.0,), l1s=None, drop_rates=None, hidden_sizes=(32, 32),
                     activation="tanh", lr=0.01, num_epochs=1000, seed=0, record_every=25) -> ClassifierSweep:
    """Full-batch Adam on BCE + weight_decay/2 ||W||^2 + l1 ||W||_1 (biases free), one MLP per setting, all at once.

    Training is full-batch, so one Adam step is one epoch: num_epochs steps, curves recorded every record_every.

    weight_decays, l1s, drop_rates: one entry per model (a single entry is used for every model). A drop_rates
    entry is one rate for every hidden layer or a sequence of one rate per hidden layer (inverted dropout after
    each hidden layer). All models share one uniform draw U per unit and step and keep a unit when U >= its rate,
    so a model's masks do not depend on which other models train beside it.
    """
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a reglab.data.Dataset; got {type(data).__name__}")
    dataset_arrays(data)
    hidden = positive_ints(hidden_sizes, "hidden_sizes")
    weight_decays = penalties(weight_decays, "weight_decays", "weight_decay")
    l1s = penalties(0.0 if l1s is None else l1s, "l1s", "l1")
    drop_rates = _drop_rate_rows([0.0] if drop_rates is None else drop_rates, len(hidden))
    K = common_length({"weight_decays": len(weight_decays), "l1s": len(l1s), "drop_rates": len(drop_rates)})
    one_of(activation, "activation", models.ACTIVATIONS)
    check_seed(seed)
    for split in ("train", "val", "test"):
        targets01(getattr(data, split).y, f"data.{split}.y")
    weight_decays, l1s = _per_model(weight_decays, K, "weight_decays"), _per_model(l1s, K, "l1s")
    drop_rates = _per_model(drop_rates, K, "drop_rates")
    lr, num_epochs = learning_rate(lr), positive_int(num_epochs, "num_epochs")
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
    recorded = [s for s in range(num_epochs + 1) if s % record_every == 0 or s == num_epochs]
    curves = {name: np.empty((K, len(recorded)))
              for name in ("train", "masked", "val", "test", "train_acc", "val_acc", "test_acc", "norm")}
    X, y = data.train.X, data.train.y
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(num_epochs + 1):
            masks = None
            if use_dropout:
                masks = [(mask_rng.random((len(y), width)) >= drop_rates[:, l, None, None]) * scale[:, l, None, None]
                         for l, width in enumerate(hidden)]
            forward = models.mlp_forward(params, X, activation, masks)
            logits, cache = forward.logits, forward.cache
            bce = models.bce_with_logits(logits, y)
            loss, dlogits = bce.loss, bce.grad
            if step in recorded:
                i = recorded.index(step)
                curves["masked"][:, i] = loss
                if use_dropout:
                    logits = models.mlp_forward(params, X, activation).logits   # eval mode: no masks
                curves["train"][:, i] = models.bce_with_logits(logits, y).loss
                curves["train_acc"][:, i] = ((logits > 0) == (y > 0.5)).mean(-1)
                for split in ("val", "test"):
                    part = getattr(data, split)
                    split_logits = models.mlp_forward(params, part.X, activation).logits
                    curves[split][:, i] = models.bce_with_logits(split_logits, part.y).loss
                    curves[f"{split}_acc"][:, i] = ((split_logits > 0) == (part.y > 0.5)).mean(-1)
                curves["norm"][:, i] = models.weight_norm(params)
            if step == num_epochs:
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
    failures = [None if step < 0 else f"training diverged by epoch {recorded[step]}: the loss became infinite, NaN "
                f"or over {DIVERGENCE_FACTOR:.0e} times its starting value. Lower lr or weight_decay."
                for step in _first_divergence(curves["train"])]
    return ClassifierSweep(weight_decays, l1s, drop_rates, activation, np.array(recorded), curves["train"],
                           curves["masked"], curves["val"], curves["test"], curves["train_acc"], curves["val_acc"],
                           curves["test_acc"], curves["norm"], params, failures)


def train_classifier(data: Dataset, weight_decay=0.0, l1=0.0, drop_rate=0.0, drop_rates=None, hidden_sizes=(32, 32),
                     activation="tanh", lr=0.01, num_epochs=1000, seed=0, record_every=25) -> ClassifierRun:
    """One MLP classifier trained with full-batch Adam (one step is one epoch; see sweep_classifier).

    drop_rate: one rate for every hidden layer; or drop_rates: one rate per hidden layer.
    """
    if drop_rates is not None and drop_rate != 0.0:
        raise ValueError(f"give drop_rate (one rate for every hidden layer) or drop_rates (one per hidden layer), "
                         f"not both; got drop_rate={drop_rate!r} and drop_rates={drop_rates!r}")
    rates = drop_rate if drop_rates is None else drop_rates
    return sweep_classifier(data, [weight_decay], [l1], [rates], hidden_sizes, activation, lr, num_epochs, seed,
                            record_every)[0]
