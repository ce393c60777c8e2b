"""Figures to pixels: the house style, Figure -> PNG and its compression, and fast partial redraws (blitting).

Nothing here knows about sliders, training or what a figure shows.
"""

from __future__ import annotations

import io
import math
import os
import pickle
import re
import struct
import zlib
from contextlib import contextmanager

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

__all__ = ["HOUSE_STYLE", "DISPLAY_DPI", "SMALLEST_TEXT_PT", "COLORS", "NARROW_CHUNK", "NARROW_ENV", "NARROW_WIDTH_IN",
           "describe_figure", "house_style", "BookFigure", "figure_to_png", "compress_png", "narrow_figure", "narrow_png",
           "png_chunk", "png_size", "with_png_chunk", "without_png_chunk", "rgba_to_png", "BlitFigure"]

HOUSE_STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Text sizes in points; the smallest is SMALLEST_TEXT_PT. On screen a point is dpi/72 px times the shrink factor,
    # so a figure must stay at most 10 in wide (DISPLAY_DPI) to keep 10 pt text at 9 px or more in a laptop's column.
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "savefig.bbox": "standard",
}
DISPLAY_DPI = 90
SMALLEST_TEXT_PT = 10  # no text in a figure is smaller (tick labels, legends, notes)
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]
# Phones: a figure wider than NARROW_ABOVE_PX also gets a narrow rendering, NARROW_WIDTH_IN wide (a 390 px phone's
# text column at DISPLAY_DPI, so 10 pt text stays about 12 px), its panels stacked in one column. The website's build
# sets NARROW_ENV; the narrow PNG then travels inside the wide one (chunk NARROW_CHUNK) to _ext/reader_site.py.
NARROW_ENV = "REGLAB_NARROW_FIGURES"
NARROW_ABOVE_PX = 400
NARROW_WIDTH_IN = 4.2
NARROW_PANEL_MAX_IN = 4.2   # the tallest a stacked panel gets: a phone screen shows one whole panel at least
NARROW_CHUNK = b"rgNr"   # a private, ancillary PNG chunk: image viewers skip it


@contextmanager
def house_style():
    """Apply the house style inside a with-block only (importing reglab never changes global settings)."""
    with matplotlib.rc_context(HOUSE_STYLE):
        yield


class BookFigure(Figure):
    """A Figure that shows itself as a PNG in any notebook, with or without pyplot's inline backend."""

    def _repr_png_(self) -> bytes:
        # a 256-colour palette looks the same and keeps notebooks small
        png = compress_png(figure_to_png(self, dpi=DISPLAY_DPI), colors=256, description=describe_figure(self))
        if os.environ.get(NARROW_ENV):
            narrow = narrow_png(self, png)
            if narrow:
                png = with_png_chunk(png, NARROW_CHUNK, narrow)
        return png


def png_size(png: bytes) -> tuple:
    """(width, height) in pixels, from the PNG's header."""
    return struct.unpack(">II", png[16:24])


def narrow_png(fig, png: bytes) -> bytes | None:
    """The phone rendering of fig (see narrow_figure), or None when its rendering png fits a phone as it is."""
    if png_size(png)[0] <= NARROW_ABOVE_PX:
        return None
    narrow = narrow_figure(fig)
    return compress_png(figure_to_png(narrow, dpi=DISPLAY_DPI), colors=256, description=describe_figure(narrow))


def narrow_figure(fig):
    """A copy of fig NARROW_WIDTH_IN wide: one row of panels becomes a column; a legend beside the plot, or too wide
    to sit in it, moves below.

    Grids of more than four panels (such as rows of digit images) keep their grid, narrower.
    """
    copy = pickle.loads(pickle.dumps(fig))
    panels = [ax for ax in copy.axes if ax.get_subplotspec() is not None and not hasattr(ax, "_colorbar")]
    specs = {id(ax.get_subplotspec().get_gridspec()) for ax in panels}
    width, height = copy.get_size_inches()
    if len(specs) == 1 and panels:
        grid = panels[0].get_subplotspec().get_gridspec()
        nrows, ncols = grid.get_geometry()
        if ncols > 1 and nrows * ncols <= 4:
            cell_height = height / nrows
            column = copy.add_gridspec(nrows * ncols, 1)
            for ax in panels:
                rows, cols = ax.get_subplotspec().rowspan, ax.get_subplotspec().colspan
                ax.set_subplotspec(column[rows.start * ncols + cols.start, 0])
            panel = min(cell_height * min(1.0, NARROW_WIDTH_IN / (width / ncols)) + 0.4, NARROW_PANEL_MAX_IN)
            height = panel * nrows * ncols
        else:
            height = max(height * NARROW_WIDTH_IN / width, 2.4) if nrows * ncols > 4 else min(height, NARROW_PANEL_MAX_IN)
    copy.set_size_inches(NARROW_WIDTH_IN, height)
    renderer = FigureCanvasAgg(copy).get_renderer()
    extra = 0.0
    for ax in copy.axes:
        legend = ax.get_legend()
        if not legend:
            continue
        anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
        beside = anchor.x0 >= 0.99
        wide = legend.get_window_extent(renderer).width > 0.6 * copy.bbox.width   # would hide the plot
        if beside or wide:   # below the plot instead, under its tick labels and (wrapped) axis label
            label = ax.xaxis.label
            lines = math.ceil(label.get_window_extent(renderer).width / (0.8 * copy.bbox.width)) if label.get_text() else 0
            below = offset_copy(ax.transAxes, fig=copy, y=-(22 + 15 * lines), units="points")
            legend.set_bbox_to_anchor((0.5, 0.0), transform=below)
            legend.set_loc("upper center")
            extra += 0.25 * len(legend.get_texts()) + 0.4
    for ax in copy.axes:   # long titles and labels wrap at the figure's edge instead of widening it
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            text.set_wrap(True)
    if getattr(copy, "_suptitle", None):
        copy._suptitle.set_wrap(True)
    copy.set_size_inches(NARROW_WIDTH_IN, height + extra)
    return copy


def _chunks(png: bytes):
    """(type, start, end) of each chunk of a PNG: its bytes are png[start:end], data and CRC included."""
    position = 8
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        yield kind, position, position + 12 + length
        position += 12 + length


def png_chunk(png: bytes, kind: bytes) -> bytes | None:
    """The data of the PNG's first chunk of type kind, or None."""
    return next((png[start + 8:end - 4] for found, start, end in _chunks(png) if found == kind), None)


def with_png_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    """The PNG with one more chunk (type kind, holding data) just before its end."""
    end = png.rindex(b"IEND") - 4
    chunk = struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return png[:end] + chunk + png[end:]


def without_png_chunk(png: bytes, kind: bytes) -> bytes:
    """The PNG without its chunks of type kind."""
    return png[:8] + b"".join(png[start:end] for found, start, end in _chunks(png) if found != kind)


def describe_figure(fig) -> str:
    """A sentence naming a figure's panels and axes (the website's alt text for it)."""
    def words(text):
        text = text.replace(r"\|", "‖").replace("$", "")
        text = re.sub(r"\s*/\s*", " over ", text)          # read aloud as words, and no path-like slashes
        return re.sub(r"\\[a-zA-Z]+|[\\{}]", "", text).strip()

    panels = []
    for ax in fig.axes:
        title, x, y = words(ax.get_title()), words(ax.get_xlabel()), words(ax.get_ylabel())
        if title or x or y:
            axes = f" ({y or 'value'} against {x})" if x else (f" ({y})" if y else "")
            panels.append((title or "a panel") + axes)
    suptitle = words(fig._suptitle.get_text()) if getattr(fig, "_suptitle", None) else ""
    body = "; ".join(panels) or "a picture without titles"
    return f"Figure: {suptitle + ': ' if suptitle else ''}{body}."


def figure_to_png(fig, dpi=None) -> bytes:
    """Render a Figure to PNG bytes (for widgets and scrubbers)."""
    buffer = io.BytesIO()
    with house_style():
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def compress_png(png: bytes, colors=64, description="") -> bytes:
    """Re-encode a PNG with a palette of `colors` colours (about 3x smaller for line plots), keeping its resolution;
    a description is stored as the PNG's Description text (the website uses it as the image's alt text)."""
    from PIL import Image, PngImagePlugin

    original = Image.open(io.BytesIO(png))
    image = original.convert("RGB").quantize(colors=colors)
    buffer = io.BytesIO()
    extra = {"dpi": original.info["dpi"]} if "dpi" in original.info else {}  # keep the resolution (pHYs)
    if description:
        info = PngImagePlugin.PngInfo()
        info.add_itxt("Description", description)
        extra["pnginfo"] = info
    image.save(buffer, format="PNG", optimize=True, **extra)
    return buffer.getvalue()


def rgba_to_png(rgba, size, colors=None, dpi=None) -> bytes:
    """PNG bytes of a raw RGBA buffer of size (width, height); with colors, a palette image (3-4x smaller).

    Made for live frames, which are shown once: the fast octree palette and zlib levels cost a few milliseconds.
    With dpi, the PNG states its resolution (the website's figure-text test reads it).
    """
    from PIL import Image

    image = Image.frombuffer("RGBA", size, bytes(rgba), "raw", "RGBA", 0, 1).convert("RGB")
    if colors:
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6 if colors else 1, **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


class BlitFigure:
    """Redraws a figure fast: static parts (axes, ticks, labels) are rendered once, the dynamic artists each time.

    Axis limits must stay fixed. fig.dynamic names the artists that change; replace() swaps one (a new contour).
    """

    def __init__(self, fig, colors=None):
        self.fig, self.colors = fig, colors
        FigureCanvasAgg(fig)
        with house_style():
            fig.canvas.draw()                      # lay out once with everything visible, then freeze it
            fig.set_layout_engine("none")
            # A full draw re-places axes titles, and places hidden ones wrongly: keep the visible positions.
            self._positions = {name: a.get_position() for name, a in fig.dynamic.items() if isinstance(a, Text)}
            self._set_dynamic_visible(False)
            fig.canvas.draw()
            self.background = fig.canvas.copy_from_bbox(fig.bbox)
            self._set_dynamic_visible(True)

    def _set_dynamic_visible(self, visible):
        for name, artist in self.fig.dynamic.items():
            artist.set_visible(visible)
            if visible and name in self._positions:
                artist.set_position(self._positions[name])

    def replace(self, name, artist):
        """Swap the dynamic artist called name for a new one (the old one is removed)."""
        self.fig.dynamic[name].remove()
        self.fig.dynamic[name] = artist

    def render(self) -> bytes:
        """PNG of the figure as it is now: the saved background, then only the dynamic artists drawn on it."""
        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        with house_style():
            for artist in self.fig.dynamic.values():
                (artist.axes or self.fig).draw_artist(artist)
        return rgba_to_png(canvas.buffer_rgba(), canvas.get_width_height(), self.colors, dpi=self.fig.dpi)

    def render_full(self) -> bytes:
        """PNG of a complete redraw of the figure as it is now (what render() saves time on; for checking it)."""
        with house_style():
            self.fig.canvas.draw()
            self._set_dynamic_visible(True)
        canvas = self.fig.canvas
        return rgba_to_png(canvas.buffer_rgba(), canvas.get_width_height(), self.colors, dpi=self.fig.dpi)
