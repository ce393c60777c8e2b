"""Early stopping: the best epoch on validation data, and why stopping early acts like L2 (Chapter 5, the toolbox)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._validate import numeric_array, positive_int, real_number

__all__ = ["StoppingPoint", "stopping_point", "gd_least_squares", "ridge_for_steps", "ridge_solution",
           "EarlyStopVsRidge", "early_stopping_vs_ridge", "filter_factors", "MAX_FILTER_GAP"]

# max over u >= 0 of |exp(-u) - 1/(1 + u)| (at u ≈ 2.51): how far the shrinkage of gradient descent
# and of ridge can differ in one eigen-direction
MAX_FILTER_GAP = 0.2036


@dataclass(frozen=True)
class StoppingPoint:
    """Where early stopping halts on one validation curve: the best epoch, and the epoch patience ran out."""

    best_epoch: int
    best_val_loss: float
    stop_epoch: int
    patience: int


def stopping_point(val_loss, patience=10) -> StoppingPoint:
    """Best epoch = argmin of val_loss; training stops once `patience` epochs pass without a new best."""
    val_loss = numeric_array(val_loss, "val_loss")
    patience = positive_int(patience, "patience")
    best, stop = 0, len(val_loss) - 1
    for epoch in range(1, len(val_loss)):
        if val_loss[epoch] < val_loss[best]:
            best = epoch
        elif epoch - best >= patience:
            stop = epoch
            break
    return StoppingPoint(best, float(val_loss[best]), stop, patience)


def _design(X, y):
    X, y = numeric_array(X, "X"), numeric_array(y, "y")
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"X must be (examples, features) and y (examples,); got shapes {X.shape} and {y.shape}")
    return X, y


def gd_least_squares(X, y, lr, num_epochs) -> np.ndarray:
    """Full-batch gradient descent on (1/2n)||Xw - y||² from w = 0; row t of the result is w after t steps."""
    X, y = _design(X, y)
    lr, num_epochs = real_number(lr, "lr"), positive_int(num_epochs, "num_epochs")
    n = len(y)
    H, g = X.T @ X / n, X.T @ y / n
    path = np.zeros((num_epochs + 1, X.shape[1]))
    for t in range(num_epochs):
        path[t + 1] = path[t] - lr * (H @ path[t] - g)
    return path


def ridge_for_steps(lr, num_steps) -> float:
    """The weight decay that t steps of size η imitate: λ = 1/(ηt)."""
    return 1.0 / (real_number(lr, "lr") * positive_int(num_steps, "num_steps"))


def ridge_solution(X, y, weight_decay) -> np.ndarray:
    """Minimiser of (1/2n)||Xw - y||² + weight_decay/2 ||w||² (no bias)."""
    X, y = _design(X, y)
    weight_decay = real_number(weight_decay, "weight_decay")
    if weight_decay <= 0:
        raise ValueError(f"weight_decay must be > 0; got {weight_decay:g}")
    n, d = X.shape
    return np.linalg.solve(X.T @ X / n + weight_decay * np.eye(d), X.T @ y / n)


def filter_factors(eigenvalues, lr, num_steps):
    """Per eigen-direction shrinkage of the least-squares solution: (GD after t steps, ridge with λ = 1/(ηt))."""
    s = np.asarray(eigenvalues, dtype=float)
    lam = ridge_for_steps(lr, num_steps)
    return 1 - (1 - lr * s) ** num_steps, s / (s + lam)


@dataclass(frozen=True)
class EarlyStopVsRidge:
    """GD stopped after each number of steps against ridge with λ = 1/(ηt): weights and their relative distance."""

    steps: np.ndarray
    weight_decays: np.ndarray
    gd_weights: np.ndarray       # (len(steps), d)
    ridge_weights: np.ndarray    # (len(steps), d)

    @property
    def relative_distance(self) -> np.ndarray:
        """||w_GD(t) - w_ridge(1/(ηt))|| / ||w_ridge(1/(ηt))|| for each t."""
        gap = np.linalg.norm(self.gd_weights - self.ridge_weights, axis=1)
        return gap / np.linalg.norm(self.ridge_weights, axis=1)


def early_stopping_vs_ridge(X, y, lr, steps) -> EarlyStopVsRidge:
    """Compare gradient descent stopped at each t in steps with the ridge solution for λ = 1/(ηt)."""
    X, y = _design(X, y)
    steps = np.array([positive_int(int(t), "steps") for t in steps])
    largest = np.linalg.eigvalsh(X.T @ X / len(y)).max()
    if real_number(lr, "lr") * largest >= 1:
        raise ValueError(f"lr must be below 1/(largest eigenvalue of XᵀX/n) = {1 / largest:.3g} for the comparison "
                         f"(each step then shrinks every direction monotonically); got {lr:g}")
    path = gd_least_squares(X, y, lr, int(steps.max()))
    lams = np.array([ridge_for_steps(lr, int(t)) for t in steps])
    ridge = np.array([ridge_solution(X, y, lam) for lam in lams])
    return EarlyStopVsRidge(steps, lams, path[steps], ridge)

