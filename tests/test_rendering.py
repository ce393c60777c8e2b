"""Rendering: the house style stays inside its block, PNGs are PNGs, and a blitted frame matches a full redraw."""

import io

import matplotlib
import numpy as np
import pytest
from PIL import Image

from reglab import data, norms, plotting, rendering, train


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def changed_fraction(a: bytes, b: bytes) -> float:
    """Fraction of pixels that differ visibly (by more than 40 of 255 in some channel)."""
    pa, pb = pixels(a), pixels(b)
    assert pa.shape == pb.shape
    return float((np.abs(pa - pb).max(-1) > 40).mean())


@pytest.fixture(scope="module")
def runs():
    d = data.make_high_dim_regression()
    return [train.train_linear_regression(d, weight_decay=v) for v in (0.0, 3.0)]


def test_house_style_is_applied_only_inside_the_block():
    before = dict(matplotlib.rcParams)
    with rendering.house_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert dict(matplotlib.rcParams) == before


def test_figure_to_png_and_compression():
    png = rendering.figure_to_png(plotting.plot_unit_balls(norms.unit_balls()), dpi=70)
    small = rendering.compress_png(png, colors=64)
    assert png.startswith(b"\x89PNG") and small.startswith(b"\x89PNG")
    assert len(small) < len(png) and pixels(small).shape == pixels(png).shape
    assert changed_fraction(png, small) < 0.01, "a 64-colour palette must look the same"


def test_blitted_frame_equals_a_full_redraw(runs):
    first, second = runs
    blit = rendering.BlitFigure(plotting.plot_regression_run(first))
    plotting.update_regression_run(blit.fig, second)
    fast, full = blit.render(), blit.render_full()
    # Only a few pixels may differ (a curve drawn over a legend instead of under it), and the two runs differ a lot.
    assert changed_fraction(fast, full) < 0.002
    plotting.update_regression_run(blit.fig, first)
    assert changed_fraction(fast, blit.render()) > 0.01, "the two runs must look different"


def test_blitted_redraw_keeps_no_traces_of_earlier_frames(runs):
    first, second = runs
    blit = rendering.BlitFigure(plotting.plot_regression_run(first))
    before = blit.render()
    plotting.update_regression_run(blit.fig, second)
    assert blit.render() != before
    plotting.update_regression_run(blit.fig, first)
    assert blit.render() == before, "the static background must not keep traces of earlier frames"


def test_blitted_frames_keep_their_titles(runs):
    blit = rendering.BlitFigure(plotting.plot_regression_run(runs[0]))
    blit.render()
    for name in ("loss_title", "hist_title"):
        title = blit.fig.dynamic[name]
        assert title.get_visible() and title.get_text()
        assert title.get_position()[1] < 1.2, f"{name} was moved off its axes"


def test_palette_frames_are_smaller(runs):
    blit = rendering.BlitFigure(plotting.plot_regression_run(runs[1]))
    rgb = blit.render()
    blit.colors = 64
    palette = blit.render()
    assert len(palette) < len(rgb) and changed_fraction(rgb, palette) < 0.01
