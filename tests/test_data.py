"""Seeded datasets: reproducible, independent streams, the shapes and statistics the chapters rely on."""

import numpy as np
import pytest

from reglab import data
from reglab._random import rng_for


def test_regression_matches_its_recipe():
    d = data.make_high_dim_regression(seed=0)
    assert d.train.X.shape == (20, 200) and d.test.X.shape == (100, 200) and d.val.X.shape == (100, 200)
    residual = d.test.y - d.test.X @ d.true_w - d.true_b
    assert residual.std() == pytest.approx(0.01, rel=0.25)  # the noise level, and nothing else
    np.testing.assert_array_equal(d.true_w, np.full(200, 0.01))


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = (data.make_high_dim_regression(seed=s) for s in (0, 0, 1))
    np.testing.assert_array_equal(a.train.X, b.train.X)
    assert not np.allclose(a.train.X, c.train.X)


def test_streams_for_different_purposes_are_independent():
    # A bug this guards against: data and initial weights drawn from the same generator state.
    d = data.make_high_dim_regression(seed=0)
    init = rng_for(0, "train.linear_regression").normal(0.0, 1.0, 200)
    assert abs(np.corrcoef(init, d.train.X[0])[0, 1]) < 0.3


def test_noisy_moons_flips_labels_and_standardises():
    d = data.make_noisy_moons(num_train=400, label_noise=0.1, seed=3)
    assert d.train.X.mean(0) == pytest.approx([0, 0], abs=1e-12)
    assert d.train.X.std(0) == pytest.approx([1, 1], abs=1e-12)
    flipped = int(d.description.split(", ")[-1].split()[0])
    assert 20 <= flipped <= 60
    assert set(np.unique(d.test.y)) == {0.0, 1.0}


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: data.Split(np.ones((3, 2)), np.ones(4)), ValueError, "same number of examples"),
    (lambda: data.Split(np.ones(3), np.ones(3)), ValueError, "X must be 2-D"),
    (lambda: data.Split(np.array([["a"]]), np.ones(1)), TypeError, "real numbers"),
    (lambda: data.Dataset(data.Split(np.ones((2, 2)), np.ones(2)), data.Split(np.ones((2, 3)), np.ones(2)),
                          data.Split(np.ones((2, 2)), np.ones(2)), "x"), ValueError, "same number of features"),
    (lambda: data.make_high_dim_regression(num_train=0), ValueError, "num_train must be a positive integer"),
    (lambda: data.make_high_dim_regression(noise=-1), ValueError, "noise must be >= 0"),
    (lambda: data.make_noisy_moons(label_noise=0.7), ValueError, "label_noise must be between 0 and 0.5"),
    (lambda: rng_for(-1, "x"), TypeError, "seed must be a non-negative integer"),
])
def test_bad_arguments(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()
