"""The settings and data of each explorer, shared by chapters, live apps, scrubbers, tests and benchmarks."""

from __future__ import annotations

import functools
import math

from reglab import data as datasets

__all__ = ["DEGREES", "DEPTHS", "INIT_SCALES", "TRAIN_SIZES", "CLASSIFIER_LAMBDAS", "CLASSIFIER_SETTINGS", "DEFAULT_DROP_RATE", "DEFAULT_P", "DEFAULT_WEIGHT_DECAY",
           "DROPOUT_SETTINGS", "DROP_RATE_CHOICES", "P_CHOICES", "REGRESSION_LAMBDAS", "TASKS", "default_data"]

P_CHOICES = (0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 12, 20, math.inf)
DEFAULT_P = 2

REGRESSION_LAMBDAS = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0,
                      30.0)
CLASSIFIER_LAMBDAS = (0.0, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3)
DEFAULT_WEIGHT_DECAY = {"regression": 3.0, "classification": 0.003}
# Arguments of train.train_classifier / sweep_classifier for the λ explorer's 2-D classifier.
CLASSIFIER_SETTINGS = {"hidden_sizes": (32, 32), "activation": "tanh", "lr": 0.02, "num_epochs": 500,
                       "record_every": 50}

DROP_RATE_CHOICES = tuple(round(0.05 * i, 2) for i in range(19))   # 0, 0.05, ..., 0.9
DEFAULT_DROP_RATE = 0.5
# Arguments of train.train_classifier / sweep_classifier for the dropout explorer (Chapter 3).
DROPOUT_SETTINGS = {"hidden_sizes": (48, 48), "activation": "relu", "lr": 0.03, "num_epochs": 300,
                    "record_every": 50}

TASKS = ("regression", "classification", "dropout")


@functools.lru_cache(maxsize=3)
def default_data(task):
    """The seeded dataset each explorer trains on: Chapter 2's regression and moons, Chapter 3's noisier moons."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")
    if task == "regression":
        return datasets.make_high_dim_regression(seed=0)
    if task == "dropout":
        return datasets.make_noisy_moons(label_noise=0.2, seed=0)
    return datasets.make_noisy_moons(seed=0)

# The capacity explorer (Chapter 0): polynomial degrees and training-set sizes on its sliders.
DEGREES = tuple(range(16))
TRAIN_SIZES = (8, 10, 12, 15, 20, 25, 30, 40, 60, 80, 100, 150, 200)
# The initialisation explorer (Chapter 5): scales of He's standard deviation and network depths.
INIT_SCALES = (0.25, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.4, 2.0, 4.0)
DEPTHS = (2, 5, 10, 15, 20, 30, 40, 50)
