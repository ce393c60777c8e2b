"""The unit-ball explorer driven from pytest: move the slider, see the state and the picture change."""

import html
import math

import ipywidgets
import pytest

from reglab import norms, widgets


@pytest.fixture
def app():
    return widgets.unit_ball_explorer(p=2)


def test_starts_at_the_requested_p(app):
    assert app.slider.value == 2
    assert app.result.p == 2.0 and app.result.report.is_norm
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "a norm" in app.status.value


def test_moving_the_slider_recomputes_and_redraws(app):
    before = app.image.value
    app.slider.value = 0.5
    assert app.result.p == 0.5
    assert not app.result.report.is_norm
    assert app.image.value != before
    assert "NOT a norm" in app.status.value and "triangle inequality" in app.status.value
    app.slider.value = math.inf
    assert app.result.report.is_norm
    assert abs(app.result.points).max() == pytest.approx(1.0)


def test_values_already_seen_come_from_the_cache(app):
    first = app.result
    app.slider.value = 1
    app.slider.value = 2
    assert app.result is first
    assert set(app.cache) == {(("p", 1),), (("p", 2),)}


def test_update_is_pure_and_usable_without_the_app():
    view = widgets.unit_ball_update(0.5)
    assert view.points.shape[1] == 2 and not view.report.is_norm
    assert widgets.unit_ball_update(0.5).report.holds == view.report.holds


def test_slider_offers_p_below_one_up_to_infinity(app):
    values = [value for _, value in app.slider.options]
    assert min(values) < 1 and values[-1] == math.inf and 1 in values and 2 in values


class Diverged:
    failure = "training diverged: loss became inf"


def _toy_app():
    def update(setting):
        if setting == "error":
            raise ValueError("weight_decay must be >= 0")
        return Diverged() if setting == "diverge" else setting

    slider = ipywidgets.SelectionSlider(options=["good", "error", "diverge"], value="good")
    from reglab import plotting
    return widgets.LiveApp({"setting": slider}, update, lambda r: plotting.plot_unit_ball(norms.unit_ball(2), 2),
                           lambda r: f"ok {r}")


@pytest.mark.parametrize("setting, message", [("error", "weight_decay must be >= 0"),
                                              ("diverge", "training diverged: loss became inf")])
def test_a_failure_is_reported_in_words_instead_of_a_broken_plot(setting, message):
    app = _toy_app()
    picture = bytes(app.image.value)
    app.slider.value = setting
    assert app.error == message
    assert html.escape(message) in app.status.value and "Nothing to plot" in app.status.value
    assert bytes(app.image.value) != picture and app.result == "good"
    app.slider.value = "good"
    assert app.error is None and app.status.value == "ok good"


def test_the_app_displays_as_its_widget(app):
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_an_unknown_starting_p_is_a_clear_error():
    with pytest.raises(ValueError, match="p must be one of the slider's values"):
        widgets.unit_ball_explorer(p=2.2)
