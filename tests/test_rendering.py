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


def three_panels():
    fig, axes = plotting.new_axes(figsize=(10, 3.4), ncols=3)
    for i, ax in enumerate(axes):
        ax.plot([0, 1], [0, i], label=f"line {i}")
        ax.set(title=f"panel {i}", xlabel="x", ylabel="y")
    return fig


def test_a_row_of_panels_is_stacked_for_phones():
    fig = three_panels()
    before = [ax.get_position().bounds for ax in fig.axes]
    narrow = rendering.narrow_figure(fig)
    assert narrow.get_size_inches()[0] == pytest.approx(rendering.NARROW_WIDTH_IN)
    geometry = [ax.get_subplotspec() for ax in narrow.axes]
    assert [spec.get_gridspec().get_geometry() for spec in geometry] == [(3, 1)] * 3
    assert [spec.rowspan.start for spec in geometry] == [0, 1, 2] and {s.colspan.start for s in geometry} == {0}
    assert [ax.get_title() for ax in narrow.axes] == ["panel 0", "panel 1", "panel 2"]
    assert [ax.get_position().bounds for ax in fig.axes] == before      # the original figure is untouched
    width, height = rendering.png_size(rendering.figure_to_png(narrow, dpi=rendering.DISPLAY_DPI))
    assert width <= rendering.NARROW_ABOVE_PX and height > 2 * width


def test_a_legend_beside_the_plot_moves_below_it_for_phones():
    fig = plotting.plot_unit_balls(norms.unit_balls((1, 2, float("inf"))))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    narrow = rendering.narrow_figure(fig)
    renderer = FigureCanvasAgg(narrow).get_renderer()
    narrow.draw(renderer)
    (ax,) = narrow.axes
    legend, axes = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
    assert legend.y1 < axes.y0 and 0 <= legend.x0 and legend.x1 <= narrow.bbox.x1


def test_wide_figures_carry_their_narrow_rendering_only_in_the_website_build(monkeypatch):
    from conftest import NARROW_ENV

    assert NARROW_ENV == rendering.NARROW_ENV   # the tests' executed book is rendered as the website's build renders
    monkeypatch.delenv(rendering.NARROW_ENV, raising=False)
    assert rendering.png_chunk(three_panels()._repr_png_(), rendering.NARROW_CHUNK) is None
    monkeypatch.setenv(rendering.NARROW_ENV, "1")
    png = three_panels()._repr_png_()
    narrow = rendering.png_chunk(png, rendering.NARROW_CHUNK)
    assert narrow is not None and rendering.png_size(narrow)[0] < rendering.NARROW_ABOVE_PX
    assert Image.open(io.BytesIO(png)).size == rendering.png_size(png)          # still a valid PNG, and both
    assert Image.open(io.BytesIO(narrow)).info["dpi"][0] == pytest.approx(rendering.DISPLAY_DPI, abs=1)
    plain = rendering.without_png_chunk(png, rendering.NARROW_CHUNK)
    assert rendering.png_chunk(plain, rendering.NARROW_CHUNK) is None and len(plain) == len(png) - len(narrow) - 12
    small, _ = plotting.new_axes(figsize=(4, 3))
    assert rendering.png_chunk(small._repr_png_(), rendering.NARROW_CHUNK) is None   # fits a phone already


def test_a_legend_too_wide_for_a_phones_plot_moves_below_it():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, (ax, other) = plotting.new_axes(figsize=(10, 3.8), ncols=2)
    ax.plot([0, 1], [0, 1], label="a label far too long to sit inside a plot 3.5 inches wide on a phone")
    ax.plot([0, 1], [1, 0], label="short")
    ax.legend(loc="upper left")
    ax.set_xlabel("an axis label long enough to wrap onto a second line on a phone's narrow figure")
    other.plot([0, 1], [0, 1], label="fits")
    other.legend(loc="upper left")
    narrow = rendering.narrow_figure(fig)
    renderer = FigureCanvasAgg(narrow).get_renderer()
    narrow.draw(renderer)
    first, second = narrow.axes
    legend = first.get_legend().get_window_extent(renderer)
    assert legend.y1 < first.xaxis.label.get_window_extent(renderer).y0   # below the plot and its wrapped label
    assert legend.y0 > second.get_tightbbox(renderer).y1                   # and above the next panel
    fits = second.get_legend().get_window_extent(renderer)
    assert second.get_window_extent(renderer).contains(fits.x0 + 1, fits.y0 + 1)   # a legend that fits stays inside
