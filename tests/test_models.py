"""The NumPy MLP's hand-written backward pass against central differences, with and without fixed masks."""

import numpy as np
import pytest

from reglab import models


def numerical_gradients(params, X, y, activation, masks, eps=1e-6):
    grads = []
    for W, b in params:
        layer = []
        for array in (W, b):
            g = np.zeros_like(array)
            for idx in np.ndindex(array.shape):
                old = array[idx]
                array[idx] = old + eps
                plus = models.bce_with_logits(models.mlp_forward(params, X, activation, masks).logits, y).loss.sum()
                array[idx] = old - eps
                minus = models.bce_with_logits(models.mlp_forward(params, X, activation, masks).logits, y).loss.sum()
                array[idx] = old
                g[idx] = (plus - minus) / (2 * eps)
            layer.append(g)
        grads.append(layer)
    return grads


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("with_masks", [False, True])
def test_backward_matches_central_differences(activation, with_masks):
    rng = np.random.default_rng(0)
    params = models.init_mlp([2, 5, 4, 1], activation, num_models=2, seed=1)
    for _, b in params:
        b[...] = rng.normal(0, 0.1, b.shape)  # non-zero biases keep ReLU away from its kink
    X, y = rng.normal(size=(7, 2)), (rng.random(7) > 0.5).astype(float)
    masks = [(rng.random((2, 7, 5)) > 0.3) / 0.7, (rng.random((2, 7, 4)) > 0.3) / 0.7] if with_masks else None
    forward_pass = models.mlp_forward(params, X, activation, masks)
    logits, cache = forward_pass.logits, forward_pass.cache
    dlogits = models.bce_with_logits(logits, y).grad
    analytic = models.mlp_backward(params, cache, dlogits, activation, masks)
    numeric = numerical_gradients(params, X, y, activation, masks)
    for (dW, db), (nW, nb) in zip(analytic, numeric):
        np.testing.assert_allclose(dW, nW, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(db, nb, rtol=1e-6, atol=1e-8)


def test_parameters_are_views_into_one_flat_buffer():
    params = models.init_mlp([2, 3, 1], "tanh", num_models=4, seed=0)
    theta = models.flat_view(params)
    assert theta.shape == (4, 2 * 3 + 3 + 3 * 1 + 1)
    theta += 1.0
    assert np.all(params[1][1] == 1.0)  # the output bias started at 0
    np.testing.assert_array_equal(params[0][0][0], params[0][0][3])  # every model starts from the same draw


def test_weight_norm_counts_weights_not_biases():
    params = models.init_mlp([2, 3, 1], "relu", seed=0)
    for _, b in params:
        b += 100.0
    expected = np.sqrt(sum((W ** 2).sum() for W, _ in params))
    assert models.weight_norm(params)[0] == pytest.approx(expected)


@pytest.mark.parametrize("sizes, activation, fragment", [([2], "tanh", "needs an input and an output"),
                                                         ([2, 0, 1], "tanh", "positive integer"),
                                                         ([2, 3, 1], "gelu", "activation must be one of")])
def test_bad_architectures(sizes, activation, fragment):
    with pytest.raises((ValueError, TypeError), match=fragment):
        models.init_mlp(sizes, activation)
