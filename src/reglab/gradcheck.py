"""Gradient checking: compare an analytic gradient with two-sided finite differences, tensor by tensor (Chapter 4).

Thresholds on the relative error ||g - g_num|| / (||g|| + ||g_num||), from the classic course (Ng, Deep
Learning Specialization, Course 2, "Gradient checking"): below 1e-7 fine, around 1e-5 look closer, above
1e-3 almost surely a bug.
"""

from __future__ import annotations

import math
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from reglab._validate import positive_int, real_number

__all__ = ["BUG", "FINE", "LOOK_CLOSER", "FlatParams", "GradientReport", "check_gradients", "directional_check",
           "finite_difference_errors", "fitted_slope", "numerical_gradient", "params_to_vector", "relative_error",
           "vector_to_params"]

FINE, LOOK_CLOSER, BUG = 1e-7, 1e-5, 1e-3


def _epsilon(eps) -> float:
    eps = real_number(eps, "eps")
    if eps <= 0:
        raise ValueError(f"eps must be > 0 (the size of the perturbation); got eps={eps:g}")
    return eps


def relative_error(analytic, numerical) -> float:
    """||g - g_num||_2 / (||g||_2 + ||g_num||_2): 0 when both are zero."""
    analytic, numerical = np.asarray(analytic, dtype=float), np.asarray(numerical, dtype=float)
    if analytic.shape != numerical.shape:
        raise ValueError(f"analytic gradient has shape {analytic.shape} but the numerical one has shape "
                         f"{numerical.shape}; they must match")
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    return 0.0 if denominator == 0 else float(np.linalg.norm(analytic - numerical) / denominator)


@dataclass
class FlatParams:
    """A dict of arrays flattened into one vector theta, with the [(name, shape)] spec that undoes it."""

    theta: np.ndarray
    spec: list


def params_to_vector(params: dict) -> FlatParams:
    """Flatten a dict of arrays into one vector θ, with the (name, shape) spec to undo it."""
    if not isinstance(params, dict) or not params:
        raise ValueError("params must be a non-empty dict of arrays (name -> array)")
    spec = [(name, np.shape(value)) for name, value in params.items()]
    return FlatParams(np.concatenate([np.ravel(np.asarray(value, dtype=float)) for value in params.values()]), spec)


def vector_to_params(theta, spec) -> dict:
    """The dict of arrays that params_to_vector flattened into theta."""
    out, start = {}, 0
    for name, shape in spec:
        size = int(np.prod(shape))
        out[name] = np.asarray(theta[start:start + size]).reshape(shape)
        start += size
    if start != len(theta):
        raise ValueError(f"theta has {len(theta)} entries but the spec describes {start}")
    return out


def _finite(value, where):
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"the loss is {value} {where}; gradient checking needs a finite loss (is eps too large, "
                         f"or the model diverging?)")
    return value


def numerical_gradient(loss, theta, eps=1e-7, method="central"):
    """Finite-difference gradient of loss(θ) -> float: central (J(θ+ε)-J(θ-ε))/2ε or forward (J(θ+ε)-J(θ))/ε."""
    eps = _epsilon(eps)
    if method not in ("central", "forward"):
        raise ValueError(f"method must be 'central' or 'forward'; got {method!r}")
    theta = np.array(theta, dtype=np.result_type(np.asarray(theta).dtype, np.float32))
    if theta.dtype == np.float32:
        warnings.warn("float32 gradient check: round-off limits the relative error to about 1e-3..1e-4, so "
                      "the 1e-7 threshold cannot be met; use float64", stacklevel=2)
    base = _finite(loss(theta), "at θ") if method == "forward" else None
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        old = theta.flat[i]
        theta.flat[i] = old + eps
        plus = _finite(loss(theta), f"at θ + ε e_{i}")
        if method == "central":
            theta.flat[i] = old - eps
            minus = _finite(loss(theta), f"at θ - ε e_{i}")
            grad.flat[i] = (plus - minus) / (2 * eps)
        else:
            grad.flat[i] = (plus - base) / eps
        theta.flat[i] = old
    return grad


@dataclass
class GradientReport:
    """The outcome of a gradient check: overall and per-tensor relative errors, and the worst entries."""

    overall: float
    per_parameter: dict
    worst_entries: list = field(default_factory=list)
    eps: float = 1e-7

    @property
    def verdict(self) -> str:
        if self.overall < FINE:
            return "fine"
        if self.overall < BUG:
            return "look closer"
        return "almost surely a bug"

    @property
    def passed(self) -> bool:
        return self.overall < FINE

    def suspects(self, threshold=LOOK_CLOSER) -> list:
        """Names of the tensors whose own relative error is above threshold, worst first."""
        bad = [(e, name) for name, e in self.per_parameter.items() if e > threshold]
        return [name for _, name in sorted(bad, reverse=True)]

    def __str__(self) -> str:
        lines = [f"gradient check (eps = {self.eps:g}): relative error {self.overall:.2e} -> {self.verdict}"]
        for name, error in self.per_parameter.items():
            flag = "ok" if error < FINE else ("look closer" if error < BUG else "WRONG")
            lines.append(f"  {name:<8} {error:10.2e}  {flag}")
        if self.worst_entries and not self.passed:
            lines.append("  worst entries (tensor, index, analytic, numerical):")
            shown = [e for e in self.worst_entries if relative_error([e[2]], [e[3]]) > LOOK_CLOSER]
            for name, index, a, n in shown[:5]:
                lines.append(f"    {name}{list(index)}: {a: .6e} vs {n: .6e}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(str(self))}</pre>"


def _report(analytic: dict, numerical: dict, eps) -> GradientReport:
    per, worst = {}, []
    for name, num in numerical.items():
        ana = np.asarray(analytic[name], dtype=float)
        if ana.shape != num.shape:
            raise ValueError(f"the analytic gradient of {name} has shape {ana.shape} but {name} has shape "
                             f"{num.shape}; a gradient must have its parameter's shape")
        per[name] = relative_error(ana, num)
        gap = np.abs(ana - num)
        for flat in np.argsort(gap, axis=None)[::-1][:3]:
            index = np.unravel_index(flat, num.shape)
            worst.append((name, tuple(int(i) for i in index), float(ana[index]), float(num[index])))
    worst.sort(key=lambda entry: -abs(entry[2] - entry[3]))
    all_ana = np.concatenate([np.ravel(analytic[n]) for n in numerical])
    all_num = np.concatenate([np.ravel(v) for v in numerical.values()])
    return GradientReport(relative_error(all_ana, all_num), per, worst, eps)


def _gradient_for(grads: dict, name: str):
    for key in (name, "d" + name):
        if key in grads:
            return grads[key]
    raise ValueError(f"the gradient function returned no gradient for {name!r} (looked for {name!r} and "
                     f"{'d' + name!r}); it returned {sorted(grads)}")


def check_gradients(loss, params, gradient=None, eps=1e-7):
    """Check a gradient, tensor by tensor, against central differences; returns a GradientReport.

    NumPy: loss(params) -> float and gradient(params) -> dict of arrays (keys 'W1' or 'dW1').
    torch: params is a dict of tensors or an nn.Module, loss(params) -> scalar tensor, and the analytic
    gradient comes from autograd (leave gradient=None).
    """
    eps = _epsilon(eps)
    torch = sys.modules.get("torch")
    if torch is not None and (isinstance(params, torch.nn.Module) or (
            isinstance(params, dict) and params and all(isinstance(v, torch.Tensor) for v in params.values()))):
        return _check_torch(loss, params, eps, torch)
    if gradient is None:
        raise TypeError("for NumPy parameters pass gradient=, a function params -> dict of gradients")
    flat = params_to_vector(params)
    theta, spec = flat.theta, flat.spec
    numeric = vector_to_params(numerical_gradient(lambda t: loss(vector_to_params(t, spec)), theta, eps), spec)
    grads = gradient({name: np.array(value, dtype=float) for name, value in params.items()})
    return _report({name: _gradient_for(grads, name) for name in numeric}, numeric, eps)


def _check_torch(loss, params, eps, torch):
    module = params if isinstance(params, torch.nn.Module) else None
    named = dict(module.named_parameters()) if module is not None else params
    if not named:
        raise ValueError("params has no parameters to check")
    if any(t.dtype != torch.float64 for t in named.values()):
        warnings.warn("float32 gradient check: round-off limits the relative error to about 1e-3..1e-4; "
                      "convert with .double()", stacklevel=3)
    for tensor in named.values():
        tensor.grad = None
    value = loss(params)
    _finite(value.item(), "at the starting parameters")
    analytic = dict(zip(named, torch.autograd.grad(value, list(named.values()), allow_unused=True)))
    analytic = {n: (np.zeros(tuple(t.shape)) if g is None else g.detach().cpu().numpy()) for (n, t), g in
                zip(named.items(), analytic.values())}
    numeric = {}
    with torch.no_grad():
        for name, tensor in named.items():
            grad = np.zeros(tuple(tensor.shape))
            flat = tensor.view(-1)
            for i in range(flat.numel()):
                old = flat[i].item()
                flat[i] = old + eps
                plus = _finite(loss(params).item(), f"at {name}[{i}] + eps")
                flat[i] = old - eps
                minus = _finite(loss(params).item(), f"at {name}[{i}] - eps")
                flat[i] = old
                grad.flat[i] = (plus - minus) / (2 * eps)
            numeric[name] = grad
    return _report(analytic, numeric, eps)


def directional_check(loss, gradient, params, num_directions=5, eps=1e-6, seed=0):
    """A cheap check: the relative error of g·d against (J(θ+εd) - J(θ-εd))/2ε along random unit directions d."""
    eps, num_directions = _epsilon(eps), positive_int(num_directions, "num_directions")
    flat = params_to_vector(params)
    theta, spec = flat.theta, flat.spec
    g = params_to_vector({n: _gradient_for(gradient(vector_to_params(theta, spec)), n) for n, _ in spec}).theta
    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_directions):
        d = rng.standard_normal(theta.size)
        d /= np.linalg.norm(d)
        plus = _finite(loss(vector_to_params(theta + eps * d, spec)), "along a direction")
        minus = _finite(loss(vector_to_params(theta - eps * d, spec)), "along a direction")
        errors.append(relative_error(np.array([g @ d]), np.array([(plus - minus) / (2 * eps)])))
    return np.array(errors)


def finite_difference_errors(f, df, x, eps_values, method="central", dtype=np.float64):
    """|finite difference - f'(x)| for each eps, evaluating f in dtype: the truncation/round-off trade-off."""
    if method not in ("central", "forward"):
        raise ValueError(f"method must be 'central' or 'forward'; got {method!r}")
    x = dtype(x)
    errors = []
    for eps in eps_values:
        e = dtype(_epsilon(eps))
        estimate = (f(x + e) - f(x - e)) / (dtype(2) * e) if method == "central" else (f(x + e) - f(x)) / e
        errors.append(abs(float(estimate) - float(df(float(x)))))
    return np.array(errors)


def fitted_slope(eps_values, errors):
    """Slope of log(error) against log(eps): about 1 for forward and 2 for central differences."""
    return float(np.polyfit(np.log10(eps_values), np.log10(errors), 1)[0])
