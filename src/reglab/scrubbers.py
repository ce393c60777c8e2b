"""Kernel-free sliders for the website: precomputed frames swapped by a few lines of inline JavaScript."""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
from dataclasses import dataclass

from reglab import plotting, presets, widgets
from reglab.presets import CLASSIFIER_LAMBDAS, DEFAULT_WEIGHT_DECAY, DROP_RATE_CHOICES, REGRESSION_LAMBDAS, default_data
from reglab.rendering import compress_png, figure_to_png

__all__ = ["Scrubber", "dropout_scrubber", "scrubber_from", "unit_ball_scrubber", "weight_decay_scrubber"]


@dataclass(repr=False)
class Scrubber:
    """Frames (PNG bytes) with a label each, shown as a range slider that needs no kernel and no internet."""

    frames: list
    labels: list
    name: str
    title: str = ""
    start: int = 0

    def __post_init__(self):
        if len(self.frames) != len(self.labels) or not self.frames:
            raise ValueError(f"frames and labels must be non-empty and of equal length; got "
                             f"{len(self.frames)} frames and {len(self.labels)} labels")
        if not 0 <= self.start < len(self.frames):
            raise ValueError(f"start must index a frame (0 to {len(self.frames) - 1}); got {self.start}")

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
        uris = ["data:image/png;base64," + base64.b64encode(f).decode() for f in self.frames]
        uid = "scrub-" + hashlib.sha1("".join(uris).encode()).hexdigest()[:10]
        name, title = html.escape(self.name), html.escape(self.title)
        label = html.escape(self.labels[self.start])
        width = max(len(text) for text in self.labels) + 1  # in ch: the slider never moves when the label changes
        alts = [self.alt(i) for i in range(len(self.labels))]
        texts = [f"{self.name} = {text}" for text in self.labels]
        return f"""<div class="reglab-scrubber" id="{uid}">
<p style="margin:0"><b>{title}</b></p>
<label for="{uid}-range">{name} = <output id="{uid}-out" for="{uid}-range" class="reglab-scrubber-value"
 style="display:inline-block;min-width:{width}ch">{label}</output></label>
<input type="range" id="{uid}-range" min="0" max="{len(uris) - 1}" step="1" value="{self.start}"
 aria-valuetext="{html.escape(texts[self.start])}" style="display:block;width:100%;max-width:36rem">
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


def weight_decay_scrubber(task="regression", penalty="L2", values=None, start=None) -> Scrubber:
    """Chapter 2's λ explorer, precomputed for the website over the slider's λ values."""
    values = list(values or (REGRESSION_LAMBDAS if task == "regression" else CLASSIFIER_LAMBDAS))
    start = DEFAULT_WEIGHT_DECAY[task] if start is None else start
    if start not in values:
        raise ValueError(f"start must be one of values {values}; got {start!r}")
    data = default_data(task)
    update = functools.partial(widgets.weight_decay_update, penalty=penalty, task=task, data=data)
    title = ("Linear regression, 200 features, 20 examples" if task == "regression"
             else "Two-moons classifier, 150 noisy training points")
    return scrubber_from(update, widgets.RunPainter(data), values,
                         [plotting.lambda_label(v) for v in values], name=f"λ ({penalty})", title=title,
                         start=values.index(start))


def dropout_scrubber(values=None, start=0.5) -> Scrubber:
    """Chapter 3's dropout explorer, precomputed for the website over drop rates 0 to 0.9."""
    values = list(values or DROP_RATE_CHOICES[::2])  # 0, 0.1, ..., 0.9
    if start not in values:
        raise ValueError(f"start must be one of values {values}; got {start!r}")
    data = default_data("dropout")
    return scrubber_from(functools.partial(widgets.dropout_update, data=data), widgets.RunPainter(data), values,
                         [f"{v:g}" for v in values], name="drop rate",
                         title="Two-moons classifier, 150 training points with 20 % of labels flipped",
                         start=values.index(start))


def capacity_scrubber(num_train=20, start=3) -> Scrubber:
    """Chapter 0's capacity explorer over the polynomial degree, precomputed for the website."""
    import functools

    from reglab import widgets

    update = functools.partial(widgets.capacity_update, num_train=num_train)
    return scrubber_from(update, widgets.CapacityPainter(), presets.DEGREES, [str(d) for d in presets.DEGREES],
                         name="degree", title=f"Polynomial fits to {num_train} noisy points of sin(2πx)",
                         start=presets.DEGREES.index(start))


def training_size_scrubber(degree=9, start=20) -> Scrubber:
    """Chapter 0's capacity explorer over the training-set size at a fixed degree, precomputed for the website."""
    import functools

    from reglab import widgets

    update = functools.partial(widgets.capacity_update, degree)
    return scrubber_from(update, widgets.CapacityPainter(), presets.TRAIN_SIZES,
                         [str(n) for n in presets.TRAIN_SIZES], name="training points",
                         title=f"A degree-{degree} polynomial fitted to more and more points",
                         start=presets.TRAIN_SIZES.index(start))


def init_scrubber(depth=20, start=1.0) -> Scrubber:
    """Chapter 5's initialisation explorer over the scale (× He) at a fixed depth, precomputed for the website."""
    import functools

    from reglab import widgets

    update = functools.partial(widgets.init_update, depth=depth)
    return scrubber_from(update, widgets.InitPainter(), presets.INIT_SCALES,
                         [f"{v:g}" for v in presets.INIT_SCALES], name="scale × He",
                         title=f"Signals through {depth} ReLU layers", start=presets.INIT_SCALES.index(start))
