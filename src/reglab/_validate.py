"""Argument checks shared by every reglab module: clear errors that name the argument, its value and what is allowed.

Every validator of the package lives here (DESIGN.md, layer 1); this module imports nothing from reglab.
"""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np

__all__ = [
    "is_tensor", "real_number", "positive_int", "numeric_array", "same_kind", "nonnegative", "positive",
    "penalty_strength", "penalties", "learning_rate", "rate", "seed", "one_of", "sequence", "positive_ints",
    "targets01", "norm_order", "axis", "shape",
    "class_labels", "dataset_arrays", "index", "common_length", "torch_generator", "numpy_generator",
]


def is_tensor(x) -> bool:
    """True if x is a torch tensor (without importing torch when it is not loaded)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def real_number(value, name: str, *, allow_inf: bool = False) -> float:
    """Return value as a float, or raise if it is not a real number (bools refused)."""
    if isinstance(value, bool) or isinstance(value, np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must be a real number; got NaN")
    if math.isinf(value) and not allow_inf:
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def positive_int(value, name: str) -> int:
    """Return value if it is an int >= 1, else raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1); got {value}")
    return int(value)


def nonnegative(value, name: str, *, meaning: str = "") -> float:
    """A finite real number >= 0."""
    value = real_number(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0{meaning}; got {name}={value:g}")
    return value


def positive(value, name: str) -> float:
    """A finite real number > 0."""
    value = real_number(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {name}={value:g}")
    return value


def penalty_strength(value, name: str) -> float:
    """A penalty coefficient (weight decay, L1 strength): a finite real number >= 0."""
    return nonnegative(value, name, meaning=" (0 means no penalty)")


def penalties(values, name: str, entry_name: str):
    """A 1-D float array of penalty strengths, one per model: a single number or a non-empty list."""
    values = np.atleast_1d(values) if not isinstance(values, (str, bytes)) else np.array([values])
    if values.ndim != 1:
        raise ValueError(f"{name} must be a number or a flat list of numbers (one per model); got shape {values.shape}")
    if len(values) == 0:
        raise ValueError(f"{name} is empty; give at least one value (one per model)")
    return np.array([penalty_strength(v, entry_name) for v in values], dtype=float)


def learning_rate(lr, name: str = "lr") -> float:
    """A learning rate: a finite real number > 0."""
    return positive(lr, name)


def rate(value, name: str = "drop_rate", *, below_one: bool = False, why: str = "nothing is left to learn from"):
    """A drop rate: a probability in [0, 1], or in [0, 1) where dropping every unit is meaningless (below_one)."""
    value = real_number(value, name)
    if below_one and not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be between 0 and 1, excluding 1 (a probability of dropping a unit; at 1 "
                         f"every unit is dropped and {why}); got {value:g}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1 (a probability of dropping a unit); got {value:g}")
    return value


def seed(value, name: str = "seed", *, allow_none: bool = False):
    """A seed: a non-negative integer (or None where allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        allowed = "a non-negative integer" + (" or None" if allow_none else "")
        raise TypeError(f"{name} must be {allowed}; got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {value}")
    return int(value)


def norm_order(p, *, minimum: float, name: str = "p") -> float:
    """The order p of an Lp norm: a real number >= minimum, or math.inf."""
    p = real_number(p, name, allow_inf=True)
    if p == -math.inf or p < minimum:
        raise ValueError(f"{name} must be >= {minimum:g} or math.inf; got {name}={p:g}")
    return p


def axis(value, ndim: int, name: str = "axis"):
    """None (every entry) or an int naming one of ndim axes."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be None (all entries) or an integer; got {value!r}")
    if not -ndim <= value < ndim:
        raise ValueError(f"{name} must be None or an integer from {-ndim} to {ndim - 1} (x is {ndim}-D); "
                         f"got {name}={value}")
    return int(value)


def shape(value, name: str = "shape") -> tuple:
    """An array shape: a positive int or a tuple of positive ints."""
    dims = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if not dims:
        raise ValueError(f"{name} must have at least one dimension; got ()")
    return tuple(positive_int(n, f"{name} entries") for n in dims)


def one_of(value, name: str, allowed) -> None:
    """Raise unless value is one of allowed."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {tuple(allowed)}; got {value!r}")


def sequence(values, name: str, *, what: str = "values", allow_empty: bool = False) -> list:
    """values as a list: a list, tuple or 1-D array (not a string or a single number)."""
    if not (isinstance(values, (list, tuple, range)) or (isinstance(values, np.ndarray) and values.ndim == 1)):
        raise TypeError(f"{name} must be a list or tuple of {what}; got {values!r}")
    if not allow_empty and len(values) == 0:
        raise ValueError(f"{name} is empty; give at least one of the {what}")
    return list(values)


def positive_ints(values, name: str, *, allow_empty: bool = False) -> list:
    """A list or tuple of positive integers (layer sizes)."""
    return [positive_int(v, f"{name} entries") for v in
            sequence(values, name, what="positive integers", allow_empty=allow_empty)]


def _shape_error(name, ndim, layout, shape):
    layout = f" {layout}" if layout else ""
    return ValueError(f"{name} must be {ndim}-D{layout}; got shape {tuple(shape)}")


def numeric_array(x, name: str, ndim: int | None = None, layout: str = ""):
    """Return x as a float NumPy array or float torch tensor, refusing empty, NaN, inf, non-numbers and wrong ndim."""
    if is_tensor(x):
        if x.dtype.is_complex or x.dtype == sys.modules["torch"].bool:
            raise TypeError(f"{name} must hold real numbers; got a tensor of dtype {x.dtype}")
        if not x.dtype.is_floating_point:
            x = x.double()
        finite = bool(sys.modules["torch"].isfinite(x).all()) if x.numel() else True
        size = x.numel()
    else:
        if isinstance(x, (str, bytes)):
            raise TypeError(f"{name} must be an array of real numbers; got a string {x!r}")
        try:
            x = np.asarray(x)
        except ValueError as err:  # ragged nested lists
            raise ValueError(f"{name} must be a rectangular array of real numbers: {err}") from None
        if x.dtype.kind not in "iuf":
            raise TypeError(
                f"{name} must hold real numbers (int or float); got dtype {x.dtype}"
                + (" (did you pass strings or None?)" if x.dtype.kind in "OUS" else "")
            )
        x = x.astype(np.float64, copy=False) if x.dtype.kind in "iu" else x
        finite = bool(np.isfinite(x).all())
        size = x.size
    if ndim is not None and x.ndim != ndim:
        raise _shape_error(name, ndim, layout, x.shape)
    if size == 0:
        raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); it needs at least one entry")
    if not finite:
        values = np.asarray(x.detach().cpu() if is_tensor(x) else x)
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
        raise ValueError(f"{name} contains NaN or infinite values (first at index {where}: {values[where]}); "
                         "every entry must be finite")
    return x


def same_kind(x, y, x_name: str, y_name: str) -> None:
    """Raise if x and y are not both tensors or both arrays, or differ in shape."""
    if is_tensor(x) != is_tensor(y):
        kinds = {True: "a torch tensor", False: "a NumPy array"}
        raise TypeError(
            f"{x_name} is {kinds[is_tensor(x)]} but {y_name} is {kinds[is_tensor(y)]}; "
            "pass two arrays or two tensors"
        )
    if tuple(x.shape) != tuple(y.shape):
        raise ValueError(f"{x_name} has shape {tuple(x.shape)} but {y_name} has shape {tuple(y.shape)}; "
                         "they must match")


def targets01(y, name: str, *, labels: bool = True):
    """Binary targets: finite, 1-D, every entry 0 or 1 (labels) or between 0 and 1 (probabilities)."""
    y = numeric_array(y, name, 1, "(one target per example)")
    values = np.asarray(y)
    ok = ((values == 0) | (values == 1)) if labels else ((values >= 0) & (values <= 1))
    if not ok.all():
        allowed = "class labels 0 and 1" if labels else "targets between 0 and 1"
        raise ValueError(f"{name} must hold {allowed} (binary classification); got values such as "
                         f"{np.unique(values[~ok])[:3].tolist()}")
    return y


def class_labels(y, name: str, num_classes: int):
    """Integer class labels 0 .. num_classes - 1."""
    values = np.asarray(numeric_array(y, name, 1, "(one label per example)"))
    ok = (values == np.round(values)) & (values >= 0) & (values < num_classes)
    if not ok.all():
        raise ValueError(f"{name} must hold integer class labels 0 to {num_classes - 1}; got values such as "
                         f"{np.unique(values[~ok])[:3].tolist()}")
    return values


def dataset_arrays(data, name: str = "data") -> None:
    """Every split of a dataset still holds finite numbers (its arrays can be changed after it was built)."""
    for split in ("train", "val", "test"):
        part = getattr(data, split)
        numeric_array(part.X, f"{name}.{split}.X", 2, "(examples, features)")
        numeric_array(part.y, f"{name}.{split}.y", 1, "(one target per example)")


def index(k, length: int, name: str = "k") -> int:
    """An index into a sequence of length runs: an int in [-length, length)."""
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral):
        raise TypeError(f"{name} must be an integer index; got {k!r}")
    if not -length <= k < length:
        raise ValueError(f"{name} must be an index from {-length} to {length - 1} (there are {length} runs; "
                         f"negative indices count from the end); got {k}")
    return int(k) % length


def common_length(lengths: dict) -> int:
    """The shared length of per-model settings, where length 1 means 'the same for every model'."""
    for name, n in lengths.items():
        if n == 0:
            raise ValueError(f"{name} is empty; give at least one value (one per model, or one for all)")
    longer = {name: n for name, n in lengths.items() if n != 1}
    if len(set(longer.values())) > 1:
        names = list(lengths)
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"{', '.join(names[:-1])} and {names[-1]} must have the same number of entries, one per "
                         f"model (or a single entry, used for every model); got: {listed}")
    return max(lengths.values())


def torch_generator(generator, name: str = "generator", *, purpose: str = "dropout masks") -> None:
    """Raise unless generator is a torch.Generator."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(generator, torch.Generator):
        raise TypeError(f"{name} must be a torch.Generator (e.g. torch.Generator().manual_seed(0)) for {purpose}, "
                        f"so that runs repeat; got {generator!r}")


def numpy_generator(rng, name: str = "rng") -> None:
    """Raise unless rng is a np.random.Generator."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a np.random.Generator (e.g. np.random.default_rng(0)), so that runs "
                        f"repeat; got {rng!r}")
