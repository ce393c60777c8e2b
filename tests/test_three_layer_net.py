"""The classic three-layer network: backward against central differences, masks reused, eval mode, training."""

import numpy as np
import pytest

from reglab import data
from reglab import three_layer_net as net


def numerical_gradient(X, y, params, weight_decay, masks, drop_rates, eps=1e-6):
    grads = {}
    for name in net.PARAMETER_NAMES:
        g = np.zeros_like(params[name])
        for idx in np.ndindex(g.shape):
            old = params[name][idx]
            values = []
            for shift in (eps, -eps):
                params[name][idx] = old + shift
                values.append(net.cost(net.forward(X, params, drop_rates, masks=masks), y, weight_decay))
            params[name][idx] = old
            g[idx] = (values[0] - values[1]) / (2 * eps)
        grads["d" + name] = g
    return grads


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 3)), (rng.random(12) > 0.5).astype(float)
    params = net.init_params((3, 5, 4, 1), seed=1)
    for name in ("b1", "b2"):
        params[name] += 0.1  # keep ReLU inputs away from 0, where the derivative jumps
    return X, y, params, rng


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("drop_rates", [(0.0, 0.0), (0.3, 0.5)])
def test_backward_matches_central_differences_with_masks_held_fixed(problem, weight_decay, drop_rates):
    X, y, params, rng = problem
    masks = (rng.random((12, 5)) >= drop_rates[0], rng.random((12, 4)) >= drop_rates[1]) if drop_rates[0] else None
    cache = net.forward(X, params, drop_rates, masks=masks)
    analytic = net.backward(y, cache, weight_decay)
    numeric = numerical_gradient(X, y, params, weight_decay, masks, drop_rates)
    for name, g in numeric.items():
        np.testing.assert_allclose(analytic[name], g, rtol=1e-6, atol=1e-9, err_msg=name)


def test_a_backward_pass_that_forgets_the_masks_is_wrong(problem):
    X, y, params, rng = problem
    masks = (rng.random((12, 5)) >= 0.5, rng.random((12, 4)) >= 0.5)
    cache = net.forward(X, params, (0.5, 0.5), masks=masks)
    numeric = numerical_gradient(X, y, params, 0.0, masks, (0.5, 0.5))
    forgetful = net.backward(y, dict(cache, masks=None))  # same activations, masks not applied on the way back
    assert not np.allclose(forgetful["dW1"], numeric["dW1"], rtol=1e-3)
    # On one example, a dropped hidden unit passes no gradient back to its incoming weights.
    one_example = (masks[0][:1], masks[1][:1])
    assert (~one_example[0]).any()
    cache_one = net.forward(X[:1], params, (0.5, 0.5), masks=one_example)
    dW1 = net.backward(y[:1], cache_one)["dW1"]
    np.testing.assert_array_equal(dW1[:, ~one_example[0][0]], 0.0)
    assert np.abs(dW1[:, one_example[0][0]]).sum() > 0


def test_eval_mode_is_deterministic_and_uses_no_masks(problem):
    X, _, params, _ = problem
    cache = net.forward(X, params)
    a = cache["A3"]
    b = net.forward(X, params)["A3"]
    np.testing.assert_array_equal(a, b)
    assert cache["masks"] is None
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    hidden = relu(relu(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-(hidden @ params["W3"] + params["b3"])[:, 0])), rtol=1e-12)
    np.testing.assert_array_equal(net.predict(X, params), (a > 0.5).astype(float))


def test_training_lowers_the_cost_with_and_without_dropout():
    moons = data.make_noisy_moons(label_noise=0.0, seed=0)
    for rates in [(0.0, 0.0), (0.2, 0.2)]:
        run = net.train(moons.train.X, moons.train.y, (2, 20, 10, 1), rates, lr=0.3, num_epochs=1500)
        assert run.costs[-1] < 0.5 * run.costs[0]
        assert run.epochs.tolist() == list(range(0, 1501, 100)) and len(run.costs) == len(run.epochs)
        assert (net.predict(moons.test.X, run.params) == moons.test.y).mean() > 0.9


@pytest.mark.parametrize("call, error, fragment", [
    (lambda p: net.init_params((2, 3, 1)), ValueError, "layer_sizes must be"),
    (lambda p: net.forward(np.ones((2, 3)), p, (0.5, 0.5)), TypeError, "dropout needs rng"),
    (lambda p: net.forward(np.ones((2, 3)), p, (1.0, 0.5), rng=np.random.default_rng(0)), ValueError, "excluding 1"),
    (lambda p: net.forward(np.ones((2, 3)), p, (0.5,)), ValueError, "one rate per hidden layer"),
    (lambda p: net.forward(np.ones((2, 3)), p, (1.5, 0.5)), ValueError, "between 0 and 1"),
])
def test_bad_arguments(problem, call, error, fragment):
    with pytest.raises(error, match=fragment):
        call(problem[2])
