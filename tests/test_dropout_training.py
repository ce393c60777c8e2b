"""Dropout in the batched MLP and the dropout explorer: it overfits without dropout, helps with it, retrains live."""

import numpy as np
import pytest

from reglab import presets, scrubbers, train, widgets


@pytest.fixture(scope="module")
def moons():
    return presets.default_data("dropout")


@pytest.fixture(scope="module")
def sweep(moons):
    return train.sweep_classifier(moons, drop_rates=[0.0, 0.5, 0.9], **presets.DROPOUT_SETTINGS)


def test_without_dropout_the_network_overfits_the_noisy_labels(sweep, moons):
    flipped = int(moons.description.split(", ")[-1].split()[0])
    ideal_train_accuracy = 1 - flipped / len(moons.train)
    assert sweep.train_acc[0, -1] > ideal_train_accuracy + 0.1  # it memorises wrong labels
    assert sweep.train_acc[0, -1] - sweep.test_acc[0, -1] > 0.1


def test_moderate_dropout_generalises_better_and_extreme_dropout_underfits(sweep):
    test = sweep.test_acc[:, -1]
    assert test[1] > test[0] + 0.05 and test[2] < test[1]


def test_batched_rates_equal_single_runs(moons):
    settings = dict(presets.DROPOUT_SETTINGS, num_epochs=40, record_every=20)
    batched = train.sweep_classifier(moons, drop_rates=[0.0, 0.3, 0.6], **settings)
    for k, rate in enumerate([0.0, 0.3, 0.6]):
        single = train.train_classifier(moons, drop_rate=rate, **settings)
        np.testing.assert_allclose(batched.test_loss[k], single.test_loss, rtol=1e-12)


def test_per_layer_rates_are_used_per_layer(moons):
    settings = dict(presets.DROPOUT_SETTINGS, num_epochs=40)
    run = train.train_classifier(moons, drop_rates=(0.2, 0.5), **settings)
    np.testing.assert_array_equal(run.drop_rates, [0.2, 0.5])
    other = train.train_classifier(moons, drop_rates=(0.5, 0.2), **settings)
    assert not np.allclose(run.test_loss, other.test_loss)


def test_training_loss_with_masks_is_noisier_than_without(moons):
    run = train.train_classifier(moons, drop_rate=0.5, **dict(presets.DROPOUT_SETTINGS, record_every=10))
    noisy, clean = run.masked_loss[20:], run.train_loss[20:]
    assert np.abs(np.diff(noisy)).mean() > 2 * np.abs(np.diff(clean)).mean()


def test_explorer_retrains_on_a_slider_move_and_caches(moons):
    app = widgets.dropout_explorer(drop_rate=0.5)
    picture, accuracy = bytes(app.image.value), app.result.run.test_acc[-1]
    app.slider.value = 0.0
    assert app.result.drop_rate == 0.0 and bytes(app.image.value) != picture
    assert app.result.run.test_acc[-1] < accuracy and "drop rate 0" in app.status.value
    first = app.result
    app.slider.value = 0.5
    app.slider.value = 0.0
    assert app.result is first


def test_explorer_slider_covers_0_to_0_9():
    values = [v for _, v in widgets.dropout_explorer().slider.options]
    assert values[0] == 0.0 and values[-1] == 0.9 and len(values) >= 10


def test_website_scrubber_has_at_least_10_rates():
    scrubber = scrubbers.dropout_scrubber(live=False)
    assert len(scrubber.frames) >= 10 and len(set(scrubber.frames)) == len(scrubber.frames)
    assert "http" not in scrubber.to_html() and scrubber.nbytes < 2_000_000


def test_live_website_explorer_has_every_rate_of_the_notebooks_slider():
    scrubber = scrubbers.dropout_scrubber()
    assert scrubber.live["values"] == list(widgets.DROP_RATE_CHOICES) and scrubber.labels[-1] == "0.9"
    assert "http" not in scrubber.to_html() and scrubber.nbytes < 250_000


@pytest.mark.parametrize("call, fragment", [
    (lambda m: widgets.dropout_update(1.2, m), "drop_rate must be between 0 and 1"),
    (lambda m: widgets.dropout_explorer(drop_rate=0.33), "one of the slider's values"),
    (lambda m: train.sweep_classifier(m, drop_rates=[(0.1, 0.2, 0.3)], num_epochs=2), "one per hidden layer"),
    (lambda m: train.sweep_classifier(m, weight_decays=[0, 1], drop_rates=[0, 0.1, 0.2], num_epochs=2),
     "one per model"),
])
def test_bad_settings(moons, call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call(moons)


def test_digits_dropout_in_train_mode_is_noisy_but_repeatable_with_a_seed():
    import torch

    from reglab import data
    from reglab import torch_training as tt

    digits = data.load_digits_split(seed=0)
    digits_run = tt.train_digits(digits, drop_rates=(0.2, 0.5, 0.5), num_epochs=60, seed=0)
    model = digits_run.model
    again = tt.train_digits(digits, drop_rates=(0.2, 0.5, 0.5), num_epochs=60, seed=0).model
    assert tt.accuracy(model, digits.test) == tt.accuracy(again, digits.test)  # seeded training repeats
    state = torch.get_rng_state()
    model.train()
    scores = [tt.accuracy(model, digits.test, seed=s) for s in range(3)]
    assert len(set(scores)) > 1 and scores[0] == tt.accuracy(model, digits.test, seed=0)
    assert torch.equal(state, torch.get_rng_state()), "the global random state must be left alone"
    model.eval()
    assert tt.accuracy(model, digits.test) > max(scores)


def test_scratch_dropout_module_matches_nn_dropout_in_both_modes():
    import torch

    from reglab import torch_training as tt

    ours, theirs = tt.DropoutLayer(0.5, torch.Generator().manual_seed(0)), torch.nn.Dropout(0.5)
    X = torch.rand(400, 500, generator=torch.Generator().manual_seed(1)) + 0.5  # no zeros of its own
    with torch.random.fork_rng():
        torch.manual_seed(0)
        outputs = {"ours": ours(X), "nn.Dropout": theirs(X)}
    for name, out in outputs.items():
        kept = out != 0
        assert (out[kept] == X[kept] * 2).all(), name  # kept units are scaled by 1 / (1 - p)
        assert kept.float().mean().item() == pytest.approx(0.5, abs=0.01), name
        assert out.mean().item() == pytest.approx(X.mean().item(), rel=0.01), name
    assert not torch.equal(outputs["ours"], ours(X))  # a fresh mask on every call in training mode
    ours.eval(), theirs.eval()
    assert torch.equal(ours(X), X) and torch.equal(theirs(X), X)  # eval mode: both the identity


def test_mc_average_approaches_weight_scaling_closely_but_not_exactly(moons):
    from reglab import models

    run = train.train_classifier(moons, drop_rate=0.5, **presets.DROPOUT_SETTINGS)
    weights = run.params
    deterministic = models.predict_proba(weights, moons.test.X, "relu")[0]
    samples = models.mc_dropout_predict(weights, moons.test.X, drop_rates=(0.5, 0.5), num_samples=400, seed=0)
    gaps = [np.abs(samples[:k].mean(0) - deterministic).mean() for k in (1, 20, 400)]
    assert gaps[0] > gaps[1] > gaps[2] > 0.01, "the gap shrinks but a nonlinear net keeps a remainder"
    assert np.mean((samples.mean(0) > 0.5) == (deterministic > 0.5)) > 0.95
    spread = samples.std(0)
    near_boundary = np.abs(deterministic - 0.5) < 0.1
    assert spread[near_boundary].mean() > 1.25 * spread[~near_boundary].mean()  # measured: 1.39x (300 steps)


def test_mc_dropout_is_seeded_and_checks_its_rates(moons):
    from reglab import models

    weights = train.train_classifier(moons, drop_rate=0.5, **dict(presets.DROPOUT_SETTINGS, num_epochs=20)).params
    a = models.mc_dropout_predict(weights, moons.test.X[:5], (0.5, 0.5), num_samples=7, seed=1)
    b = models.mc_dropout_predict(weights, moons.test.X[:5], (0.5, 0.5), num_samples=7, seed=1)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (7, 5)
    with pytest.raises(ValueError, match="one rate per hidden layer"):
        models.mc_dropout_predict(weights, moons.test.X, (0.5,))
