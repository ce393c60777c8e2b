"""The λ explorer driven from pytest: slider and penalty moves retrain, results are cached, failures are words."""

import pytest

from reglab import scrubbers, widgets


@pytest.fixture(scope="module")
def regression_app():
    return widgets.weight_decay_explorer("regression")


def test_moving_lambda_retrains_and_redraws(regression_app):
    app = regression_app
    app.slider.value = 3.0
    picture, norm_at_3 = bytes(app.image.value), app.result.run.w_norm[-1]
    app.slider.value = 0.0
    assert app.result.value == 0.0 and app.result.run.w_norm[-1] > 30 * norm_at_3
    assert bytes(app.image.value) != picture
    assert "λ = 0" in app.status.value and "‖w‖₂ = 13.2" in app.status.value


def test_switching_to_l1_gives_exact_zeros(regression_app):
    app = regression_app
    app.slider.value = 1.0
    app.controls["penalty"].value = "L1"
    assert app.result.penalty == "L1" and (app.result.run.w == 0).sum() > 100
    assert "weights exactly 0" in app.status.value
    app.controls["penalty"].value = "L2"
    assert (app.result.run.w == 0).sum() == 0


def test_values_already_seen_come_from_the_cache(regression_app):
    app = regression_app
    app.slider.value = 0.5
    first = app.result
    app.slider.value = 2.0
    app.slider.value = 0.5
    assert app.result is first


def test_slider_is_logarithmic_and_includes_zero():
    values = [v for _, v in widgets.weight_decay_explorer("regression").slider.options]
    assert values[0] == 0 and values[-1] / values[1] >= 1e4
    positive = values[1:]
    ratios = [b / a for a, b in zip(positive, positive[1:])]
    assert max(ratios) <= 2.5, "log-spaced: every step multiplies λ by a similar factor"


def test_classifier_explorer_redraws_the_boundary():
    app = widgets.weight_decay_explorer("classification")
    before, acc = bytes(app.image.value), app.result.run.test_acc[-1]
    app.slider.value = 0.3
    assert bytes(app.image.value) != before
    assert app.result.run.test_acc[-1] < acc - 0.2 and "test accuracy" in app.status.value


def test_a_diverging_run_shows_a_message_not_a_plot():
    app = widgets.weight_decay_explorer("regression")
    app.slider.options = [("3", 3.0), ("1000", 1000.0)]  # lr × λ = 3 > 2: the update blows up
    picture = bytes(app.image.value)
    app.slider.value = 1000.0
    assert "diverged" in app.error and "Nothing to plot" in app.status.value
    assert bytes(app.image.value) != picture and app.result.value == 3.0


@pytest.mark.parametrize("call, fragment", [
    (lambda: widgets.weight_decay_update(-1.0, "L2"), "weight_decay must be >= 0"),
    (lambda: widgets.weight_decay_update(float("nan"), "L2"), "weight_decay must be a real number"),
    (lambda: widgets.weight_decay_update(1.0, "L3"), "penalty must be one of"),
    (lambda: widgets.weight_decay_update(1.0, "L2", task="images"), "task must be one of"),
    (lambda: widgets.weight_decay_explorer("regression", weight_decay=0.123), "one of the slider's values"),
    (lambda: widgets.weight_decay_explorer("regression", penalty="elastic"), "penalty must be one of"),
])
def test_bad_settings_are_clear_errors(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_website_scrubber_covers_at_least_15_values_offline_and_small(task):
    scrubber = scrubbers.weight_decay_scrubber(task, live=False)
    assert len(scrubber.frames) >= 15 and len(set(scrubber.frames)) == len(scrubber.frames)
    assert scrubber.labels[0] == "0"
    page = scrubber.to_html()
    assert "http" not in page and scrubber.nbytes < 2_000_000


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_live_website_explorer_covers_at_least_15_values_offline_and_small(task):
    scrubber = scrubbers.weight_decay_scrubber(task)
    assert len(scrubber.labels) >= 15 and scrubber.labels[0] == "0" and len(scrubber.frames) == 1
    page = scrubber.to_html()
    assert "http" not in page and scrubber.nbytes < 250_000
