"""The explorers' presets: one place for their settings and data, used by apps, scrubbers, chapters and tests."""

import pytest

from reglab import data, presets, train


def test_default_data_is_seeded_and_cached():
    assert presets.default_data("dropout") is presets.default_data("dropout")
    moons = presets.default_data("classification")
    again = data.make_noisy_moons(seed=0)
    assert (moons.train.X == again.train.X).all() and len(presets.default_data("regression").train) == 20
    with pytest.raises(ValueError, match="task must be one of"):
        presets.default_data("digits")


@pytest.mark.parametrize("settings", [presets.CLASSIFIER_SETTINGS, presets.DROPOUT_SETTINGS])
def test_settings_are_arguments_of_the_classifier_trainer(settings):
    run = train.train_classifier(presets.default_data("dropout"), **dict(settings, num_epochs=2, record_every=1))
    assert run.epochs.tolist() == [0, 1, 2] and run.activation == settings["activation"]


def test_slider_defaults_are_slider_values():
    assert presets.DEFAULT_P in presets.P_CHOICES and presets.DEFAULT_DROP_RATE in presets.DROP_RATE_CHOICES
    assert presets.DEFAULT_WEIGHT_DECAY["regression"] in presets.REGRESSION_LAMBDAS
    assert presets.DEFAULT_WEIGHT_DECAY["classification"] in presets.CLASSIFIER_LAMBDAS
