"""The Chapter 2 linear model in PyTorch: from scratch with autograd, and concise with torch.optim.

Both start from the same seeded weights and see the same minibatches as reglab.train, so the three
implementations can be checked against each other curve for curve.
"""

from __future__ import annotations

import numbers
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch

from reglab._random import rng_for
from reglab._validate import (class_labels, dataset_arrays, learning_rate, nonnegative, one_of, penalty_strength,
                              positive_int, positive_ints, sequence, torch_generator)
from reglab._validate import rate as check_rate
from reglab._validate import seed as check_seed
from reglab.data import Dataset, Split
from reglab.train import RegressionRun, _first_divergence, minibatches

__all__ = ["DigitsComparison", "DigitsRun", "DropoutLayer", "compare_digits", "OPTIMIZERS", "STYLES", "accuracy", "digits_mlp", "make_optimizer",
           "train_digits", "train_linear_regression_torch"]

OPTIMIZERS = ("sgd", "adam", "adamw")
STYLES = ("scratch", "concise")


def _half_mse(X, y, w, b):
    return 0.5 * ((X @ w + b - y) ** 2).mean()


def make_optimizer(name, weights, bias, lr, weight_decay):
    """torch optimizer with weight decay on the weights only: the bias sits in a parameter group without it."""
    one_of(name, "optimizer", OPTIMIZERS)
    lr, weight_decay = learning_rate(lr), penalty_strength(weight_decay, "weight_decay")
    groups = [{"params": [weights], "weight_decay": weight_decay}, {"params": [bias], "weight_decay": 0.0}]
    if name == "sgd":
        return torch.optim.SGD(groups, lr=lr)
    if name == "adam":
        return torch.optim.Adam(groups, lr=lr)  # adds weight_decay * w to the gradient (L2 penalty)
    if name == "adamw":
        return torch.optim.AdamW(groups, lr=lr)  # decays w directly, outside the adaptive step
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {name!r}")


def train_linear_regression_torch(data: Dataset, weight_decay=0.0, lr=0.003, num_epochs=100, batch_size=5, seed=0,
                                  style="concise", optimizer="sgd", init_scale=1.0, dtype=torch.float64) -> RegressionRun:
    """Minibatch training of y ≈ X w + b in PyTorch; style 'scratch' adds the penalty to the loss by hand."""
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a reglab.data.Dataset; got {type(data).__name__}")
    dataset_arrays(data)
    weight_decay, lr = penalty_strength(weight_decay, "weight_decay"), learning_rate(lr)
    num_epochs, batch_size = positive_int(num_epochs, "num_epochs"), positive_int(batch_size, "batch_size")
    init_scale, _ = nonnegative(init_scale, "init_scale"), check_seed(seed)
    if batch_size > len(data.train):
        raise ValueError(f"batch_size must be between 1 and the number of training examples ({len(data.train)}); "
                         f"got {batch_size}")
    one_of(style, "style", STYLES)
    one_of(optimizer, "optimizer", OPTIMIZERS)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point torch dtype (torch.float64 or torch.float32); got {dtype!r}")
    if style == "scratch" and optimizer != "sgd":
        raise ValueError("style='scratch' implements plain SGD only; use style='concise' for adam or adamw")
    rng = rng_for(seed, "train.linear_regression")  # the same stream as reglab.train: same init, same batches
    splits = {name: (torch.as_tensor(s.X, dtype=dtype), torch.as_tensor(s.y, dtype=dtype))
              for name, s in (("train", data.train), ("val", data.val), ("test", data.test))}
    w = torch.as_tensor(rng.normal(0.0, init_scale, data.train.X.shape[1]), dtype=dtype).requires_grad_()
    b = torch.zeros((), dtype=dtype, requires_grad=True)
    opt = make_optimizer(optimizer, w, b, lr, weight_decay) if style == "concise" else None
    curves = {name: [] for name in ("train", "val", "test", "norm")}

    def record():
        with torch.no_grad():
            for name, (X, y) in splits.items():
                curves[name].append(_half_mse(X, y, w, b).item())
            curves["norm"].append(torch.linalg.vector_norm(w).item())

    record()
    X, y = splits["train"]
    for batches in minibatches(len(y), batch_size, num_epochs, rng):
        for idx in batches:
            idx = torch.from_numpy(idx)
            loss = _half_mse(X[idx], y[idx], w, b)
            if style == "scratch":
                loss = loss + weight_decay / 2 * (w ** 2).sum()  # the L2 penalty, written out
                loss.backward()
                with torch.no_grad():
                    w -= lr * w.grad
                    b -= lr * b.grad
                    w.grad.zero_()
                    b.grad.zero_()
            else:
                opt.zero_grad()
                loss.backward()
                opt.step()
        record()
    arrays = {name: np.array(values) for name, values in curves.items()}
    failure = None if np.isfinite(arrays["train"]).all() else "training diverged: the loss became infinite or NaN"
    if failure is None and _first_divergence(arrays["train"][None])[0] >= 0:
        failure = "training diverged: the loss grew over a million-fold"
    return RegressionRun(weight_decay, 0.0, np.arange(num_epochs + 1), arrays["train"], arrays["val"], arrays["test"],
                   arrays["norm"], w.detach().numpy().copy(), float(b.item()), failure)


class DropoutLayer(torch.nn.Module):
    """The from-scratch inverted dropout as a module: active in model.train(), the identity in model.eval()."""

    def __init__(self, drop_rate, generator):
        super().__init__()
        torch_generator(generator)
        self.drop_rate, self.generator = check_rate(drop_rate), generator

    def forward(self, X):
        from reglab.dropout import dropout_layer

        return dropout_layer(X, self.drop_rate, self.generator) if self.training else X


def digits_mlp(drop_rates=(0.0, 0.0, 0.0), hidden_sizes=(256, 256), dropout="nn", generator=None):
    """MLP 64 → 256 → 256 → 10 with dropout on the input and after each hidden layer (rates in that order)."""
    if dropout not in ("nn", "scratch"):
        raise ValueError(f"dropout must be 'nn' (torch.nn.Dropout) or 'scratch' (reglab's layer); got {dropout!r}")
    hidden_sizes = positive_ints(hidden_sizes, "hidden_sizes")
    drop_rates = [check_rate(r, "drop_rates entries", below_one=True)
                  for r in sequence(drop_rates, "drop_rates", what="drop rates (input, then each hidden layer)")]
    if dropout == "scratch":
        torch_generator(generator, purpose="dropout='scratch' (reglab's layer draws its masks from it)")
    if len(drop_rates) != len(hidden_sizes) + 1:
        raise ValueError(f"drop_rates needs {len(hidden_sizes) + 1} rates (input, then each hidden layer); "
                         f"got {len(drop_rates)}")

    def drop(rate):
        return torch.nn.Dropout(rate) if dropout == "nn" else DropoutLayer(rate, generator)

    layers, width = [drop(drop_rates[0])], 64
    for size, rate in zip(hidden_sizes, drop_rates[1:]):
        layers += [torch.nn.Linear(width, size), torch.nn.ReLU(), drop(rate)]
        width = size
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, 10))


@contextmanager
def one_thread():
    """Torch on one thread inside the block: small models train faster, and results do not depend on the cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def accuracy(model, split, seed=None) -> float:
    """Fraction of split classified correctly by model in its current mode (train or eval).

    In train mode nn.Dropout draws masks from torch's global generator: pass seed to draw them from a
    locally seeded one instead, so the result repeats (the caller's random state is left untouched).
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module (e.g. from train_digits); got {type(model).__name__}")
    if not isinstance(split, Split):
        raise TypeError(f"split must be a reglab.data.Split (e.g. digits.test); got {type(split).__name__}")
    seed = check_seed(seed, allow_none=True)
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if linears and linears[0].in_features != split.X.shape[1]:
        raise ValueError(f"split.X has {split.X.shape[1]} features per example but model takes "
                         f"{linears[0].in_features}")
    if linears:
        class_labels(split.y, "split.y", linears[-1].out_features)
    with torch.no_grad(), torch.random.fork_rng(), one_thread():
        if seed is not None:
            torch.manual_seed(seed)
        logits = model(torch.as_tensor(split.X, dtype=torch.float32))
    return float((logits.argmax(1).numpy() == split.y).mean())


@dataclass
class DigitsRun:
    """A digits training run: the model (in eval mode) and the training loss of each epoch."""

    model: torch.nn.Module
    losses: np.ndarray


def train_digits(data: Dataset, drop_rates=(0.0, 0.0, 0.0), hidden_sizes=(256, 256), lr=1e-3, num_epochs=800, seed=0,
                 dropout="nn") -> DigitsRun:
    """Full-batch Adam on cross-entropy (one step is one epoch); returns the model in eval mode and its losses.

    Every random draw (initial weights, nn.Dropout masks) happens inside torch.random.fork_rng() seeded with
    seed, on one thread: the run repeats exactly and the caller's global random state is left untouched.
    """
    lr, num_epochs = learning_rate(lr), positive_int(num_epochs, "num_epochs")
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a reglab.data.Dataset (e.g. load_digits_split()); got {type(data).__name__}")
    dataset_arrays(data)
    if data.train.X.shape[1] != 64:
        raise ValueError(f"data must hold 8x8 digits (64 pixels per example, from load_digits_split); got "
                         f"{data.train.X.shape[1]} features")
    for split in ("train", "val", "test"):
        class_labels(getattr(data, split).y, f"data.{split}.y", 10)
    check_seed(seed)
    X = torch.as_tensor(data.train.X, dtype=torch.float32)
    y = torch.as_tensor(data.train.y, dtype=torch.long)
    with torch.random.fork_rng(), one_thread():
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        model = digits_mlp(drop_rates, hidden_sizes, dropout, generator)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        losses = []
        model.train()
        for _ in range(num_epochs):
            loss = torch.nn.functional.cross_entropy(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return DigitsRun(model.eval(), np.array(losses))


@dataclass
class DigitsComparison:
    """Final accuracies of digits MLPs, one row per setting and one column per seed, and the trained models."""

    names: list
    seeds: list
    train_acc: np.ndarray
    val_acc: np.ndarray
    test_acc: np.ndarray
    models: dict = field(repr=False)

    def row(self, name) -> int:
        """Row index of the setting called name."""
        if name not in self.names:
            raise ValueError(f"name must be one of {self.names}; got {name!r}")
        return self.names.index(name)

    def model(self, name, seed):
        """The trained model (in eval mode) of setting name and seed."""
        return self.models[name, seed]


def compare_digits(data: Dataset, settings: dict, seeds=(0, 1, 2, 3, 4), progress=None, **train_kwargs):
    """Train one digits MLP per (setting, seed); settings maps a name to drop_rates. Returns a DigitsComparison.

    progress: optional wrapper of an iterable, such as tqdm, to show which run is training.
    """
    if not settings:
        raise ValueError("settings must name at least one setting, e.g. {'dropout': (0.2, 0.5, 0.5)}")
    seeds = list(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0 for s in seeds):
        raise ValueError(f"seeds must be a non-empty sequence of integers >= 0; got {seeds!r}")
    runs = [(name, seed) for name in settings for seed in seeds]
    shape = (len(settings), len(seeds))
    scores = {split: np.empty(shape) for split in ("train", "val", "test")}
    models = {}
    for name, seed in (progress(runs, desc="training digits MLPs") if progress else runs):
        model = train_digits(data, drop_rates=settings[name], seed=seed, **train_kwargs).model
        models[name, seed] = model
        i, j = list(settings).index(name), seeds.index(seed)
        for split in scores:
            scores[split][i, j] = accuracy(model, getattr(data, split))
    return DigitsComparison(list(settings), seeds, scores["train"], scores["val"], scores["test"], models)
