"""Argument checks shared by every reglab module: clear errors that name the argument."""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np

__all__ = ["is_tensor", "numeric_array", "positive_int", "real_number", "same_kind"]


def is_tensor(x) -> bool:
    """True if x is a torch tensor (without importing torch when it is not loaded)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def real_number(value, name: str, *, allow_inf: bool = False) -> float:
    """Return value as a float, or raise if it is not a real number (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must be a real number; got NaN")
    if math.isinf(value) and not allow_inf:
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def positive_int(value, name: str) -> int:
    """Return value if it is an int >= 1, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1); got {value}")
    return int(value)


def numeric_array(x, name: str):
    """Return x as a float NumPy array or float torch tensor, refusing empty, NaN, inf and non-numbers."""
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
    if size == 0:
        raise ValueError(f"{name} is empty; it needs at least one entry")
    if not finite:
        raise ValueError(f"{name} contains NaN or infinite values; every entry must be finite")
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
        raise ValueError(f"{x_name} has shape {tuple(x.shape)} but {y_name} has shape {tuple(y.shape)}; they must match")
