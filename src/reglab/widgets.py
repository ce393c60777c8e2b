"""Live apps: a slider wired to a pure update(value) -> result and a draw(result) -> Figure."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from reglab import norms, plotting

P_CHOICES = (0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 12, 20, math.inf)


class LiveApp:
    """Controls wired to a pure update(**values) -> result and a draw(result) -> Figure, shown as an image.

    Results are cached by the controls' values. A result whose `failure` attribute is a message
    (a diverged training run, say) is reported in words instead of being plotted.
    """

    def __init__(self, controls, update, draw, describe, dpi=80):
        self.controls = dict(controls)
        self._update, self._draw, self._describe, self._dpi = update, draw, describe, dpi
        self.cache = {}
        self.result = None
        self.error = None
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="720px"))
        self.status = widgets.HTML()
        self.widget = widgets.VBox([*self.controls.values(), self.image, self.status])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.show()

    @property
    def slider(self):
        """The first control (the only one for one-slider apps)."""
        return next(iter(self.controls.values()))

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values):
        """The pure computation for one setting of the controls (cached)."""
        key = tuple(values.items())
        if key not in self.cache:
            self.cache[key] = self._update(**values)
        return self.cache[key]

    def show(self):
        """Compute (or fetch) the result for the controls' values and redraw the image and the status line."""
        values = self.values()
        if tuple(values.items()) not in self.cache:
            self.status.value = "<i>training…</i>"
        try:
            result = self.update(**values)
        except (ValueError, ArithmeticError) as err:
            return self._fail(str(err))
        failure = getattr(result, "failure", None)
        if failure:
            return self._fail(failure)
        self.result, self.error = result, None
        self.image.value = plotting.figure_to_png(self._draw(result), dpi=self._dpi)
        self.status.value = self._describe(result)
        return result

    def _fail(self, message):
        self.error = message
        self.image.value = plotting.figure_to_png(plotting.plot_message(message), dpi=self._dpi)
        self.status.value = f"<b style='color:#d62728'>Nothing to plot:</b> {html.escape(message)}"

    def _on_change(self, change):
        self.show()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


@dataclass
class UnitBallView:
    """What the unit-ball explorer shows for one p: the outline and the axiom report."""

    p: float
    points: np.ndarray
    report: norms.AxiomReport


def unit_ball_update(p) -> UnitBallView:
    """The pure update of the unit-ball explorer: outline of ||x||_p = 1 and which norm axioms hold."""
    report = norms.check_norm_axioms(lambda x: norms.quasi_norm(x, p), name=f"the L{plotting.p_label(p)} formula")
    return UnitBallView(float(p), norms.unit_ball(p), report)


def unit_ball_draw(view: UnitBallView):
    """Figure of one unit ball with its verdict."""
    return plotting.plot_unit_ball(view.p, view.report)


def unit_ball_describe(view: UnitBallView) -> str:
    """The axiom report as HTML for the status line."""
    return f"<pre style='line-height:1.3'>{html.escape(str(view.report))}</pre>"


def unit_ball_explorer(p=2) -> LiveApp:
    """Chapter 1's live app: slide p and watch the unit ball and the norm axioms change."""
    options = [(plotting.p_label(v), v) for v in P_CHOICES]
    if p not in P_CHOICES:
        raise ValueError(f"p must be one of the slider's values {[label for label, _ in options]}; got {p!r}")
    slider = widgets.SelectionSlider(options=options, value=p, description="p", continuous_update=False,
                                     layout=widgets.Layout(width="520px"))
    return LiveApp({"p": slider}, unit_ball_update, unit_ball_draw, unit_ball_describe)
