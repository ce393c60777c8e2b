"""Gradient checking: compare an analytic gradient with two-sided finite differences, tensor by tensor (Chapter 4).

Thresholds on the relative error ||g - g_num|| / (||g|| + ||g_num||), from the classic course (Ng, Deep
Learning Specialization, Course 2, "Gradient checking"): below 1e-7 fine, around 1e-5 look closer, above
1e-3 almost surely a bug. A relative error means nothing when the true gradient is about 0 (it is then
noise over noise), so a tensor also passes when its largest absolute difference is within an absolute
floor `atol`, as in torch.autograd.gradcheck.
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from reglab._validate import is_tensor, numeric_array, positive_int, real_number

__all__ = ["ATOL", "BUG", "FINE", "LOOK_CLOSER", "FlatParams", "GradientReport", "TensorCheck", "check_gradients",
           "directional_check", "finite_difference_errors", "fitted_slope", "numerical_gradient", "numerical_gradients",
           "params_to_vector", "relative_error", "vector_to_params"]

FINE, LOOK_CLOSER, BUG = 1e-7, 1e-5, 1e-3
# The absolute floor: well above the numerical gradient's round-off noise, about 1e-16 |J| / eps
# (6e-10 for a loss near 0.5 at eps = 1e-7), and far below the gradients of a network being trained.
ATOL = 1e-8


def _epsilon(eps) -> float:
    eps = real_number(eps, "eps")
    if eps <= 0:
        raise ValueError(f"eps must be > 0 (the size of the perturbation); got eps={eps:g}")
    return eps


def _tolerance(value, name: str) -> float:
    value = real_number(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0 (0 switches that test off); got {name}={value:g}")
    return value


def _function(value, name: str, what: str):
    if not callable(value):
        raise TypeError(f"{name} must be a function {what}; got {value!r} of type {type(value).__name__}")
    return value


def _method(method) -> str:
    if method not in ("central", "forward"):
        raise ValueError(f"method must be 'central' or 'forward'; got method={method!r}")
    return method


def relative_error(analytic, numerical) -> float:
    """||g - g_num||_2 / (||g||_2 + ||g_num||_2): 0 when both are zero."""
    analytic = np.asarray(numeric_array(analytic, "analytic"), dtype=float)
    numerical = np.asarray(numeric_array(numerical, "numerical"), dtype=float)
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


def _params(params, name="params") -> dict:
    if not isinstance(params, dict) or not params:
        raise ValueError(f"{name} must be a non-empty dict of arrays (name -> array); got {type(params).__name__}"
                         + (" {}" if isinstance(params, dict) else ""))
    out = {}
    for key, value in params.items():
        if not isinstance(key, str):
            raise TypeError(f"{name} keys must be tensor names (str); got {key!r}")
        out[key] = np.array(numeric_array(value, f"{name}[{key!r}]"), dtype=float)
    return out


def params_to_vector(params: dict) -> FlatParams:
    """Flatten a dict of arrays into one vector θ, with the (name, shape) spec to undo it."""
    params = _params(params)
    spec = [(name, value.shape) for name, value in params.items()]
    return FlatParams(np.concatenate([value.ravel() for value in params.values()]), spec)


def vector_to_params(theta, spec) -> dict:
    """The dict of arrays that params_to_vector flattened into theta."""
    theta = np.asarray(numeric_array(theta, "theta"))
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-D vector; got shape {theta.shape}")
    if not isinstance(spec, (list, tuple)) or not all(isinstance(s, (list, tuple)) and len(s) == 2 for s in spec):
        raise TypeError(f"spec must be the list of (name, shape) pairs from params_to_vector; got {spec!r}")
    out, start = {}, 0
    for name, shape in spec:
        size = int(np.prod(shape))
        out[name] = theta[start:start + size].reshape(shape)
        start += size
    if start != len(theta):
        raise ValueError(f"theta has {len(theta)} entries but the spec describes {start}")
    return out


def _finite(value, where):
    if is_tensor(value):
        if value.numel() != 1:
            raise ValueError(f"the loss must be one number (a scalar tensor); got shape {tuple(value.shape)} {where}")
        value = value.item()
    elif isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"the loss must return one real number; got {value!r} of type {type(value).__name__} {where}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"the loss is {value} {where}; gradient checking needs a finite loss (is eps too large, "
                         f"or the model diverging?)")
    return value


def numerical_gradient(loss, theta, eps=1e-7, method="central"):
    """Finite-difference gradient of loss(θ) -> float: central (J(θ+ε)-J(θ-ε))/2ε or forward (J(θ+ε)-J(θ))/ε."""
    loss, eps, method = _function(loss, "loss", "theta -> float"), _epsilon(eps), _method(method)
    theta = numeric_array(theta, "theta")
    if is_tensor(theta):
        raise TypeError("theta must be a NumPy array; for torch tensors use check_gradients, which uses autograd")
    theta = np.array(theta, dtype=np.result_type(theta.dtype, np.float32))
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


def numerical_gradients(loss, params, eps=1e-7) -> dict:
    """Central differences tensor by tensor: {name: array}, perturbing one entry of a copy at a time."""
    loss, eps = _function(loss, "loss", "params -> float"), _epsilon(eps)
    params = _params(params)
    shifted = {name: value.copy() for name, value in params.items()}  # the caller's arrays are never touched
    numerical = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted[name][index] = value[index] + eps
            plus = _finite(loss(shifted), f"at {name}{list(index)} + eps")
            shifted[name][index] = value[index] - eps
            minus = _finite(loss(shifted), f"at {name}{list(index)} - eps")
            shifted[name][index] = value[index]
            grad[index] = (plus - minus) / (2 * eps)
        numerical[name] = grad
    return numerical


@dataclass
class TensorCheck:
    """One tensor's check: relative error, largest absolute difference, and which test (if any) it passed."""

    name: str
    relative: float
    absolute: float
    passed_by: str | None  # "relative error", "absolute floor", or None when it failed both

    @property
    def passed(self) -> bool:
        return self.passed_by is not None

    @property
    def flag(self) -> str:
        if self.passed:
            return "ok"
        return "look closer" if self.relative < BUG else "WRONG"


def _tensor_check(name, relative, absolute, rtol, atol) -> TensorCheck:
    passed_by = "relative error" if relative <= rtol else ("absolute floor" if absolute <= atol else None)
    return TensorCheck(name, relative, absolute, passed_by)


@dataclass
class GradientReport:
    """The outcome of a gradient check: a verdict per tensor, the overall relative error, and the worst entries.

    A tensor passes when its relative error is at most rtol or its largest |analytic - numerical| is at most
    atol; the check passes when every tensor does.
    """

    overall: float
    tensors: dict
    worst_entries: list = field(default_factory=list)
    eps: float = 1e-7
    rtol: float = FINE
    atol: float = ATOL

    @property
    def per_parameter(self) -> dict:
        """{name: relative error} for every tensor."""
        return {name: t.relative for name, t in self.tensors.items()}

    @property
    def absolute(self) -> dict:
        """{name: largest |analytic - numerical|} for every tensor."""
        return {name: t.absolute for name, t in self.tensors.items()}

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.tensors.values())

    @property
    def verdict(self) -> str:
        flags = {t.flag for t in self.tensors.values()}
        return "almost surely a bug" if "WRONG" in flags else ("look closer" if "look closer" in flags else "fine")

    def suspects(self) -> list:
        """Names of the tensors that fail the check, worst relative error first."""
        bad = [(t.relative, name) for name, t in self.tensors.items() if not t.passed]
        return [name for _, name in sorted(bad, reverse=True)]

    def __str__(self) -> str:
        passing = sum(t.passed for t in self.tensors.values())
        lines = [f"gradient check (eps = {self.eps:g}, rtol = {self.rtol:g}, atol = {self.atol:g}): "
                 f"{passing} of {len(self.tensors)} tensors pass -> {self.verdict}",
                 f"  overall relative error {self.overall:.2e}",
                 f"  {'tensor':<8} {'relative':>10} {'absolute':>10}  verdict"]
        for name, t in self.tensors.items():
            why = f" (by {t.passed_by})" if t.passed else ""
            lines.append(f"  {name:<8} {t.relative:10.2e} {t.absolute:10.2e}  {t.flag}{why}")
        failing = set(self.suspects())
        shown = [e for e in self.worst_entries if e[0] in failing and abs(e[2] - e[3]) > self.atol
                 and relative_error([e[2]], [e[3]]) > self.rtol]
        if shown:
            lines.append("  worst entries (tensor, index, analytic, numerical):")
            for name, index, a, n in shown[:5]:
                lines.append(f"    {name}{list(index)}: {a: .6e} vs {n: .6e}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(str(self))}</pre>"


def _report(analytic: dict, numerical: dict, eps, rtol, atol) -> GradientReport:
    tensors, worst = {}, []
    for name, num in numerical.items():
        ana = analytic[name]
        if is_tensor(ana):
            ana = ana.detach().cpu().numpy()
        try:
            ana = np.asarray(ana, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"the analytic gradient of {name} must be an array of numbers; got {ana!r}") from None
        if ana.shape != num.shape:
            raise ValueError(f"the analytic gradient of {name} has shape {ana.shape} but {name} has shape "
                             f"{num.shape}; a gradient must have its parameter's shape")
        if not np.isfinite(ana).all():
            raise ValueError(f"the analytic gradient of {name} contains NaN or infinite values")
        gap = np.abs(ana - num)
        tensors[name] = _tensor_check(name, relative_error(ana, num), float(gap.max()), rtol, atol)
        for flat in np.argsort(gap, axis=None)[::-1][:3]:
            index = np.unravel_index(flat, num.shape)
            worst.append((name, tuple(int(i) for i in index), float(ana[index]), float(num[index])))
        analytic[name] = ana
    worst.sort(key=lambda entry: -abs(entry[2] - entry[3]))
    all_ana = np.concatenate([analytic[n].ravel() for n in numerical])
    all_num = np.concatenate([v.ravel() for v in numerical.values()])
    return GradientReport(relative_error(all_ana, all_num), tensors, worst, eps, rtol, atol)


def _gradient_for(grads, name: str):
    if not isinstance(grads, dict):
        raise TypeError(f"the gradient function must return a dict of gradients (name or 'd' + name -> array); "
                        f"got {type(grads).__name__}")
    for key in (name, "d" + name):
        if key in grads:
            return grads[key]
    raise ValueError(f"the gradient function returned no gradient for {name!r} (looked for {name!r} and "
                     f"{'d' + name!r}); it returned {sorted(grads)}")


def _is_torch_params(params, torch) -> bool:
    if torch is None:
        return False
    if isinstance(params, torch.nn.Module):
        return True
    return isinstance(params, dict) and bool(params) and any(isinstance(v, torch.Tensor) for v in params.values())


def check_gradients(loss, params, gradient=None, eps=1e-7, rtol=FINE, atol=ATOL):
    """Check a gradient, tensor by tensor, against central differences; returns a GradientReport.

    A tensor passes when its relative error is <= rtol or its largest absolute difference is <= atol.
    NumPy: loss(params) -> float and gradient(params) -> dict of arrays (keys 'W1' or 'dW1').
    torch: params is a dict of tensors or an nn.Module, loss(params) -> scalar tensor, and the analytic
    gradient comes from autograd (leave gradient=None).
    """
    loss, eps = _function(loss, "loss", "params -> loss"), _epsilon(eps)
    rtol, atol = _tolerance(rtol, "rtol"), _tolerance(atol, "atol")
    torch = sys.modules.get("torch")
    if _is_torch_params(params, torch):
        if gradient is not None:
            raise TypeError("with torch parameters the analytic gradient comes from autograd: leave gradient=None")
        return _check_torch(loss, params, eps, rtol, atol, torch)
    if gradient is None:
        raise TypeError("for NumPy parameters pass gradient=, a function params -> dict of gradients")
    _function(gradient, "gradient", "params -> dict of gradients")
    params = _params(params)
    numeric = numerical_gradients(loss, params, eps)
    grads = gradient({name: value.copy() for name, value in params.items()})
    return _report({name: _gradient_for(grads, name) for name in numeric}, numeric, eps, rtol, atol)


def _torch_named(params, torch) -> dict:
    """The tensors to check: a Module's trainable parameters, or float copies of a dict's tensors."""
    if isinstance(params, torch.nn.Module):
        named = {n: t for n, t in params.named_parameters() if t.requires_grad}
        if not named:
            raise ValueError("params is an nn.Module with no trainable parameters (requires_grad=True) to check")
        return named
    named = {}
    for name, tensor in params.items():
        if not isinstance(name, str):
            raise TypeError(f"params keys must be tensor names (str); got {name!r}")
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"params mixes torch tensors and {type(tensor).__name__} ({name!r}); pass all tensors "
                            "(autograd gives the gradient) or all NumPy arrays (with gradient=)")
        if not tensor.dtype.is_floating_point:
            raise TypeError(f"params[{name!r}] has dtype {tensor.dtype}; gradients need a floating-point tensor "
                            "(use torch.float64)")
        if tensor.numel() == 0:
            raise ValueError(f"params[{name!r}] is empty; it needs at least one entry")
        # A fresh contiguous leaf: works for tensors without requires_grad and for views, and the caller's
        # tensors are never modified.
        named[name] = tensor.detach().clone(memory_format=torch.contiguous_format).requires_grad_(True)
    return named


def _check_torch(loss, params, eps, rtol, atol, torch):
    named = _torch_named(params, torch)
    argument = params if isinstance(params, torch.nn.Module) else named
    if any(t.dtype != torch.float64 for t in named.values()):
        warnings.warn("float32 gradient check: round-off limits the relative error to about 1e-3..1e-4; "
                      "convert with .double()", stacklevel=3)
    with torch.enable_grad():
        value = loss(argument)
    if not isinstance(value, torch.Tensor) or not value.requires_grad:
        raise TypeError("with torch parameters, loss(params) must return a scalar tensor computed from them "
                        f"(so autograd can differentiate it); got {type(value).__name__}")
    _finite(value, "at the starting parameters")
    grads = torch.autograd.grad(value.reshape(()), list(named.values()), allow_unused=True)
    if all(g is None for g in grads):
        raise ValueError("loss(params) does not depend on any tensor in params: compute the loss from the "
                         "argument it receives (the checker passes copies), not from tensors outside it")
    analytic = {n: (np.zeros(tuple(t.shape)) if g is None else g.detach().cpu().double().numpy())
                for (n, t), g in zip(named.items(), grads)}
    numeric = {}
    with torch.no_grad():
        for name, tensor in named.items():
            grad = np.zeros(tuple(tensor.shape))
            for index in np.ndindex(grad.shape):  # indexing, not view(-1): works for any memory layout
                old = tensor[index].item()
                tensor[index] = old + eps
                plus = _finite(loss(argument), f"at {name}{list(index)} + eps")
                tensor[index] = old - eps
                minus = _finite(loss(argument), f"at {name}{list(index)} - eps")
                tensor[index] = old
                grad[index] = (plus - minus) / (2 * eps)
            numeric[name] = grad
    return _report(analytic, numeric, eps, rtol, atol)


def directional_check(loss, gradient, params, num_directions=5, eps=1e-6, seed=0):
    """A cheap check: the relative error of g·d against (J(θ+εd) - J(θ-εd))/2ε along random unit directions d."""
    loss = _function(loss, "loss", "params -> float")
    gradient = _function(gradient, "gradient", "params -> dict of gradients")
    eps, num_directions = _epsilon(eps), positive_int(num_directions, "num_directions")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer; got seed={seed!r}")
    flat = params_to_vector(params)
    theta, spec = flat.theta, flat.spec
    grads = gradient(vector_to_params(theta.copy(), spec))
    g = params_to_vector({n: np.asarray(_gradient_for(grads, n), dtype=float) for n, _ in spec}).theta
    if g.size != theta.size:
        raise ValueError(f"the gradient has {g.size} entries but params have {theta.size}; shapes must match")
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
    f, df = _function(f, "f", "x -> f(x)"), _function(df, "df", "x -> f'(x)")
    method, x = _method(method), real_number(x, "x")
    if dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(f"dtype must be np.float16, np.float32 or np.float64; got dtype={dtype!r}")
    eps_values = [_epsilon(e) for e in np.atleast_1d(numeric_array(eps_values, "eps_values"))]
    x = dtype(x)
    errors = []
    for eps in eps_values:
        e = dtype(eps)
        estimate = (f(x + e) - f(x - e)) / (dtype(2) * e) if method == "central" else (f(x + e) - f(x)) / e
        errors.append(abs(float(estimate) - float(df(float(x)))))
    return np.array(errors)


def fitted_slope(eps_values, errors):
    """Slope of log(error) against log(eps): about 1 for forward and 2 for central differences."""
    eps_values = np.atleast_1d(np.asarray(numeric_array(eps_values, "eps_values"), dtype=float))
    errors = np.atleast_1d(np.asarray(numeric_array(errors, "errors"), dtype=float))
    if eps_values.shape != errors.shape or eps_values.ndim != 1 or len(errors) < 2:
        raise ValueError(f"eps_values and errors must be 1-D with the same length >= 2; got shapes "
                         f"{eps_values.shape} and {errors.shape}")
    if (eps_values <= 0).any() or (errors <= 0).any():
        raise ValueError("eps_values and errors must all be > 0 (the slope is fitted on a log-log scale)")
    return float(np.polyfit(np.log10(eps_values), np.log10(errors), 1)[0])
