"""A classifier sweep repeated over datasets drawn with different seeds: choose on validation, test once (Chapter 3).

A setting is chosen per seed on the validation split; the test split is then read once, for the chosen setting
and for a fixed baseline, so a claimed gain comes with its seed-to-seed spread.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from reglab import train

__all__ = ["SeedStudy", "sweep_over_seeds"]


@dataclass
class SeedStudy:
    """Final accuracies (seeds, settings) of one sweep per seed; sweeps[i] is the full ClassifierSweep of seeds[i]."""

    seeds: list
    train_acc: np.ndarray
    val_acc: np.ndarray
    test_acc: np.ndarray
    sweeps: list

    def _among(self, among):
        among = list(range(self.val_acc.shape[1]) if among is None else among)
        if not among or any(not 0 <= k < self.val_acc.shape[1] for k in among):
            raise ValueError(f"among must list setting indices between 0 and {self.val_acc.shape[1] - 1}; got {among}")
        return among

    def chosen(self, among=None) -> np.ndarray:
        """Per seed, the index (among the given setting indices) with the best final validation accuracy."""
        among = self._among(among)
        return np.array(among)[np.argmax(self.val_acc[:, among], axis=1)]

    def test_gain(self, baseline=0, among=None) -> np.ndarray:
        """Per seed, test accuracy of the setting chosen on validation minus that of the baseline setting."""
        chosen = self.chosen(among)
        rows = np.arange(len(self.seeds))
        return self.test_acc[rows, chosen] - self.test_acc[:, self._among([baseline])[0]]


def sweep_over_seeds(make_data, seeds=(0, 1, 2, 3, 4), progress=None, **sweep_kwargs) -> SeedStudy:
    """Run train.sweep_classifier(make_data(seed), seed=seed, **sweep_kwargs) for each seed.

    progress: optional wrapper of an iterable, such as tqdm, to show which seed is training.
    """
    if not callable(make_data):
        raise TypeError(f"make_data must be a function seed -> Dataset; got {type(make_data).__name__}")
    seeds = list(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0 for s in seeds):
        raise ValueError(f"seeds must be a non-empty sequence of integers >= 0; got {seeds!r}")
    sweeps = [train.sweep_classifier(make_data(seed), seed=seed, **sweep_kwargs)
              for seed in (progress(seeds, desc="one sweep per dataset") if progress else seeds)]
    finals = {name: np.array([getattr(s, name)[:, -1] for s in sweeps])
              for name in ("train_acc", "val_acc", "test_acc")}
    return SeedStudy(seeds, finals["train_acc"], finals["val_acc"], finals["test_acc"], sweeps)
