"""LiveApp served by its worker thread (as in a kernel): moves coalesce, the last value wins, neighbours are prefetched."""

import threading
import time

import ipywidgets
import pytest

from reglab import norms, plotting, widgets

VALUES = list(range(12))


class SlowToy:
    """An update that takes a while and records every value it computed."""

    def __init__(self, seconds=0.05):
        self.seconds, self.computed, self.lock = seconds, [], threading.Lock()

    def __call__(self, value):
        with self.lock:
            self.computed.append(value)
        time.sleep(self.seconds)
        return value


def toy_app(update, prefetch=1, background=True):
    slider = ipywidgets.SelectionSlider(options=VALUES, value=0, continuous_update=True)
    return widgets.LiveApp({"value": slider}, update, lambda v: f"frame {v}".encode(), lambda v: f"value {v}",
                           background=background, prefetch=prefetch)


def test_a_fast_drag_coalesces_and_the_last_value_is_drawn():
    update = SlowToy()
    app = toy_app(update)
    for value in VALUES[1:]:                 # a drag: eleven moves while the first one is still computing
        app.slider.value = value
    assert app.wait(timeout=10)
    assert app.shown == (("value", 11),) and app.result == 11
    assert bytes(app.image.value) == b"frame 11" and app.status.value == "value 11"
    skipped = set(range(3, 10)) - set(update.computed)
    assert skipped, f"every intermediate value was computed: {update.computed}"


@pytest.mark.parametrize("repeat", range(5))
def test_the_final_frame_is_never_stale(repeat):
    app = toy_app(SlowToy(0.01 * repeat))
    for value in [5, 2, 9, 1, 7][: repeat + 1]:
        app.slider.value = value
        time.sleep(0.007 * repeat)
    assert app.wait(timeout=10)
    assert bytes(app.image.value) == f"frame {app.slider.value}".encode()
    assert app.shown == (("value", app.slider.value),)


def test_neighbours_are_prefetched_first_in_the_direction_of_the_move():
    update = SlowToy(0.0)
    app = toy_app(update, prefetch=2)
    assert app.wait(timeout=10, prefetched=True)
    assert update.computed == [0, 1, 2, 3], "at start: the initial value and three to its right (none to its left)"
    app.slider.value = 5
    assert app.wait(timeout=10, prefetched=True)
    assert update.computed[4:] == [5, 6, 7, 4, 8], "ahead +1, +2, then behind -1, ahead +3; -2 (3) is known"
    app.slider.value = 4                     # moving left now: 3, 2, 1 ahead and 5, 6 behind are all known
    app.slider.value = 3
    assert app.wait(timeout=10, prefetched=True)
    assert bytes(app.image.value) == b"frame 3" and update.computed[9:] == [], "served from the frame cache"
    app.slider.value = 9
    assert app.wait(timeout=10, prefetched=True)
    assert update.computed[9:] == [9, 10, 11], "ahead +1, +2, then behind (8 known), +3 is off the end"


def test_without_a_kernel_a_move_is_served_before_the_assignment_returns():
    update = SlowToy(0.0)
    app = toy_app(update, background=None)  # pytest is not a kernel: no worker, no prefetch
    app.slider.value = 4
    assert bytes(app.image.value) == b"frame 4" and update.computed == [0, 4]


def test_a_failing_update_in_the_worker_is_reported_and_the_app_keeps_serving():
    def update(value):
        if value == 3:
            raise ValueError("value must not be 3")
        return value

    app = toy_app(update)
    app.slider.value = 3
    assert app.wait(timeout=10)
    assert app.error == "value must not be 3" and "Nothing to plot" in app.status.value
    app.slider.value = 4
    assert app.wait(timeout=10)
    assert app.error is None and bytes(app.image.value) == b"frame 4"


def test_a_frame_does_not_depend_on_what_was_prefetched_before_it():
    direct = widgets.dropout_explorer(drop_rate=0.6)
    served = widgets.dropout_explorer(drop_rate=0.5)
    served.prefetch = 0                     # only the next value ahead: 0.55, then 0.65
    served.serve_in_background()            # as in a notebook: 0.55 is prefetched, then served from the cache
    for value in (0.55, 0.6):
        served.slider.value = value
    assert served.wait(timeout=120, prefetched=True)
    assert bytes(served.image.value) == bytes(direct.image.value)
    assert served.result.drop_rate == 0.6 and served.status.value == direct.status.value
    neighbour = served.frames[(("drop_rate", 0.65),)]
    direct.slider.value = 0.65
    assert neighbour.png == bytes(direct.image.value)


@pytest.mark.parametrize("make", [lambda: widgets.unit_ball_explorer(), lambda: widgets.dropout_explorer(),
                                  lambda: widgets.weight_decay_explorer("regression")])
def test_sliders_follow_the_drag(make):
    assert make().slider.continuous_update is True


def test_draw_result_of_the_toy_is_a_png_when_it_is_a_figure():
    slider = ipywidgets.SelectionSlider(options=[1, 2], value=1)
    app = widgets.LiveApp({"p": slider}, lambda p: p, lambda p: plotting.plot_unit_ball(norms.unit_ball(p), p), str, background=True)
    app.slider.value = 2
    assert app.wait(timeout=30)
    assert bytes(app.image.value).startswith(b"\x89PNG") and app.result == 2
