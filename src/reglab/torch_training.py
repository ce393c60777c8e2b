"""The Chapter 2 linear model in PyTorch: from scratch with autograd, and concise with torch.optim.

Both start from the same seeded weights and see the same minibatches as reglab.train, so the three
implementations can be checked against each other curve for curve.
"""

from __future__ import annotations

import numpy as np
import torch

from reglab._random import rng_for
from reglab._validate import positive_int
from reglab.data import Dataset
from reglab.train import History, _first_divergence, learning_rate, minibatches, penalty_strength

OPTIMIZERS = ("sgd", "adam", "adamw")
STYLES = ("scratch", "concise")


def _half_mse(X, y, w, b):
    return 0.5 * ((X @ w + b - y) ** 2).mean()


def make_optimizer(name, weights, bias, lr, weight_decay):
    """torch optimizer with weight decay on the weights only: the bias sits in a parameter group without it."""
    groups = [{"params": [weights], "weight_decay": weight_decay}, {"params": [bias], "weight_decay": 0.0}]
    if name == "sgd":
        return torch.optim.SGD(groups, lr=lr)
    if name == "adam":
        return torch.optim.Adam(groups, lr=lr)  # adds weight_decay * w to the gradient (L2 penalty)
    if name == "adamw":
        return torch.optim.AdamW(groups, lr=lr)  # decays w directly, outside the adaptive step
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {name!r}")


def train_linear_regression_torch(data: Dataset, weight_decay=0.0, lr=0.003, num_epochs=100, batch_size=5, seed=0,
                                  style="concise", optimizer="sgd", init_scale=1.0, dtype=torch.float64) -> History:
    """Minibatch training of y ≈ X w + b in PyTorch; style 'scratch' adds the penalty to the loss by hand."""
    weight_decay, lr = penalty_strength(weight_decay, "weight_decay"), learning_rate(lr)
    num_epochs, batch_size = positive_int(num_epochs, "num_epochs"), positive_int(batch_size, "batch_size")
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}; got {style!r}")
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
    return History(weight_decay, 0.0, np.arange(num_epochs + 1), arrays["train"], arrays["val"], arrays["test"],
                   arrays["norm"], w.detach().numpy().copy(), float(b.item()), failure)
