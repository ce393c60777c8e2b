"""Vector and matrix norms from scratch, for NumPy arrays and torch tensors (Chapter 1, Norms)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from reglab._validate import (is_tensor, nonnegative, norm_order, numeric_array, positive, positive_int, real_number,
                              same_kind)
from reglab._validate import axis as check_axis
from reglab._validate import seed as check_seed


__all__ = ["AxiomReport", "ConstrainedProblem", "NormChain", "axis_hit_rate", "check_norm_axioms",
           "constrained_minimum", "constrained_problem", "frobenius_norm", "l0_count", "lp_distance", "lp_norm",
           "norm_chain", "quasi_norm", "unit_ball", "unit_balls"]


def _amax(a, axis):
    """Largest entry along axis (all entries if None), kept broadcastable against a."""
    if is_tensor(a):
        return a.amax() if axis is None else a.amax(dim=axis, keepdim=True)
    return a.max() if axis is None else a.max(axis=axis, keepdims=True)


def _sum(a, axis):
    """Sum along axis (all entries if None), kept broadcastable against a."""
    if axis is None:
        return a.sum()
    return a.sum(dim=axis, keepdim=True) if is_tensor(a) else a.sum(axis=axis, keepdims=True)


def _power_sum_root(x, p: float, axis=None):
    """(sum |x|^p)^(1/p) for any p > 0 (inf: max |x|), scaled by max |x| so large p cannot overflow."""
    a = abs(x)
    m = _amax(a, axis)
    if math.isinf(p):
        out = m
    else:
        safe_m = m + (m == 0)  # an all-zero vector has norm 0; avoid 0/0
        out = m * _sum((a / safe_m) ** p, axis) ** (1 / p)
    return out if axis is None else out.squeeze(axis)


def lp_norm(x, p=2, axis=None):
    """The Lp norm (sum |x_i|^p)^(1/p) for real p >= 1 or p = math.inf, of all entries or along axis."""
    p = real_number(p, "p", allow_inf=True)
    if p < 1:
        raise ValueError(
            f"p must be >= 1 (or math.inf) for the Lp formula to be a norm; got p={p:g}. "
            "For 0 < p < 1 the formula is only a quasi-norm (use quasi_norm); "
            "to count non-zero entries ('L0') use l0_count"
        )
    x = numeric_array(x, "x")
    return _power_sum_root(x, p, check_axis(axis, x.ndim))


def quasi_norm(x, p, axis=None):
    """The Lp formula for any p > 0: a norm only when p >= 1, a quasi-norm (no triangle inequality) below."""
    p = real_number(p, "p", allow_inf=True)
    if p <= 0:
        raise ValueError(f"p must be > 0 for the Lp formula; got p={p:g}. To count non-zero entries use l0_count")
    x = numeric_array(x, "x")
    return _power_sum_root(x, p, check_axis(axis, x.ndim))


def l0_count(x, tol=0.0) -> int:
    """Number of entries with |x_i| > tol: the 'L0 norm', which is not a norm."""
    tol = nonnegative(tol, "tol")
    x = numeric_array(x, "x")
    return int((abs(x) > tol).sum())


def frobenius_norm(W):
    """sqrt(sum_ij W_ij^2) of a matrix: the L2 norm of its flattened entries."""
    W = numeric_array(W, "W")
    if W.ndim != 2:
        raise ValueError(f"W must be a 2-D matrix; got {W.ndim}-D input of shape {tuple(W.shape)}")
    return _power_sum_root(W, 2.0, None)


def lp_distance(x, y, p=2):
    """||x - y||_p for two arrays (or two tensors) of the same shape."""
    x, y = numeric_array(x, "x"), numeric_array(y, "y")
    same_kind(x, y, "x", "y")
    return lp_norm(x - y, p)


def _ball_points(angles, p: float) -> np.ndarray:
    """Points on ||x||_p = 1 in the directions given by angles (radians)."""
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    directions[np.abs(directions) < 1e-12] = 0.0  # cos(pi/2) is 6e-17: make the axes exact
    return directions / _power_sum_root(directions, p, axis=1)[:, None]


def unit_ball(p, num_points=720) -> np.ndarray:
    """Points (num_points, 2) on the 2-D curve ||x||_p = 1, for any p > 0 (p < 1 gives a non-convex star)."""
    p = norm_order(p, minimum=0, name="p")
    if p == 0:
        raise ValueError("p must be > 0: the set {x : count of non-zeros = 1} is the two axes, not a closed curve")
    num_points = positive_int(num_points, "num_points")
    return _ball_points(2 * np.pi * np.arange(num_points) / num_points, p)


def constrained_minimum(center, p, radius=1.0, curvature=None, num_points=7200) -> np.ndarray:
    """argmin of (w-c)^T H (w-c) over ||w||_p <= radius in 2-D, searched on the ball's boundary."""
    c = numeric_array(center, "center")
    if is_tensor(c) or c.shape != (2,):
        raise ValueError(f"center must be a NumPy array of shape (2,); got shape {tuple(c.shape)}")
    H = np.eye(2) if curvature is None else numeric_array(curvature, "curvature")
    if H.shape != (2, 2) or not np.allclose(H, H.T) or np.linalg.eigvalsh(H).min() <= 0:
        raise ValueError("curvature must be a symmetric positive-definite 2x2 matrix")
    radius = positive(radius, "radius")
    if quasi_norm(c, p) <= radius:
        return c.copy()
    p = norm_order(p, minimum=1, name="p")  # the search below needs a convex ball
    num_points = positive_int(num_points, "num_points")

    def best(angles):
        boundary = radius * _ball_points(angles, p)
        diff = boundary - c
        return boundary, np.einsum("ni,ij,nj->n", diff, H, diff)

    step = 2 * np.pi / num_points
    _, loss = best(step * np.arange(num_points))
    k = int(np.argmin(loss))
    # Refine around the coarse minimum; the coarse angles (axes included) stay on the fine grid.
    boundary, loss = best(step * (k + np.linspace(-1, 1, 2001)))
    return boundary[np.argmin(loss)]


@dataclass
class AxiomReport:
    """Which of the three norm axioms a function passed on sampled vectors, with a counterexample for each failure."""

    name: str
    holds: dict = field(default_factory=dict)
    counterexamples: dict = field(default_factory=dict)

    @property
    def is_norm(self) -> bool:
        return all(self.holds.values())

    def __str__(self) -> str:
        lines = [f"{self.name}: {'a norm' if self.is_norm else 'NOT a norm'}"]
        for axiom, ok in self.holds.items():
            lines.append(f"  {'✓' if ok else '✗'} {axiom}" + ("" if ok else f": {self.counterexamples[axiom]}"))
        return "\n".join(lines)


def _fmt(v) -> str:
    return "(" + ", ".join(f"{float(t):.3g}" for t in np.ravel(v)) + ")"


def check_norm_axioms(norm, name="f", dim=2, num_samples=500, seed=0, rtol=1e-9) -> AxiomReport:
    """Test definiteness, absolute homogeneity and the triangle inequality of norm on random and sparse vectors."""
    if not callable(norm):
        raise TypeError(f"norm must be a function of one vector; got {type(norm).__name__}")
    dim, num_samples = positive_int(dim, "dim"), positive_int(num_samples, "num_samples")
    rtol = nonnegative(rtol, "rtol")
    rng = np.random.default_rng(check_seed(seed))
    given = norm

    def norm(v):  # the function under test must give a finite real number, or the verdicts mean nothing
        value = given(v)
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"norm must return a real number; it returned {value!r} for x = {_fmt(v)}") from None
        if not math.isfinite(value):
            raise ValueError(f"norm must return a finite number; it returned {value} for x = {_fmt(v)}")
        return value

    basis = list(np.eye(dim))
    vectors = basis + list(rng.standard_normal((num_samples, dim)) * rng.exponential(1.0, (num_samples, 1)))
    report = AxiomReport(name)

    zero = np.zeros(dim)
    bad = next((x for x in vectors if float(norm(x)) <= 0), None)
    report.holds["definiteness (f(x) = 0 only for x = 0)"] = float(norm(zero)) == 0 and bad is None
    if float(norm(zero)) != 0:
        report.counterexamples["definiteness (f(x) = 0 only for x = 0)"] = f"f(0) = {float(norm(zero)):.4g}"
    elif bad is not None:
        report.counterexamples["definiteness (f(x) = 0 only for x = 0)"] = f"x = {_fmt(bad)} is non-zero but f(x) = 0"

    scales = np.concatenate([[2.0, -3.0, 0.5], rng.uniform(-5, 5, num_samples)])
    key = "absolute homogeneity (f(a x) = |a| f(x))"
    report.holds[key] = True
    for a, x in zip(scales, vectors):
        lhs, rhs = float(norm(a * x)), abs(a) * float(norm(x))
        if not math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-12):
            report.holds[key] = False
            report.counterexamples[key] = f"a = {a:.3g}, x = {_fmt(x)}: f(a x) = {lhs:.4g} but |a| f(x) = {rhs:.4g}"
            break

    key = "triangle inequality (f(x + y) <= f(x) + f(y))"
    report.holds[key] = True
    pairs = list(zip(basis, basis[1:])) + list(zip(vectors[dim:], vectors[dim + 1:]))
    for x, y in pairs:
        lhs, rhs = float(norm(x + y)), float(norm(x)) + float(norm(y))
        if lhs > rhs * (1 + rtol):
            report.holds[key] = False
            report.counterexamples[key] = (
                f"x = {_fmt(x)}, y = {_fmt(y)}: f(x + y) = {lhs:.4g} > f(x) + f(y) = {rhs:.4g}"
            )
            break
    return report


def unit_balls(ps=(0.5, 1, 1.5, 2, 4, math.inf), num_points=720) -> dict:
    """Outlines {p: points (num_points, 2)} of the 2-D unit balls ||x||_p = 1 for several p (Chapter 1)."""
    return {p: unit_ball(p, num_points) for p in ps}


@dataclass
class ConstrainedProblem:
    """A quadratic loss (w-c)^T H (w-c) on a square grid, the Lp ball of a radius, and the constrained minimum."""

    center: np.ndarray
    p: float
    radius: float
    curvature: np.ndarray
    minimum: np.ndarray
    grid: np.ndarray
    loss: np.ndarray
    level: float
    ball: np.ndarray


def constrained_problem(center, p, radius=1.0, curvature=None, extent=2.5, num_grid=201) -> ConstrainedProblem:
    """Everything the picture of 'loss contours meet the Lp ball' needs: the loss on a grid and where they meet."""
    center = np.asarray(center, dtype=float)
    H = np.eye(2) if curvature is None else np.asarray(curvature, dtype=float)
    w_star = constrained_minimum(center, p, radius, H)
    grid = np.linspace(-extent, extent, positive_int(num_grid, "num_grid"))
    W1, W2 = np.meshgrid(grid, grid)
    D = np.stack([W1 - center[0], W2 - center[1]], axis=-1)
    loss = np.einsum("...i,ij,...j->...", D, H, D)
    level = float((w_star - center) @ H @ (w_star - center))
    return ConstrainedProblem(center, p, float(radius), H, w_star, grid, loss, level, radius * unit_ball(p))


@dataclass
class NormChain:
    """The norms ||x||_inf, ||x||_2, ||x||_1 of each row of X, for checking inf <= 2 <= 1 <= sqrt(n) 2."""

    linf: np.ndarray
    l2: np.ndarray
    l1: np.ndarray
    n: int

    def violations(self, rtol=1e-12) -> dict:
        """How many rows break each inequality of the chain (all zeros when the theory holds)."""
        rtol = nonnegative(rtol, "rtol")
        slack = rtol * self.l1
        return {
            "||x||_inf <= ||x||_2": int((self.linf > self.l2 + slack).sum()),
            "||x||_2 <= ||x||_1": int((self.l2 > self.l1 + slack).sum()),
            "||x||_1 <= sqrt(n) ||x||_2": int((self.l1 > math.sqrt(self.n) * self.l2 + slack).sum()),
        }


def norm_chain(X) -> NormChain:
    """The L-inf, L2 and L1 norms of every row of the matrix X."""
    X = numeric_array(X, "X")
    if is_tensor(X):
        X = X.detach().cpu().numpy()
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (one vector per row); got shape {X.shape}")
    return NormChain(lp_norm(X, math.inf, axis=1), lp_norm(X, 2, axis=1), lp_norm(X, 1, axis=1), X.shape[1])


def axis_hit_rate(p, num_centers=500, radius=1.0, tol=1e-6, seed=0, box=3.0) -> float:
    """Share of loss centres (uniform in [-box, box]^2, outside the Lp ball) whose minimum has a coordinate near 0."""
    num_centers, radius = positive_int(num_centers, "num_centers"), positive(radius, "radius")
    tol, p = nonnegative(tol, "tol"), norm_order(p, minimum=0, name="p")
    box = positive(box, "box")
    rng = np.random.default_rng(check_seed(seed))
    centers = [c for c in rng.uniform(-box, box, (num_centers, 2)) if quasi_norm(c, p) > radius]
    if not centers:
        raise ValueError(f"radius={radius:g} is too large for box={box:g}: none of the {num_centers} centres drawn from "
                         f"[-{box:g}, {box:g}]^2 lies outside the ball, so there is no constrained minimum to look at")
    return float(np.mean([np.abs(constrained_minimum(c, p, radius)).min() <= tol * radius for c in centers]))
