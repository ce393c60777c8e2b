"""What the website's in-browser trainers (_static/reglab-live.js) need to retrain an explorer exactly as reglab does.

Each spec is a JSON-ready dict: the data, the initial weights and the minibatch orders drawn from the same seeded
streams as reglab's trainers, and the settings of the explorer (reglab.presets). Arrays travel as base64 float64.
"""

from __future__ import annotations

import base64

import numpy as np

from reglab import capacity, models, presets
from reglab._random import rng_for
from reglab._validate import one_of, positive_int
from reglab.data import Dataset

__all__ = ["DTYPES", "array_field", "capacity_spec", "classifier_spec", "explorer_classifier_spec", "regression_spec"]


DTYPES = {"f64": "<f8", "f32": "<f4", "u8": "u1"}


def array_field(values, precision="f64") -> dict:
    """An array as {"f64": base64 of little-endian float64 bytes} (exact), "f32" (half the size, 7 digits) or "u8"
    (whole numbers from 0 to 255, such as labels and example indices: an eighth of the size, exact)."""
    one_of(precision, "precision", tuple(DTYPES))
    values = np.asarray(values)
    if precision == "u8" and not (np.all(values == np.round(values)) and values.min() >= 0 and values.max() <= 255):
        raise ValueError("precision 'u8' needs whole numbers from 0 to 255")
    data = np.ascontiguousarray(values, dtype=DTYPES[precision]).tobytes()
    return {precision: base64.b64encode(data).decode()}


def _split(split, precision="f64", labels=False) -> dict:
    """One split's inputs and targets as array fields (class labels 0/1 as bytes)."""
    return {"X": array_field(split.X, precision), "y": array_field(split.y, "u8" if labels else "f64")}


def regression_spec(data: Dataset | None = None, lr=0.003, num_epochs=100, batch_size=5, seed=0, init_scale=1.0,
                    splits=("train", "test"), evaluation_precision="f64") -> dict:
    """train.sweep_linear_regression's inputs: data, the seeded starting weights and every epoch's example order.

    evaluation_precision "f32" halves the bytes of the inputs of the splits only evaluated on (not training's).
    """
    data = data or presets.default_data("regression")
    for name in splits:
        one_of(name, "splits entries", ("train", "val", "test"))
    n, d = data.train.X.shape
    num_epochs, batch_size = positive_int(num_epochs, "num_epochs"), positive_int(batch_size, "batch_size")
    rng = rng_for(seed, "train.linear_regression")     # the same stream, drawn in the same order, as the trainer
    w0 = rng.normal(0.0, init_scale, d)
    orders = np.concatenate([rng.permutation(n) for _ in range(num_epochs)])
    spec = {"kind": "regression", "num_features": d, "lr": lr, "num_epochs": num_epochs, "batch_size": batch_size,
            "w0": array_field(w0), "orders": array_field(orders, "u8" if n <= 256 else "f64")}
    spec.update({name: _split(getattr(data, name), "f64" if name == "train" else evaluation_precision)
                 for name in dict.fromkeys(("train", *splits))})
    return spec


def classifier_spec(data: Dataset, hidden_sizes, activation, lr, num_epochs, record_every, seed=0,
                    splits=("train", "test"), evaluation_precision="f64") -> dict:
    """train.sweep_classifier's inputs for one model: data, layer sizes, the seeded initial parameters, the grid.

    evaluation_precision "f32" halves the bytes of the inputs of the splits only evaluated on (not training's).
    """
    for name in splits:
        one_of(name, "splits entries", ("train", "val", "test"))
    sizes = [data.train.X.shape[1], *hidden_sizes, 1]
    params = models.init_mlp(sizes, activation, 1, seed)
    spec = {"kind": "classifier", "sizes": sizes, "activation": activation, "lr": lr, "num_epochs": num_epochs,
            "record_every": record_every, "seed": seed, "params0": array_field(models.flat_view(params)[0]),
            "grid": array_field(models.PLANE_GRID)}
    spec.update({name: _split(getattr(data, name), "f64" if name == "train" else evaluation_precision, labels=True)
                 for name in dict.fromkeys(("train", *splits))})
    return spec


def explorer_classifier_spec(task: str, splits=("train", "test"), evaluation_precision="f32") -> dict:
    """The λ explorer's (task 'classification') or the dropout explorer's (task 'dropout') classifier spec."""
    one_of(task, "task", ("classification", "dropout"))
    settings = presets.CLASSIFIER_SETTINGS if task == "classification" else presets.DROPOUT_SETTINGS
    return classifier_spec(presets.default_data(task), splits=splits, evaluation_precision=evaluation_precision,
                           **settings)


def capacity_spec(train_sizes=presets.TRAIN_SIZES, seed=0) -> dict:
    """The capacity explorer's data for every training-set size on its slider, and the grid its fits are drawn on."""
    sets = {}
    for n in train_sizes:
        data = capacity.make_curve_data(num_train=n, seed=seed)
        sets[str(n)] = {name: {"x": array_field(getattr(data, name).X[:, 0]), "y": array_field(getattr(data, name).y)}
                        for name in ("train", "val")}
    return {"kind": "capacity", "max_degree": capacity.MAX_DEGREE, "sets": sets,
            "curve_x": array_field(capacity.CURVE_X), "truth": array_field(capacity.true_curve(capacity.CURVE_X))}
