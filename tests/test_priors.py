"""reglab.priors: the Gaussian and Laplace priors behind L2 and L1, and the MAP penalty strengths (Chapter 2)."""

import numpy as np
import pytest

from reglab import data, priors, train


def test_negative_log_priors_are_the_penalties():
    w = np.linspace(-2, 2, 9)
    l2 = -np.log(priors.gaussian_density(w, 0.5) / priors.gaussian_density(0.0, 0.5))
    l1 = -np.log(priors.laplace_density(w, 0.25) / priors.laplace_density(0.0, 0.25))
    assert np.allclose(l2, w ** 2 / (2 * 0.5 ** 2)) and np.allclose(l1, np.abs(w) / 0.25)


def test_densities_integrate_to_one():
    w = np.linspace(-20, 20, 200_001)
    assert np.trapezoid(priors.gaussian_density(w, 1.3), w) == pytest.approx(1, rel=1e-8)
    assert np.trapezoid(priors.laplace_density(w, 0.7), w) == pytest.approx(1, rel=1e-6)


def test_map_weight_decay_makes_ridge_the_posterior_mode():
    regression = data.make_high_dim_regression(num_train=30, num_features=8, true_w=0.2, noise=0.5, seed=4)
    X, y = regression.train.X, regression.train.y
    sigma, tau = 0.5, 0.2
    lam = priors.map_weight_decay(noise_std=sigma, prior_std=tau, num_train=len(y))
    w, b = train.ridge_closed_form(X, y, weight_decay=lam)

    def neg_log_posterior(w, b):
        return ((X @ w + b - y) ** 2).sum() / (2 * sigma ** 2) + (w ** 2).sum() / (2 * tau ** 2)

    # the ridge solution is the minimiser: its gradient vanishes, every perturbation costs more
    residual = X @ w + b - y
    assert np.allclose(X.T @ residual / sigma ** 2 + w / tau ** 2, 0, atol=1e-9)
    rng = np.random.default_rng(0)
    assert all(neg_log_posterior(w + 1e-3 * rng.standard_normal(8), b) > neg_log_posterior(w, b) for _ in range(20))


def test_chapter_2_map_lambda_for_the_u_curve_data():
    # the text: σ = 1, τ = 0.1 (true weights 0.1), n = 250 training examples give λ = 0.4
    assert priors.map_weight_decay(noise_std=1.0, prior_std=0.1, num_train=250) == pytest.approx(0.4)
    assert priors.map_l1(noise_std=1.0, prior_scale=0.1, num_train=250) == pytest.approx(0.04)


@pytest.mark.parametrize("call", [lambda: priors.gaussian_density(0.0, 0.0), lambda: priors.laplace_density(0, -1),
                                  lambda: priors.map_weight_decay(1.0, 0.1, 0)])
def test_bad_arguments_are_named(call):
    with pytest.raises(ValueError, match="std|scale|num_train"):
        call()
