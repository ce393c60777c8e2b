"""Kernel-free sliders for the website: precomputed frames swapped by a few lines of inline JavaScript."""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
from dataclasses import dataclass

from reglab import browser_trainers, plotting, presets, widgets
from reglab.presets import CLASSIFIER_LAMBDAS, DEFAULT_WEIGHT_DECAY, DROP_RATE_CHOICES, REGRESSION_LAMBDAS, default_data
from reglab.rendering import compress_png, figure_to_png

__all__ = ["Scrubber", "capacity_scrubber", "dropout_scrubber", "init_scrubber", "live_scrubber", "scrubber_from",
           "training_size_scrubber", "unit_ball_scrubber", "weight_decay_scrubber"]


@dataclass(repr=False)
class Scrubber:
    """Frames (PNG bytes) with a label each, shown as a range slider that needs no kernel and no internet.

    With a live spec (reglab.browser_trainers), the page's _static/reglab-live.js retrains the model on every
    slider move and draws it on a canvas; the one frame kept, the start value's, is the figure without JavaScript.
    """

    frames: list
    labels: list
    name: str
    title: str = ""
    start: int = 0
    live: dict | None = None

    def __post_init__(self):
        if not self.labels or len(self.frames) != (1 if self.live else len(self.labels)):
            raise ValueError(f"frames and labels must be non-empty and of equal length (a live scrubber keeps one "
                             f"frame, its start value's); got {len(self.frames)} frames and {len(self.labels)} labels")
        if not 0 <= self.start < len(self.labels):
            raise ValueError(f"start must index a frame (0 to {len(self.labels) - 1}); got {self.start}")

    def __repr__(self) -> str:
        return f"Scrubber({self.name!r}, {len(self.frames)} frames, {self.nbytes / 1e3:.0f} kB)"

    @property
    def nbytes(self) -> int:
        return len(self.to_html().encode())

    def alt(self, index) -> str:
        """The image's alt text: a sentence naming the figure and the slider's value."""
        return f"{self.title or 'Figure'}, drawn for {self.name} = {self.labels[index]}."

    def to_html(self) -> str:
        """Self-contained HTML: a readout of fixed width above a range input, and an image; nothing is fetched."""
        if self.live:
            return self._live_html()
        uris = ["data:image/png;base64," + base64.b64encode(f).decode() for f in self.frames]
        uid = "scrub-" + hashlib.sha1("".join(uris).encode()).hexdigest()[:10]
        title = html.escape(self.title)
        alts = [self.alt(i) for i in range(len(self.labels))]
        texts = [f"{self.name} = {text}" for text in self.labels]
        return f"""<div class="reglab-scrubber" id="{uid}">
<p style="margin:0"><b>{title}</b></p>
{self._slider_html(uid)}
<img id="{uid}-img" src="{uris[self.start]}" alt="{html.escape(alts[self.start])}"
 style="display:block;max-width:100%;height:auto">
<script>
(function () {{
  var frames = {json.dumps(uris)};
  var labels = {json.dumps(self.labels)};
  var alts = {json.dumps(alts)};
  var texts = {json.dumps(texts)};
  var range = document.getElementById("{uid}-range");
  var img = document.getElementById("{uid}-img");
  var out = document.getElementById("{uid}-out");
  range.addEventListener("input", function () {{
    img.src = frames[range.value];
    out.textContent = labels[range.value];
    img.alt = alts[range.value];
    range.setAttribute("aria-valuetext", texts[range.value]);
  }});
}})();
</script>
</div>"""

    def _slider_html(self, uid) -> str:
        """The readout (fixed width, so the slider never moves when it changes) and the range input."""
        name, label = html.escape(self.name), html.escape(self.labels[self.start])
        width = max(len(text) for text in self.labels) + 1  # in ch
        return f"""<label for="{uid}-range">{name} = <output id="{uid}-out" for="{uid}-range" class="reglab-scrubber-value"
 style="display:inline-block;min-width:{width}ch">{label}</output></label>
<input type="range" id="{uid}-range" min="0" max="{len(self.labels) - 1}" step="1" value="{self.start}"
 aria-valuetext="{html.escape(f'{self.name} = {self.labels[self.start]}')}" style="display:block;width:100%;max-width:36rem">"""

    def _live_html(self) -> str:
        """The start value's figure under a slider that _static/reglab-live.js turns into a live explorer."""
        uid = "live-" + hashlib.sha1(json.dumps(self.live, sort_keys=True).encode()).hexdigest()[:10]
        name, title, label = html.escape(self.name), html.escape(self.title), html.escape(self.labels[self.start])
        spec = json.dumps({**self.live, "labels": self.labels, "name": self.name, "title": self.title},
                          separators=(",", ":")).replace("</", "<\\/")
        penalties = self.live.get("penalties") or []
        choice = "" if len(penalties) < 2 else (
            '<fieldset class="reglab-live-penalty"><legend>penalty</legend>' + "".join(
                f'<label><input type="radio" name="{uid}-penalty" value="{p}"{" checked" if i == 0 else ""}> {p}'
                f"</label> " for i, p in enumerate(penalties)) + "</fieldset>")
        uri = "data:image/png;base64," + base64.b64encode(self.frames[0]).decode()
        return f"""<div class="reglab-scrubber reglab-live" id="{uid}">
<p style="margin:0"><b>{title}</b></p>
{choice}{self._slider_html(uid)}
<img src="{uri}" alt="{html.escape(self.alt(self.start))}" style="display:block;max-width:100%;height:auto">
<p class="reglab-live-status" aria-live="polite"></p>
<noscript><p>This figure is drawn for {name} = {label}. With JavaScript on, the slider retrains the model in
 the page.</p></noscript>
<script type="application/json" class="reglab-live-spec">{spec}</script>
</div>"""

    def _repr_html_(self) -> str:
        return self.to_html()


def scrubber_from(update, draw, values, labels, name, title="", start=0, dpi=70, colors=64) -> Scrubber:
    """Run a live app's update and draw over values ahead of time: the website's version of its slider."""
    pictures = (draw(update(v)) for v in values)
    frames = [compress_png(p if isinstance(p, bytes) else figure_to_png(p, dpi=dpi), colors) for p in pictures]
    return Scrubber(frames, list(labels), name, title, start)


def unit_ball_scrubber(ps=(0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 8, float("inf")), start_p=2) -> Scrubber:
    """Chapter 1's unit-ball explorer, precomputed for the website."""
    ps = list(ps)
    if start_p not in ps:
        raise ValueError(f"start_p must be one of ps {ps}; got {start_p!r}")
    return scrubber_from(widgets.unit_ball_update, widgets.unit_ball_draw, ps, [plotting.p_label(p) for p in ps],
                         name="p", title="Unit ball and norm axioms", start=ps.index(start_p))


def live_scrubber(update, draw, values, labels, name, title, start, spec, dpi=70, colors=64) -> Scrubber:
    """A scrubber retrained in the browser from spec, with the start value's frame as its figure without JavaScript."""
    frame = scrubber_from(update, draw, [values[start]], [labels[start]], name, title, 0, dpi, colors).frames
    return Scrubber(frame, list(labels), name, title, start, {**spec, "values": list(values)})


def weight_decay_scrubber(task="regression", penalty="L2", values=None, start=None, live=True) -> Scrubber:
    """Chapter 2's λ explorer for the website: retrained in the browser (live) or precomputed for every λ.

    The live explorer has both penalties, penalty first; the precomputed one shows penalty only.
    """
    values = list(values or (REGRESSION_LAMBDAS if task == "regression" else CLASSIFIER_LAMBDAS))
    start = DEFAULT_WEIGHT_DECAY[task] if start is None else start
    if start not in values:
        raise ValueError(f"start must be one of values {values}; got {start!r}")
    if penalty not in widgets.PENALTIES:
        raise ValueError(f"penalty must be one of {widgets.PENALTIES}; got {penalty!r}")
    data = default_data(task)
    update = functools.partial(widgets.weight_decay_update, penalty=penalty, task=task, data=data)
    title = ("Linear regression, 200 features, 20 examples" if task == "regression"
             else "Two-moons classifier, 150 noisy training points")
    labels = [plotting.lambda_label(v) for v in values]
    if not live:
        return scrubber_from(update, widgets.RunPainter(data), values, labels, name=f"λ ({penalty})", title=title,
                             start=values.index(start))
    spec = (browser_trainers.regression_spec(data, evaluation_precision="f32") if task == "regression"
            else browser_trainers.explorer_classifier_spec(task))
    spec["penalties"] = [penalty, *(p for p in widgets.PENALTIES if p != penalty)]
    return live_scrubber(update, widgets.RunPainter(data), values, labels, "λ", title, values.index(start), spec)


def dropout_scrubber(values=None, start=0.5, live=True) -> Scrubber:
    """Chapter 3's dropout explorer for the website: retrained in the browser (live) or precomputed, rates 0 to 0.9."""
    values = list(values or (DROP_RATE_CHOICES if live else DROP_RATE_CHOICES[::2]))  # 0, 0.05 (0.1), ..., 0.9
    if start not in values:
        raise ValueError(f"start must be one of values {values}; got {start!r}")
    data = default_data("dropout")
    args = (functools.partial(widgets.dropout_update, data=data), widgets.RunPainter(data), values,
            [f"{v:g}" for v in values], "drop rate",
            "Two-moons classifier, 150 training points with 20 % of labels flipped", values.index(start))
    if not live:
        return scrubber_from(*args)
    return live_scrubber(*args, browser_trainers.explorer_classifier_spec("dropout"))


def capacity_scrubber(num_train=20, start=3, live=True) -> Scrubber:
    """Chapter 0's capacity explorer over the polynomial degree: refitted in the browser (live) or precomputed."""
    if num_train not in presets.TRAIN_SIZES:
        raise ValueError(f"num_train must be one of {list(presets.TRAIN_SIZES)}; got {num_train!r}")
    update = functools.partial(widgets.capacity_update, num_train=num_train)
    args = (update, widgets.CapacityPainter(), presets.DEGREES, [str(d) for d in presets.DEGREES], "degree",
            f"Polynomial fits to {num_train} noisy points of sin(2πx)", presets.DEGREES.index(start))
    if not live:
        return scrubber_from(*args)
    spec = {**browser_trainers.capacity_spec(train_sizes=[num_train]), "slider": "degree", "fixed": num_train}
    return live_scrubber(*args, spec)


def training_size_scrubber(degree=9, start=20, live=True) -> Scrubber:
    """Chapter 0's capacity explorer over the training-set size at a fixed degree: live or precomputed."""
    update = functools.partial(widgets.capacity_update, degree)
    args = (update, widgets.CapacityPainter(), presets.TRAIN_SIZES, [str(n) for n in presets.TRAIN_SIZES],
            "training points", f"A degree-{degree} polynomial fitted to more and more points",
            presets.TRAIN_SIZES.index(start))
    if not live:
        return scrubber_from(*args)
    spec = {**browser_trainers.capacity_spec(), "slider": "num_train", "fixed": degree}
    return live_scrubber(*args, spec)


def init_scrubber(depth=20, start=1.0) -> Scrubber:
    """Chapter 5's initialisation explorer over the scale (× He) at a fixed depth, precomputed for the website."""
    update = functools.partial(widgets.init_update, depth=depth)
    return scrubber_from(update, widgets.InitPainter(), presets.INIT_SCALES,
                         [f"{v:g}" for v in presets.INIT_SCALES], name="scale × He",
                         title=f"Signals through {depth} ReLU layers", start=presets.INIT_SCALES.index(start))
