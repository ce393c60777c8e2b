"""Capacity, bias and variance with polynomial fits of a noisy sine curve (Chapter 0, Generalization)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reglab._random import rng_for
from reglab._validate import positive_int, real_number
from reglab.data import Dataset, Split

__all__ = ["true_curve", "make_curve_data", "fit_polynomial", "PolyFit", "mean_squared_error", "CapacityCurve",
           "capacity_curve", "ResampledFits", "resampled_fits", "BiasVariance", "bias_variance",
           "LearningCurve", "learning_curve", "Diagnosis", "diagnose", "RECIPE", "MAX_DEGREE", "DegreeChoice",
           "choose_degree", "FitPicture", "fit_picture", "CURVE_X"]

MAX_DEGREE = 15
RECIPE = {
    "high bias": "bigger network, train longer, or a different architecture; then check the bias again",
    "high variance": "more data, regularisation (weight decay, dropout, early stopping, augmentation); "
                     "then check the variance again",
    "neither": "done: both gaps are small",
}


def true_curve(x):
    """The function every curve dataset is drawn from: sin(2πx)."""
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


def _check_range(x_range, name):
    lo, hi = (real_number(v, name) for v in x_range)
    if not lo < hi:
        raise ValueError(f"{name} must be (low, high) with low < high; got {tuple(x_range)}")
    return lo, hi


def _binned_uniform(rng, n, lo_hi=(0.0, 1.0), shape=()):
    lo, hi = lo_hi
    return lo + (hi - lo) * (np.arange(n) + rng.uniform(0, 1, (*shape, n))) / n


def make_curve_data(num_train=20, num_val=200, num_test=200, noise=0.3, seed=0, train_range=(0.0, 1.0),
                    val_range=(0.0, 1.0), test_range=(0.0, 1.0)) -> Dataset:
    """y = sin(2πx) + N(0, noise²); X has one column, x itself.

    Training x: one uniform point in each of num_train equal bins of train_range (no wide gaps, so high degrees
    stay finite); validation and test x: uniform in their ranges.
    """
    sizes = [positive_int(v, n) for v, n in [(num_train, "num_train"), (num_val, "num_val"), (num_test, "num_test")]]
    noise = real_number(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0; got {noise:g}")
    ranges = [_check_range(r, n) for r, n in [(train_range, "train_range"), (val_range, "val_range"),
                                               (test_range, "test_range")]]
    rng = rng_for(seed, "capacity.curve_data")

    def split(n, lo_hi, binned):
        x = _binned_uniform(rng, n, lo_hi) if binned else rng.uniform(*lo_hi, n)
        return Split(x[:, None], true_curve(x) + noise * rng.standard_normal(n))

    parts = [split(n, r, i == 0) for i, (n, r) in enumerate(zip(sizes, ranges))]
    return Dataset(*parts, f"noisy sine curve: {sizes[0]} training points, noise standard deviation {noise:g}")


def _features(x, degree):
    # Legendre polynomials on [-1, 1] keep the least-squares problem well conditioned up to degree 15.
    return np.polynomial.legendre.legvander(2 * np.asarray(x, dtype=float).ravel() - 1, degree)


def _degree(degree):
    degree = int(degree) if isinstance(degree, (int, np.integer)) and not isinstance(degree, bool) else degree
    if not isinstance(degree, int) or not 0 <= degree <= MAX_DEGREE:
        raise ValueError(f"degree must be an integer from 0 to {MAX_DEGREE}; got {degree!r}")
    return degree


@dataclass(frozen=True)
class PolyFit:
    """A least-squares polynomial of the given degree (in a Legendre basis on [0, 1])."""

    degree: int
    coef: np.ndarray

    def predict(self, x) -> np.ndarray:
        return _features(x, self.degree) @ self.coef


def fit_polynomial(x, y, degree) -> PolyFit:
    """Least-squares polynomial fit; the minimum-norm one when there are more coefficients than points."""
    degree = _degree(degree)
    coef = np.linalg.lstsq(_features(x, degree), np.asarray(y, dtype=float), rcond=None)[0]
    return PolyFit(degree, coef)


CURVE_X = np.linspace(0, 1, 200)


@dataclass(frozen=True)
class FitPicture:
    """What a picture of one fit shows: training points, true curve and fit on a grid, and the fit's errors."""

    degree: int
    x: np.ndarray
    truth: np.ndarray
    prediction: np.ndarray
    train_x: np.ndarray
    train_y: np.ndarray
    train_error: float
    val_error: float


def fit_picture(data: Dataset, degree=None, fit: PolyFit | None = None) -> FitPicture:
    """Fit `degree` to data's training split (or take a given fit) and evaluate it for a picture (Chapter 0)."""
    if fit is None:
        fit = fit_polynomial(data.train.X, data.train.y, degree)
    elif not isinstance(fit, PolyFit):
        raise TypeError(f"fit must be a capacity.PolyFit (from fit_polynomial); got {type(fit).__name__}")
    return FitPicture(fit.degree, CURVE_X, true_curve(CURVE_X), fit.predict(CURVE_X), data.train.X[:, 0],
                      data.train.y, mean_squared_error(fit, data.train), mean_squared_error(fit, data.val))


def mean_squared_error(fit: PolyFit, split: Split) -> float:
    """Mean squared error of a fit on one split."""
    return float(np.mean((fit.predict(split.X) - split.y) ** 2))


@dataclass(frozen=True)
class CapacityCurve:
    """Training and validation (dev) error of one fit per degree."""

    degrees: np.ndarray
    train_error: np.ndarray
    val_error: np.ndarray

    @property
    def best_degree(self) -> int:
        """The degree with the lowest validation error (the one we would choose)."""
        return int(self.degrees[np.argmin(self.val_error)])


def capacity_curve(data: Dataset, degrees=range(MAX_DEGREE + 1)) -> CapacityCurve:
    """Fit every degree on the training split; report training and validation errors."""
    degrees = np.array([_degree(d) for d in degrees])
    fits = [fit_polynomial(data.train.X, data.train.y, d) for d in degrees]
    return CapacityCurve(degrees, np.array([mean_squared_error(f, data.train) for f in fits]),
                         np.array([mean_squared_error(f, data.val) for f in fits]))


@dataclass(frozen=True)
class ResampledFits:
    """Fits of one degree to many independently drawn training sets, evaluated on a grid of x."""

    degree: int
    x: np.ndarray
    predictions: np.ndarray   # (num_fits, len(x))

    @property
    def mean(self) -> np.ndarray:
        return self.predictions.mean(axis=0)

    @property
    def truth(self) -> np.ndarray:
        """The true curve on the same grid."""
        return true_curve(self.x)


def resampled_fits(degree, num_fits=50, num_train=20, noise=0.3, seed=0, num_points=200) -> ResampledFits:
    """Draw num_fits training sets of num_train points, fit each with the same degree, predict on a grid."""
    degree, num_fits = _degree(degree), positive_int(num_fits, "num_fits")
    num_train, num_points = positive_int(num_train, "num_train"), positive_int(num_points, "num_points")
    noise = real_number(noise, "noise")
    rng = rng_for(seed, "capacity.resampled_fits")
    x_grid = (np.arange(num_points) + 0.5) / num_points
    grid_features = _features(x_grid, degree)
    xs = _binned_uniform(rng, num_train, shape=(num_fits,))
    ys = true_curve(xs) + noise * rng.standard_normal((num_fits, num_train))
    coefs = [np.linalg.lstsq(_features(x, degree), y, rcond=None)[0] for x, y in zip(xs, ys)]
    return ResampledFits(degree, x_grid, np.array(coefs) @ grid_features.T)


@dataclass(frozen=True)
class BiasVariance:
    """Expected test error at one degree split into bias², variance and noise, with a direct estimate to compare."""

    degree: int
    bias_squared: float
    variance: float
    noise: float
    expected_error: float

    @property
    def total(self) -> float:
        return self.bias_squared + self.variance + self.noise


def bias_variance(degree, num_fits=500, num_train=20, noise=0.3, seed=0) -> BiasVariance:
    """Estimate bias², variance and the expected squared error on fresh noisy points, averaged over x in [0, 1]."""
    fits = resampled_fits(degree, num_fits, num_train, noise, seed)
    truth = true_curve(fits.x)
    bias_squared = float(np.mean((fits.mean - truth) ** 2))
    variance = float(np.mean(fits.predictions.var(axis=0)))
    fresh = truth + noise * rng_for(seed, "capacity.fresh_targets").standard_normal(fits.predictions.shape)
    return BiasVariance(fits.degree, bias_squared, variance, noise ** 2,
                        float(np.mean((fits.predictions - fresh) ** 2)))


@dataclass(frozen=True)
class LearningCurve:
    """Training and validation error of one degree against the number of training points (mean over seeds)."""

    degree: int
    sizes: np.ndarray
    train_error: np.ndarray
    val_error: np.ndarray


def learning_curve(degree, sizes, num_seeds=20, noise=0.3, seed=0) -> LearningCurve:
    """Mean training and validation error of a degree-`degree` fit for each training-set size."""
    degree, num_seeds = _degree(degree), positive_int(num_seeds, "num_seeds")
    sizes = np.array([positive_int(int(s), "sizes") for s in sizes])
    errors = np.zeros((2, len(sizes), num_seeds))
    for i, n in enumerate(sizes):
        for s in range(num_seeds):
            data = make_curve_data(num_train=int(n), noise=noise, seed=seed * 1000 + s)
            fit = fit_polynomial(data.train.X, data.train.y, degree)
            errors[:, i, s] = mean_squared_error(fit, data.train), mean_squared_error(fit, data.val)
    # Median over seeds: a rare near-singular fit (few points, high degree) would dominate a mean.
    train_error, val_error = np.median(errors, axis=2)
    return LearningCurve(degree, sizes, train_error, val_error)


@dataclass(frozen=True)
class Diagnosis:
    """Ng's reading of training and dev error against the Bayes (best possible) error."""

    avoidable_bias: float
    variance: float
    verdict: str

    @property
    def actions(self) -> list:
        """What the basic recipe says to try next, for each problem found."""
        problems = ["high bias", "high variance"] if self.verdict == "high bias and high variance" else [self.verdict]
        return [RECIPE[p] for p in problems]


def diagnose(train_error, dev_error, bayes_error=0.0, tolerance=0.02) -> Diagnosis:
    """High bias if train error is far above Bayes error, high variance if dev error is far above train error."""
    train_error, dev_error = real_number(train_error, "train_error"), real_number(dev_error, "dev_error")
    bayes_error, tolerance = real_number(bayes_error, "bayes_error"), real_number(tolerance, "tolerance")
    if tolerance <= 0:
        raise ValueError(f"tolerance must be > 0; got {tolerance:g}")
    if train_error < bayes_error - tolerance:
        raise ValueError(f"train_error ({train_error:g}) cannot be far below bayes_error ({bayes_error:g}): the Bayes "
                         "error is the lowest error any model can reach")
    bias, variance = train_error - bayes_error, dev_error - train_error
    verdict = {(True, True): "high bias and high variance", (True, False): "high bias",
               (False, True): "high variance", (False, False): "neither"}[(bias > tolerance, variance > tolerance)]
    return Diagnosis(bias, variance, verdict)


@dataclass(frozen=True)
class DegreeChoice:
    """The degree chosen on the validation split, what the test split says about it, and the test's own best."""

    degree: int
    val_error: float
    test_error: float
    best_test_degree: int
    best_test_error: float


def choose_degree(data: Dataset, degrees=range(MAX_DEGREE + 1)) -> DegreeChoice:
    """Choose the degree on validation, then report its test error next to the degree the test split prefers."""
    curve = capacity_curve(data, degrees)
    fits = {int(d): fit_polynomial(data.train.X, data.train.y, d) for d in curve.degrees}
    test = np.array([mean_squared_error(fits[int(d)], data.test) for d in curve.degrees])
    chosen, best = int(np.argmin(curve.val_error)), int(np.argmin(test))
    return DegreeChoice(int(curve.degrees[chosen]), float(curve.val_error[chosen]), float(test[chosen]),
                        int(curve.degrees[best]), float(test[best]))
