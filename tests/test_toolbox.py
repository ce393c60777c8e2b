"""Chapter 5's computing modules: early stopping, input normalisation, initialisation, augmentation, softmax."""

import math

import numpy as np
import pytest
import torch

from reglab import data, early_stopping, initialisation, normalisation, softmax


# ------------------------------------------------------------------ early stopping

def test_stopping_point_keeps_the_best_epoch_and_honours_patience():
    val = np.array([5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 3.3, 2.9, 3.0, 3.0, 3.0, 3.0])
    stop = early_stopping.stopping_point(val, patience=3)
    assert (stop.best_epoch, stop.stop_epoch) == (2, 5), "no new best for 3 epochs after epoch 2: stop at 5"
    assert early_stopping.stopping_point(val, patience=10).best_epoch == 7
    with pytest.raises(ValueError, match="patience"):
        early_stopping.stopping_point(val, patience=0)


def test_gradient_descent_path_matches_the_closed_form():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 5)), rng.standard_normal(30)
    H, w_star = X.T @ X / 30, np.linalg.lstsq(X, y, rcond=None)[0]
    lr, t = 0.1, 25
    path = early_stopping.gd_least_squares(X, y, lr, t)
    closed = (np.eye(5) - np.linalg.matrix_power(np.eye(5) - lr * H, t)) @ w_star
    assert np.allclose(path[t], closed, atol=1e-12)


def test_gradient_descent_agrees_with_torch_sgd():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((20, 4)), rng.standard_normal(20)
    w = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.05)
    Xt, yt = torch.as_tensor(X), torch.as_tensor(y)
    for _ in range(10):
        opt.zero_grad()
        (0.5 * ((Xt @ w - yt) ** 2).mean()).backward()
        opt.step()
    assert np.allclose(early_stopping.gd_least_squares(X, y, 0.05, 10)[-1], w.detach().numpy(), atol=1e-12)


def test_filter_factor_gap_is_bounded_by_the_closed_form_maximum():
    u = np.linspace(0, 20, 200001)
    assert early_stopping.MAX_FILTER_GAP == pytest.approx(np.abs(np.exp(-u) - 1 / (1 + u)).max(), abs=1e-4)
    s = np.logspace(-4, 0, 300)
    gd, ridge = early_stopping.filter_factors(s, lr=1e-3, num_steps=1000)   # ηs ≤ 1e-3: nearly continuous
    assert np.abs(gd - ridge).max() <= early_stopping.MAX_FILTER_GAP + 1e-3


def test_early_stopped_weights_approach_ridge_with_lambda_one_over_eta_t():
    d = data.make_high_dim_regression(num_train=100, true_w=0.1, noise=1.0, true_b=0.0, seed=0)
    X, y = d.train.X, d.train.y
    lr = 0.5 / np.linalg.eigvalsh(X.T @ X / len(y)).max()
    result = early_stopping.early_stopping_vs_ridge(X, y, lr, [10, 100, 1000, 3000])
    assert np.allclose(result.weight_decays, 1 / (lr * np.array([10, 100, 1000, 3000])))
    assert np.all(result.relative_distance < 0.35)
    assert np.all(np.diff(result.relative_distance) < 0) and result.relative_distance[-1] < 0.01
    with pytest.raises(ValueError, match="lr"):
        early_stopping.early_stopping_vs_ridge(X, y, 10 * lr, [10])


# ------------------------------------------------------------------ normalisation

def test_standardizer_uses_training_statistics_on_every_split():
    d = normalisation.make_stretched_regression(seed=0)
    s = normalisation.standardize_splits(d)
    assert np.allclose(s.train.X.mean(0), 0, atol=1e-12) and np.allclose(s.train.X.std(0), 1)
    mean, std = d.train.X.mean(0), d.train.X.std(0)
    assert np.allclose(s.test.X, (d.test.X - mean) / std)
    assert not np.allclose(s.test.X.mean(0), 0, atol=1e-3), "the test split is not centred on its own mean"
    constant = normalisation.Standardizer.fit(np.ones((5, 2)))
    assert np.all(np.isfinite(constant.transform(np.ones((2, 2)))))


def test_standardising_speeds_up_gradient_descent_by_the_condition_number():
    d = normalisation.make_stretched_regression(scales=(1.0, 10.0), seed=0)
    raw = normalisation.steps_to_converge(d.train.X, d.train.y)
    s = normalisation.standardize_splits(d)
    assert normalisation.steps_to_converge(s.train.X, s.train.y) <= 5 < 100 < raw
    path = normalisation.gd_path(d.train.X, d.train.y, 2000)
    assert np.allclose(path.weights[-1], path.optimum, atol=1e-6)
    assert np.all(np.diff(path.losses) <= 1e-15), "lr = 1/L never increases the loss"


# ------------------------------------------------------------------ initialisation

def test_init_std_formulas():
    assert initialisation.init_std("he", 50, 10) == pytest.approx(math.sqrt(2 / 50))
    assert initialisation.init_std("xavier", 30, 10) == pytest.approx(math.sqrt(2 / 40))
    assert initialisation.init_std("lecun", 64, 7) == pytest.approx(1 / 8)
    weights = initialisation.init_weights([400, 300, 200], "he", seed=0)
    assert [w.shape for w in weights] == [(400, 300), (300, 200)]
    assert weights[0].std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    with pytest.raises(ValueError, match="scheme"):
        initialisation.init_std("glorot", 3, 3)


def test_he_init_matches_torch_kaiming_normal_scale():
    w = torch.empty(300, 400, dtype=torch.float64)
    torch.nn.init.kaiming_normal_(w, nonlinearity="relu", generator=torch.Generator().manual_seed(0))
    assert w.std().item() == pytest.approx(initialisation.init_std("he", 400, 300), rel=0.02)


def test_he_keeps_relu_signals_within_a_factor_two_while_others_explode_or_vanish():
    for seed in range(3):
        he = initialisation.depth_scales("he", depth=20, seed=seed)
        assert initialisation.spread_factor(he.activation_var) < 2
        assert initialisation.spread_factor(he.grad_var) < 2
    large = initialisation.depth_scales("large", depth=20)
    assert large.activation_var[-1] > 1e40 and large.grad_var[0] > 1e40
    small = initialisation.depth_scales("lecun", depth=20)
    # each ReLU layer halves the mean square: 2^-19 from layer 1 to layer 20, up to finite-width noise
    assert small.activation_var[-1] / small.activation_var[0] == pytest.approx(2.0 ** -19, rel=0.5)
    zeros = initialisation.depth_scales("zeros", depth=5)
    assert not zeros.activation_var.any() and not zeros.grad_var.any()


def test_overflow_is_reported_as_infinity_not_nan():
    deep = initialisation.depth_scales("large", depth=40)
    assert np.isinf(deep.activation_var[-1]) and not np.isnan(deep.grad_var).any()
    assert initialisation.spread_factor(deep.activation_var) == math.inf


# ------------------------------------------------------------------ augmentation and softmax

def test_shifts_move_pixels_and_fill_with_zeros():
    image = np.zeros((1, 64))
    image[0, 3 * 8 + 4] = 1.0                                     # row 3, column 4
    moved = data.shift_images(image, 2, -1).reshape(8, 8)
    assert moved[2, 6] == 1.0 and moved.sum() == 1.0
    assert data.shift_images(image, 7, 0).sum() == 0.0, "shifted off the edge"
    with pytest.raises(ValueError, match="dx"):
        data.shift_images(image, 0.5, 0)


def test_rotation_by_90_degrees_is_exact_and_by_0_is_the_identity():
    rng = np.random.default_rng(0)
    images = rng.random((3, 64))
    assert np.allclose(data.rotate_images(images, 0.0), images)
    quarter = data.rotate_images(images, 90.0).reshape(3, 8, 8)
    assert np.allclose(quarter, np.rot90(images.reshape(3, 8, 8), k=1, axes=(1, 2)), atol=1e-12)


def test_augment_keeps_labels_and_stays_in_range():
    digits = data.load_digits_split(num_train=50, num_val=50, seed=0)
    augmented = data.augment_digits(digits.train, copies=3, seed=0)
    assert len(augmented) == 200 and np.array_equal(augmented.y[:50], augmented.y[150:])
    assert np.array_equal(augmented.X[:50], digits.train.X)
    assert 0 <= augmented.X.min() and augmented.X.max() <= 1
    again = data.augment_digits(digits.train, copies=3, seed=0)
    assert np.array_equal(augmented.X, again.X)


def test_softmax_learns_digits_and_augmentation_helps_on_perturbed_dev_data():
    digits = data.load_digits_split(num_train=300, num_val=300, seed=0)
    run = softmax.train_softmax(digits.train, digits.val, num_epochs=200)
    assert softmax.accuracy(run, digits.val) > 0.85 and run.val_acc[-1] == softmax.accuracy(run, digits.val)
    gain = softmax.augmentation_gain(
        lambda s: data.load_perturbed_digits(num_train=200, num_val=300, seed=s),
        lambda tr, s: data.augment_digits(tr, copies=4, max_shift=0, max_degrees=20.0, noise=0.05, seed=s),
        seeds=range(3), num_epochs=150)
    assert np.all(gain.gain > 0)


def test_gd_picture_holds_the_loss_on_a_grid_around_the_path():
    split = normalisation.make_stretched_regression(scales=(1.0, 10.0), seed=0).train
    picture = normalisation.gd_picture(split, num_steps=5, num_points=7)
    w = np.array([picture.w1[2, 3], picture.w2[2, 3]])
    assert picture.loss[2, 3] == pytest.approx(0.5 * np.mean((split.X @ w - split.y) ** 2))
    assert picture.levels.min() > picture.path.optimal_loss and picture.loss.min() >= picture.path.optimal_loss - 1e-12
    assert np.abs(picture.path.weights).max() < np.abs(picture.w1).max() + np.abs(picture.w2).max()
