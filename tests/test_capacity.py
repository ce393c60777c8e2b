"""Chapter 0's computing module: polynomial capacity, resampled fits, the bias-variance identity, the diagnosis."""

import numpy as np
import pytest

from reglab import capacity


def test_curve_data_is_seeded_and_the_training_points_cover_every_bin():
    a, b = capacity.make_curve_data(seed=3), capacity.make_curve_data(seed=3)
    assert np.array_equal(a.train.X, b.train.X) and np.array_equal(a.val.y, b.val.y)
    x = np.sort(a.train.X[:, 0])
    assert np.array_equal(np.floor(x * 20), np.arange(20)), "one training point in each twentieth of [0, 1]"
    noiseless = capacity.make_curve_data(noise=0.0, seed=0)
    assert np.allclose(noiseless.test.y, np.sin(2 * np.pi * noiseless.test.X[:, 0]))


def test_ranges_move_the_splits():
    data = capacity.make_curve_data(val_range=(0.0, 0.5), test_range=(0.5, 1.0), seed=0)
    assert data.val.X.max() <= 0.5 <= data.test.X.min()
    with pytest.raises(ValueError, match="val_range"):
        capacity.make_curve_data(val_range=(1.0, 0.0))


def test_fit_reproduces_a_polynomial_exactly_and_matches_numpy_polyfit():
    x = np.linspace(0, 1, 12)
    y = 1 - 2 * x + 3 * x ** 3
    fit = capacity.fit_polynomial(x, y, 3)
    assert np.allclose(fit.predict(np.array([0.13, 0.77])), [1 - 0.26 + 3 * 0.13 ** 3, 1 - 1.54 + 3 * 0.77 ** 3])
    noisy = y + np.random.default_rng(0).normal(0, 0.1, 12)
    ours = capacity.fit_polynomial(x, noisy, 5).predict(x)
    assert np.allclose(ours, np.polyval(np.polyfit(x, noisy, 5), x), atol=1e-9)


def test_training_error_never_rises_with_degree_and_interpolates_at_n_minus_1():
    data = capacity.make_curve_data(num_train=12, seed=1)
    curve = capacity.capacity_curve(data, range(12))
    assert np.all(np.diff(curve.train_error) <= 1e-10), "nested models: more capacity never fits worse"
    assert curve.train_error[11] < 1e-12, "12 coefficients pass through 12 points"
    assert curve.best_degree == int(np.argmin(curve.val_error))


@pytest.mark.parametrize("degree", [1, 3, 9])
def test_bias_variance_decomposition_adds_up_to_the_measured_error(degree):
    result = capacity.bias_variance(degree, num_fits=400, seed=0)
    # Monte-Carlo: the identity holds in expectation; 400 fits x 200 points leave < 2 % error here
    assert result.total == pytest.approx(result.expected_error, rel=0.02)
    assert result.noise == pytest.approx(0.09)


def test_bias_falls_and_variance_rises_with_capacity():
    low, mid, high = (capacity.bias_variance(d, num_fits=300, seed=1) for d in (1, 3, 11))
    assert low.bias_squared > 10 * mid.bias_squared
    assert low.variance < mid.variance < high.variance
    assert low.bias_squared == pytest.approx(0.196, abs=0.01), "best line to sin(2πx) on [0, 1]: bias² ≈ 0.196"


def test_more_data_lowers_the_dev_error_of_a_flexible_model():
    curve = capacity.learning_curve(9, [15, 50, 200], num_seeds=10, seed=0)
    assert curve.val_error[0] > curve.val_error[1] > curve.val_error[2]
    assert curve.train_error[2] < curve.val_error[2]


def test_mismatched_dev_and_test_choose_badly():
    matched = capacity.choose_degree(capacity.make_curve_data(seed=0))
    assert matched.degree == matched.best_test_degree
    bad = capacity.choose_degree(capacity.make_curve_data(seed=0, val_range=(0, 0.5), test_range=(0.5, 1)))
    assert bad.degree != bad.best_test_degree and bad.test_error > 1.2 * bad.best_test_error


@pytest.mark.parametrize("train_error, dev_error, bayes, verdict", [
    (0.01, 0.11, 0.0, "high variance"), (0.15, 0.16, 0.0, "high bias"),
    (0.15, 0.30, 0.0, "high bias and high variance"), (0.005, 0.01, 0.0, "neither"),
    (0.15, 0.16, 0.15, "neither")])
def test_diagnose_reads_ngs_four_cases(train_error, dev_error, bayes, verdict):
    diagnosis = capacity.diagnose(train_error, dev_error, bayes_error=bayes)
    assert diagnosis.verdict == verdict
    assert len(diagnosis.actions) == (2 if verdict.startswith("high bias and") else 1)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="degree"):
        capacity.fit_polynomial([0, 1], [0, 1], 16)
    with pytest.raises(ValueError, match="bayes_error"):
        capacity.diagnose(0.01, 0.02, bayes_error=0.2)
    with pytest.raises(TypeError, match="noise"):
        capacity.make_curve_data(noise="0.3")
