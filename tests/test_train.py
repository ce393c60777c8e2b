"""Weight decay and L1 training: the update rule, closed forms, published numbers, sweeps and bad input."""

import math

import numpy as np
import pytest
import torch

from reglab import data, models, train
from reglab import torch_training as tt

TIGHT = 1e-12  # float64, the same arithmetic up to rounding


@pytest.fixture(scope="module")
def regression():
    return data.make_high_dim_regression(seed=0)


@pytest.fixture(scope="module")
def moons():
    return data.make_noisy_moons(seed=0)


def test_weight_decay_step_equals_torch_sgd_weight_decay():
    g = torch.Generator().manual_seed(0)
    w0, grad = torch.randn(50, generator=g, dtype=torch.float64), torch.randn(50, generator=g, dtype=torch.float64)
    w = w0.clone().requires_grad_()
    opt = torch.optim.SGD([w], lr=0.1, weight_decay=0.3)
    w.grad = grad.clone()
    opt.step()
    ours = train.weight_decay_step(w0.numpy(), grad.numpy(), lr=0.1, weight_decay=0.3)
    np.testing.assert_allclose(w.detach().numpy(), ours, rtol=0, atol=TIGHT)
    np.testing.assert_allclose(ours, 0.97 * w0.numpy() - 0.1 * grad.numpy(), atol=TIGHT)  # (1 - ηλ) w - η g


def test_explicit_penalty_gradient_step_equals_weight_decay_step():
    x = torch.linspace(-1, 1, 7, dtype=torch.float64)
    w = (x * 3).clone().requires_grad_()
    loss = ((w * x).sum() - 1) ** 2 + 0.4 / 2 * (w ** 2).sum()
    loss.backward()
    explicit = (w - 0.05 * w.grad).detach().numpy()
    data_grad = (2 * ((w * x).sum() - 1) * x).detach().numpy()
    np.testing.assert_allclose(explicit, train.weight_decay_step(w.detach().numpy(), data_grad, 0.05, 0.4),
                               atol=TIGHT)


@pytest.mark.parametrize("weight_decay", [0.0, 3.0])
def test_numpy_torch_scratch_and_torch_concise_give_the_same_curves(regression, weight_decay):
    ours = train.train_linear_regression(regression, weight_decay=weight_decay)
    for style in ("scratch", "concise"):
        theirs = tt.train_linear_regression_torch(regression, weight_decay=weight_decay, style=style)
        for name in ("train_loss", "test_loss", "w_norm"):
            np.testing.assert_allclose(getattr(theirs, name), getattr(ours, name), rtol=1e-10, err_msg=name)
        assert theirs.b == pytest.approx(ours.b, abs=1e-10)


def test_weight_norms_match_the_published_d2l_experiment(regression):
    # d2l (section 3.7) reports ||w|| of about 13 without and about 0.4 with weight decay 3 on this setup.
    assert 12 < train.train_linear_regression(regression, weight_decay=0).w_norm[-1] < 14.5
    assert 0.25 < train.train_linear_regression(regression, weight_decay=3).w_norm[-1] < 0.5


def test_without_decay_training_loss_falls_but_test_loss_stays_high(regression):
    h = train.train_linear_regression(regression, weight_decay=0)
    assert h.train_loss[-1] < 1e-4 * h.train_loss[0]
    assert h.test_loss[-1] > 1000 * h.train_loss[-1]


def test_the_bias_is_not_decayed():
    d = data.make_high_dim_regression(true_w=0.0, true_b=5.0, seed=1)
    h = train.train_linear_regression(d, weight_decay=10.0, lr=0.01, num_epochs=300)
    assert h.b == pytest.approx(5.0, abs=0.05)  # a decayed bias would settle near 5 / (1 + λ)
    ht = tt.train_linear_regression_torch(d, weight_decay=10.0, lr=0.01, num_epochs=300)
    assert ht.b == pytest.approx(h.b, abs=1e-9)


def test_optimizer_groups_decay_weights_but_not_the_bias():
    w, b = torch.ones(3, dtype=torch.float64, requires_grad=True), torch.ones((), dtype=torch.float64,
                                                                             requires_grad=True)
    for name in tt.OPTIMIZERS:
        w.data.fill_(1.0), b.data.fill_(1.0)
        opt = tt.make_optimizer(name, w, b, lr=0.1, weight_decay=0.5)
        w.grad, b.grad = torch.zeros_like(w), torch.zeros_like(b)
        opt.step()
        assert b.item() == 1.0 and (w < 1).all(), name


def test_gradient_descent_converges_to_the_ridge_closed_form(regression):
    w_star, b_star = train.ridge_closed_form(regression.train.X, regression.train.y, weight_decay=1.0)
    h = train.train_linear_regression(regression, weight_decay=1.0, lr=0.05, num_epochs=3000, batch_size=20)
    # Linear convergence; the unpenalised bias direction is the slowest (about 2e-7 left after 3000 steps).
    assert np.linalg.norm(h.w - w_star) < 1e-6
    assert h.b == pytest.approx(b_star, abs=1e-6)


def test_ridge_closed_form_satisfies_its_optimality_condition(regression):
    X, y = regression.train.X, regression.train.y
    w, b = train.ridge_closed_form(X, y, weight_decay=0.7)
    residual = X @ w + b - y
    np.testing.assert_allclose(X.T @ residual / len(y) + 0.7 * w, 0, atol=1e-12)
    assert residual.mean() == pytest.approx(0, abs=1e-12)


def test_batched_sweep_equals_a_loop_over_models(regression):
    lams = [0.0, 0.01, 0.3, 3.0, 10.0]
    sweep = train.sweep_linear_regression(regression, lams)
    for k, lam in enumerate(lams):
        single = train.train_linear_regression(regression, weight_decay=lam)
        np.testing.assert_allclose(sweep.test_loss[k], single.test_loss, rtol=TIGHT)
        np.testing.assert_allclose(sweep.W[k], single.w, rtol=1e-10, atol=TIGHT)


def test_best_lambda_is_chosen_on_validation_not_test(regression):
    import dataclasses

    sweep = train.sweep_linear_regression(regression, [0.0, 1.0, 30.0])
    assert sweep.best() == int(np.argmin(sweep.val_loss[:, -1]))
    # Curves where validation and test disagree: validation must decide, and diverged runs never win.
    val, test = np.array([[3.0, 2.0], [3.0, 1.0], [3.0, 1.5]]), np.array([[3.0, 0.5], [3.0, 2.0], [3.0, 1.0]])
    staged = dataclasses.replace(sweep, val_loss=val, test_loss=test)
    assert staged.best() == 1
    assert dataclasses.replace(staged, failures=[None, "diverged", None]).best() == 2


def test_l1_sparsity_rises_with_lambda_and_only_proximal_gives_exact_zeros(regression):
    lams = [0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
    proximal = train.sweep_linear_regression(regression, np.zeros(7), l1s=lams)
    zeros = (proximal.W == 0).sum(1)
    assert zeros[0] == 0 and zeros[-1] == 200 and all(np.diff(zeros) >= 0)
    subgradient = train.sweep_linear_regression(regression, np.zeros(7), l1s=lams, l1_method="subgradient")
    assert (subgradient.W == 0).sum() == 0
    assert ((train.sweep_linear_regression(regression, lams).W == 0).sum()) == 0  # L2 never gives exact zeros


def test_soft_threshold_is_the_l1_proximal_operator():
    w = np.array([-2.0, -0.5, 0.0, 0.3, 1.5])
    np.testing.assert_array_equal(train.soft_threshold(w, 0.5), [-1.5, 0.0, 0.0, 0.0, 1.0])


def test_divergence_is_reported_with_its_cause(regression):
    h = train.train_linear_regression(regression, weight_decay=1000.0)
    assert "diverged" in h.failure and "lr × weight_decay = 3 > 2" in h.failure
    assert train.train_linear_regression(regression, weight_decay=3.0).failure is None
    assert "Lower the learning rate" in train.train_linear_regression(regression, lr=0.5).failure


def test_adamw_decays_much_harder_than_adam_with_l2(regression):
    adam = tt.train_linear_regression_torch(regression, weight_decay=3.0, optimizer="adam", lr=0.01)
    adamw = tt.train_linear_regression_torch(regression, weight_decay=3.0, optimizer="adamw", lr=0.01)
    assert adamw.w_norm[-1] < 0.1 * adam.w_norm[-1]


def test_classifier_weight_decay_trades_fit_for_generalisation(moons):
    sweep = train.sweep_classifier(moons, [0.0, 0.003, 0.3], num_epochs=500, lr=0.02, record_every=50)
    train_acc, test_acc = sweep.train_acc[:, -1], sweep.test_acc[:, -1]
    assert train_acc[0] > 0.98 and test_acc[1] > test_acc[0] + 0.02  # overfits, then generalises better
    assert test_acc[2] < 0.6 and sweep.w_norm[2, -1] < 0.1            # far too much decay: a constant
    assert all(np.diff(sweep.w_norm[:, -1]) < 0)


def test_classifier_sweep_equals_single_runs(moons):
    sweep = train.sweep_classifier(moons, [0.0, 0.01], num_epochs=60, record_every=20)
    single = train.train_classifier(moons, weight_decay=0.01, num_epochs=60, record_every=20)
    np.testing.assert_allclose(sweep.test_loss[1], single.test_loss, rtol=1e-10)
    for run_last, run_1 in ((sweep[-1], sweep[1]),):  # -1 once gave empty arrays
        for (W_last, b_last), (W_1, b_1) in zip(run_last.params, run_1.params):
            assert W_last.shape[0] == 1
            np.testing.assert_array_equal(W_last, W_1)
            np.testing.assert_array_equal(b_last, b_1)


def test_classifier_drop_rates_mix_one_rate_and_per_layer_rates(moons):
    run = train.sweep_classifier(moons, drop_rates=[0.1, (0.2, 0.3)], num_epochs=1)
    np.testing.assert_array_equal(run.drop_rates, [[0.1, 0.1], [0.2, 0.3]])
    np.testing.assert_array_equal(train.sweep_classifier(moons, drop_rates=0.4, num_epochs=1).drop_rates, [[0.4, 0.4]])


def test_large_weight_decay_keeps_tanh_units_in_their_linear_region(moons):
    sweep = train.sweep_classifier(moons, [0.0, 0.03], num_epochs=300, lr=0.02)
    linear = models.linear_region_fraction(sweep.params, moons.test.X)
    assert linear.shape == (2,) and linear[1] > linear[0] + 0.2
    cache = models.mlp_forward(sweep[1].params, moons.test.X, "tanh").cache
    by_hand = np.mean(np.concatenate([np.abs(z[0]).ravel() < 0.5 for _, z, _ in cache[:-1]]))
    assert linear[1] == pytest.approx(by_hand)


BAD = [
    (lambda d: train.train_linear_regression(d, weight_decay=-1), ValueError, "weight_decay must be >= 0"),
    (lambda d: train.train_linear_regression(d, weight_decay=math.nan), ValueError, "weight_decay must be a real"),
    (lambda d: train.train_linear_regression(d, l1=-0.1), ValueError, "l1 must be >= 0"),
    (lambda d: train.train_linear_regression(d, lr=0), ValueError, "lr must be > 0"),
    (lambda d: train.train_linear_regression(d, lr=-0.1), ValueError, "lr must be > 0"),
    (lambda d: train.train_linear_regression(d, batch_size=50), ValueError, "batch_size must be between 1 and"),
    (lambda d: train.train_linear_regression(d, l1_method="lasso"), ValueError, "l1_method must be one of"),
    (lambda d: train.train_linear_regression((d.train.X, d.train.y)), TypeError, "data must be a reglab"),
    (lambda d: train.sweep_linear_regression(d, [0, 1], l1s=[0]), ValueError, "same length"),
    (lambda d: tt.train_linear_regression_torch(d, optimizer="rmsprop"), ValueError, "optimizer must be one of"),
    (lambda d: tt.train_linear_regression_torch(d, style="short"), ValueError, "style must be one of"),
    (lambda d: train.ridge_closed_form(d.train.X, d.train.y, -1), ValueError, "weight_decay must be >= 0"),
    (lambda d: train.sweep_classifier(data.make_noisy_moons(), activation="sigmoid"), ValueError,
     "activation must be one of"),
]


@pytest.mark.parametrize("call, error, fragment", BAD)
def test_bad_input_raises_a_clear_error(regression, call, error, fragment):
    with pytest.raises(error, match=fragment):
        call(regression)


def test_a_regression_sweep_is_a_sequence_of_runs(regression):
    lams = [0.0, 0.3, 3.0]
    sweep = train.sweep_linear_regression(regression, lams)
    runs = list(sweep)
    assert len(sweep) == len(runs) == 3 and all(isinstance(r, train.RegressionRun) for r in runs)
    assert [r.weight_decay for r in runs] == lams and sweep[-1].weight_decay == 3.0
    np.testing.assert_array_equal(sweep[1].val_loss, sweep.val_loss[1])
    np.testing.assert_array_equal(sweep[2].w, sweep.W[2])
    with pytest.raises(ValueError, match="k must be an index"):
        sweep[3]


def test_a_classifier_sweep_is_a_sequence_of_runs_like_a_single_run(moons):
    sweep = train.sweep_classifier(moons, [0.0, 0.01], num_epochs=40, record_every=20)
    single = train.train_classifier(moons, weight_decay=0.01, num_epochs=40, record_every=20)
    assert isinstance(single, train.ClassifierRun) and isinstance(sweep[1], train.ClassifierRun)
    assert len(sweep) == 2 and [r.weight_decay for r in sweep] == [0.0, 0.01]
    for name in ("train_loss", "masked_loss", "val_loss", "test_loss", "train_acc", "val_acc", "test_acc", "w_norm"):
        assert getattr(single, name).shape == (3,), name
        np.testing.assert_allclose(getattr(sweep[1], name), getattr(single, name), rtol=1e-10)
    np.testing.assert_array_equal(single.epochs, [0, 20, 40])
    assert single.failure is None and single.drop_rates.shape == (2,) and single.hidden_sizes == (32, 32)
    # params keep a model axis of length 1, so reglab.models applies to a run's parameters directly
    np.testing.assert_allclose(models.predict_proba(single.params, moons.test.X)[0],
                               models.predict_proba(sweep[1].params, moons.test.X)[0], rtol=1e-10)


def test_the_probability_grid_is_the_model_s_prediction_on_the_plane(moons):
    run = train.train_classifier(moons, weight_decay=0.003, num_epochs=30)
    points = models.plane_points(run.grid)
    expected = models.predict_proba(run.params, points)[0].reshape(len(run.grid), len(run.grid))
    np.testing.assert_allclose(run.grid_probs, expected, rtol=1e-12)
    assert points[1, 0] > points[0, 0] and points[1, 1] == points[0, 1]   # rows follow the second feature


def test_best_chooses_on_validation_data_and_refuses_test_metrics(moons):
    sweep = train.sweep_classifier(moons, [0.0, 0.003, 0.3], num_epochs=200, lr=0.02, record_every=100)
    assert sweep.best() == int(np.argmax(sweep.val_acc[:, -1]))
    assert sweep.best(metric="val_loss") == int(np.argmin(sweep.val_loss[:, -1]))
    for metric in ("test_acc", "test_loss", "train_acc"):
        with pytest.raises(ValueError, match="metric must be one of .*validation"):
            sweep.best(metric=metric)
    with pytest.raises(ValueError, match="metric must be one of"):
        train.sweep_linear_regression(data.make_high_dim_regression(), [0.0, 1.0]).best(metric="test_loss")


def test_best_skips_diverged_runs(regression):
    sweep = train.sweep_linear_regression(regression, [0.0, 1.0, 1000.0], lr=0.003)
    assert sweep.failures[2] is not None and sweep.best() in (0, 1)
    sweep.failures[:2] = ["diverged", "diverged"]
    with pytest.raises(ValueError, match="every run diverged"):
        sweep.best()


def test_train_classifier_takes_one_drop_rate_or_one_per_layer_not_both(moons):
    one = train.train_classifier(moons, drop_rate=0.3, num_epochs=5)
    per_layer = train.train_classifier(moons, drop_rates=(0.3, 0.3), num_epochs=5)
    np.testing.assert_array_equal(one.test_loss, per_layer.test_loss)
    with pytest.raises(ValueError, match="drop_rate .* or drop_rates"):
        train.train_classifier(moons, drop_rate=0.3, drop_rates=(0.3, 0.3), num_epochs=5)


def test_component_outside_span_is_what_gradient_descent_never_changes():
    regression = data.make_high_dim_regression(seed=0)
    run = train.train_linear_regression(regression, weight_decay=0.0)
    start = train.train_linear_regression(regression, weight_decay=0.0, num_epochs=1)
    outside = train.component_outside_span(run.w, regression.train.X)
    assert np.allclose(outside, train.component_outside_span(start.w, regression.train.X), atol=1e-12)
    assert np.allclose(regression.train.X @ outside, 0, atol=1e-10)
    # the Chapter 2 text: 13.20 of the initial ||w|| = 14.03 lies outside the span; × 0.0269 ≈ 0.355 at λ = 3
    assert round(np.linalg.norm(outside), 2) == 13.20 and round(run.w_norm[0], 2) == 14.03
    decay = train.train_linear_regression(regression, weight_decay=3.0)
    leftover = np.linalg.norm(outside) * (1 - 0.003 * 3) ** 400
    assert round(leftover, 3) == 0.355 and round(decay.w_norm[-1], 3) == 0.358


@pytest.mark.parametrize("weight_decay", [0.1, 1.0, 10.0])
def test_ridge_spectrum_factors_rebuild_ridge_closed_form(weight_decay):
    regression = data.make_high_dim_regression(num_train=40, num_features=30, true_w=0.3, noise=0.5, seed=3)
    X, y = regression.train.X, regression.train.y
    spectrum = train.ridge_spectrum(X, weight_decay)
    w_ls, _ = train.ridge_closed_form(X, y, weight_decay=0.0)        # least squares (minimum norm)
    V = spectrum.directions
    w_ridge, _ = train.ridge_closed_form(X, y, weight_decay=weight_decay)
    assert np.allclose(V @ (spectrum.factors * (V.T @ w_ls)), w_ridge, rtol=1e-9, atol=1e-12)
    s = spectrum.singular_values
    assert np.allclose(spectrum.factors, s ** 2 / (s ** 2 + weight_decay))


def test_ridge_spectrum_of_a_wide_problem_zeroes_the_unseen_directions():
    regression = data.make_high_dim_regression(seed=0)                 # 20 examples, 200 features
    spectrum = train.ridge_spectrum(regression.train.X, 1.0)
    assert spectrum.singular_values.shape == (200,) and (spectrum.singular_values > 1e-8).sum() == 19
    assert (spectrum.factors[19:] == 0).all() and (spectrum.factors[:19] > 0).all()
    w, _ = train.ridge_closed_form(regression.train.X, regression.train.y, weight_decay=1.0)
    assert np.allclose(spectrum.directions[:, 19:].T @ w, 0, atol=1e-12)
