"""Live apps: a slider wired to a pure update(value) -> result and a draw(result) -> Figure."""

from __future__ import annotations

import functools
import html
import threading
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from reglab import norms, plotting, train
from reglab.presets import (CLASSIFIER_LAMBDAS, CLASSIFIER_SETTINGS, DEFAULT_DROP_RATE, DEFAULT_P,
                            DEFAULT_WEIGHT_DECAY, DEGREES, DEPTHS, DROP_RATE_CHOICES, DROPOUT_SETTINGS, INIT_SCALES,
                            P_CHOICES, REGRESSION_LAMBDAS, TRAIN_SIZES, default_data)
from reglab.rendering import BlitFigure, figure_to_png

__all__ = ["PENALTIES", "DropoutView", "LiveApp", "RunPainter", "UnitBallView", "WeightDecayView", "dropout_describe",
           "dropout_explorer", "dropout_update", "unit_ball_describe", "unit_ball_draw", "unit_ball_explorer",
           "unit_ball_update", "weight_decay_describe", "weight_decay_explorer", "weight_decay_update"]


@dataclass(frozen=True)
class Frame:
    """What the app shows for one setting of its controls: the result (None if it failed), PNG and status line."""

    result: object
    error: str | None
    png: bytes
    status: str


def _in_kernel() -> bool:
    """True inside a running IPython kernel (where slider moves arrive as messages a worker thread can serve)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class LiveApp:
    """Controls wired to a pure update(**values) -> result and a draw(result) -> Figure, shown as an image.

    Results and finished frames are cached by the controls' values. A result whose `failure` attribute is a message
    (a diverged training run, say) is reported in words instead of being plotted.

    In a kernel (or with background=True) a worker thread serves the moves: while it computes, newer values replace
    older pending ones (the last value is always the one drawn), and when idle it computes the frames of the
    `prefetch` + 1 next slider values in the direction of the last move and `prefetch` behind, so the next step is
    usually ready. A value's frame never
    depends on what was computed before it. Without a kernel (tests), a move is served before the assignment returns.
    """

    def __init__(self, controls, update, draw, describe, dpi=80, background=None, prefetch=2):
        self.controls = dict(controls)
        self._update, self._draw, self._describe, self._dpi = update, draw, describe, dpi
        self.cache, self.frames = {}, {}
        self.result = self.error = self.shown = None
        self.prefetch = prefetch
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="720px", align_self="flex-start"))
        self.status = widgets.HTML()
        self.widget = widgets.VBox([*self.controls.values(), self.image, self.status])
        self._render_lock = threading.Lock()          # one figure, drawn by one thread at a time
        self._wake = threading.Condition()
        self._pending, self._todo, self._worker, self._last_index = None, [], None, None
        self._serving = self._prefetching = False
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.show()
        if _in_kernel() if background is None else background:
            self.serve_in_background()

    def serve_in_background(self):
        """Serve later moves from a worker thread (coalescing, prefetching); done by itself in a kernel."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="reglab-live-app", daemon=True)
            self._worker.start()
            self._plan_prefetch(self.values(), depth=self.prefetch)
        return self

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

    def frame(self, **values) -> Frame:
        """The finished picture and status line for one setting of the controls (cached)."""
        key = tuple(values.items())
        if key in self.frames:
            return self.frames[key]
        with self._render_lock:
            if key not in self.frames:
                self.frames[key] = self._make_frame(values)
        return self.frames[key]

    def _make_frame(self, values) -> Frame:
        try:
            result = self.update(**values)
        except (ValueError, ArithmeticError) as err:
            return self._failure_frame(str(err))
        failure = getattr(result, "failure", None)
        if failure:
            return self._failure_frame(failure)
        picture = self._draw(result)
        png = picture if isinstance(picture, bytes) else figure_to_png(picture, dpi=self._dpi)
        return Frame(result, None, png, self._describe(result))

    def _failure_frame(self, message) -> Frame:
        png = figure_to_png(plotting.plot_message(message), dpi=self._dpi)
        return Frame(None, message, png, f"<b style='color:#d62728'>Nothing to plot:</b> {html.escape(message)}")

    def show(self):
        """Compute (or fetch) the frame for the controls' values and put it on screen; returns the result."""
        return self._paint(self.values())

    def _paint(self, values):
        key = tuple(values.items())
        if key not in self.frames:
            self.status.value = "<i>training…</i>"
        frame = self.frame(**values)
        self.status.value = frame.status         # first, so the status line is there when the image is painted
        self.image.value = frame.png
        self.error, self.shown = frame.error, key
        if frame.error is None:
            self.result = frame.result
        return frame.result

    def _on_change(self, change):
        if self._worker is None:
            self.show()
            return
        with self._wake:
            self._pending = self.values()             # replaces any older value not served yet
            self._wake.notify()

    def wait(self, timeout=60.0, prefetched=False) -> bool:
        """Block until the picture shows the controls' values (and, if prefetched, the prefetching is done)."""
        with self._wake:
            return self._wake.wait_for(lambda: self._pending is None and not self._serving
                                       and not (prefetched and (self._todo or self._prefetching)), timeout)

    def _work(self):
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._pending is not None or self._todo)
                values, self._pending = self._pending, None
                job = self._todo.pop(0) if values is None else None
                self._serving, self._prefetching = values is not None, values is None
            try:
                if values is not None:
                    self._paint(values)
                    self._plan_prefetch(values, depth=self.prefetch)
                else:
                    self.frame(**job)
            except Exception as err:  # a broken update must not kill the thread that serves the slider
                self.status.value = f"<b style='color:#d62728'>Error:</b> {html.escape(repr(err))}"
            finally:
                with self._wake:
                    self._serving = self._prefetching = False
                    self._wake.notify_all()

    def _plan_prefetch(self, values, depth):
        """Queue the frames of nearby slider values: depth + 1 ahead in the direction of the last move, depth behind.

        Ahead comes first ([+1, +2, -1, +3, -2] for depth 2), so a reader stepping on finds the next two ready.
        """
        name, control = next(iter(self.controls.items()))
        options = list(getattr(control, "_options_values", ()))  # a selection slider's values, in order
        if values[name] not in options:
            return
        here = options.index(values[name])
        step = -1 if self._last_index is not None and here < self._last_index else 1
        self._last_index = here
        ranked = sorted([(d, here + step * d) for d in range(1, depth + 2)]
                        + [(d + 1.5, here - step * d) for d in range(1, depth + 1)])
        todo = [{**values, name: options[i]} for _, i in ranked if 0 <= i < len(options)]
        with self._wake:
            self._todo = [v for v in todo if tuple(v.items()) not in self.frames]
            self._wake.notify_all()

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
    return plotting.plot_unit_ball(view.points, view.p, view.report)


def unit_ball_describe(view: UnitBallView) -> str:
    """The axiom report as HTML for the status line."""
    return f"<pre style='line-height:1.3'>{html.escape(str(view.report))}</pre>"


def unit_ball_explorer(p=DEFAULT_P) -> LiveApp:
    """Chapter 1's live app: slide p and watch the unit ball and the norm axioms change."""
    options = [(plotting.p_label(v), v) for v in P_CHOICES]
    if p not in P_CHOICES:
        raise ValueError(f"p must be one of the slider's values {[label for label, _ in options]}; got {p!r}")
    slider = widgets.SelectionSlider(options=options, value=p, description="p", continuous_update=True,
                                     layout=widgets.Layout(width="520px"))
    return LiveApp({"p": slider}, unit_ball_update, unit_ball_draw, unit_ball_describe)


PENALTIES = ("L2", "L1")
TASKS = ("regression", "classification")


@dataclass
class WeightDecayView:
    """One λ explorer result: the task, the penalty and its strength, and the training run."""

    task: str
    penalty: str
    value: float
    run: object

    @property
    def failure(self):
        return self.run.failure

    @property
    def label(self) -> str:
        return f"{self.penalty}, λ = {plotting.lambda_label(self.value)}"


def weight_decay_update(weight_decay, penalty, task="regression", data=None) -> WeightDecayView:
    """The λ explorer's pure update: retrain with an L2 or L1 penalty of strength weight_decay."""
    if penalty not in PENALTIES:
        raise ValueError(f"penalty must be one of {PENALTIES}; got {penalty!r}")
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")
    strength = train.penalty_strength(weight_decay, "weight_decay")
    penalties = {"weight_decay": strength, "l1": 0.0} if penalty == "L2" else {"weight_decay": 0.0, "l1": strength}
    if task == "regression":
        run = train.train_linear_regression(data or default_data(task), **penalties)
    else:
        run = train.train_classifier(data or default_data(task), **penalties, **CLASSIFIER_SETTINGS)
    return WeightDecayView(task, penalty, strength, run)


LIVE_COLORS = 256  # palette of the explorers' frames: a third of the bytes of RGB, and looks the same


class RunPainter:
    """Draws explorer results (a view with task, label and run) into one figure built once, then partly redrawn."""

    def __init__(self, data):
        self.data, self.blit = data, None

    def __call__(self, view) -> bytes:
        if self.blit is None:
            skeleton = (plotting._regression_skeleton(len(view.run.epochs) - 1) if view.task == "regression"
                        else plotting._classifier_skeleton(view.run, self.data))
            self.blit = BlitFigure(skeleton, colors=LIVE_COLORS)
        if view.task == "regression":
            plotting.update_regression_run(self.blit.fig, view.run, view.penalty)
        else:
            plotting.update_classifier_run(self.blit.fig, view.run, self.data, view.label, blit=self.blit)
        return self.blit.render()


def weight_decay_describe(view: WeightDecayView) -> str:
    """One line of numbers for the status bar."""
    run = view.run
    if view.task == "regression":
        return (f"{view.penalty}, λ = {plotting.lambda_label(view.value)}: final training loss "
                f"{run.train_loss[-1]:.2e}, test loss {run.test_loss[-1]:.2e}, ‖w‖₂ = {run.w_norm[-1]:.3f}, "
                f"{int((run.w == 0).sum())} of {run.w.size} weights exactly 0")
    return (f"{view.label}: training accuracy {run.train_acc[-1]:.1%}, "
            f"test accuracy {run.test_acc[-1]:.1%}, ‖W‖₂ = {run.w_norm[-1]:.2f}")


def weight_decay_explorer(task="regression", weight_decay=None, penalty="L2", data=None) -> LiveApp:
    """Chapter 2's live app: slide λ (log scale, 0 included), pick L1 or L2, and watch the model retrain."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}")
    lambdas = REGRESSION_LAMBDAS if task == "regression" else CLASSIFIER_LAMBDAS
    weight_decay = DEFAULT_WEIGHT_DECAY[task] if weight_decay is None else weight_decay
    if weight_decay not in lambdas:
        raise ValueError(f"weight_decay must be one of the slider's values {list(lambdas)}; got {weight_decay!r}")
    if penalty not in PENALTIES:
        raise ValueError(f"penalty must be one of {PENALTIES}; got {penalty!r}")
    data = data or default_data(task)
    slider = widgets.SelectionSlider(options=[(plotting.lambda_label(v), v) for v in lambdas], value=weight_decay,
                                     description="λ", continuous_update=True, layout=widgets.Layout(width="600px"))
    toggle = widgets.ToggleButtons(options=list(PENALTIES), value=penalty, description="penalty")
    update = functools.partial(weight_decay_update, task=task, data=data)
    return LiveApp({"weight_decay": slider, "penalty": toggle}, update, RunPainter(data),
                   weight_decay_describe)


@dataclass
class DropoutView:
    """One dropout explorer result: the drop rate of both hidden layers and the training run."""

    drop_rate: float
    run: object
    task: str = "classification"

    @property
    def failure(self):
        return self.run.failure

    @property
    def label(self) -> str:
        return f"drop rate {self.drop_rate:g}"


def dropout_update(drop_rate, data=None) -> DropoutView:
    """The dropout explorer's pure update: retrain the 2-D classifier with inverted dropout after both hidden layers."""
    from reglab.dropout import check_rate

    drop_rate = check_rate(drop_rate)
    run = train.train_classifier(data or default_data("dropout"), drop_rate=drop_rate, **DROPOUT_SETTINGS)
    return DropoutView(drop_rate, run)


def dropout_describe(view: DropoutView) -> str:
    """One line of numbers for the status bar."""
    run = view.run
    gap = run.train_acc[-1] - run.test_acc[-1]
    return (f"{view.label}: training accuracy {run.train_acc[-1]:.1%}, test accuracy {run.test_acc[-1]:.1%} "
            f"(gap {gap:+.1%}), all measured with dropout off")


def dropout_explorer(drop_rate=DEFAULT_DROP_RATE, data=None) -> LiveApp:
    """Chapter 3's live app: slide the drop rate from 0 to 0.9 and watch the network retrain."""
    if drop_rate not in DROP_RATE_CHOICES:
        raise ValueError(f"drop_rate must be one of the slider's values {list(DROP_RATE_CHOICES)}; got {drop_rate!r}")
    data = data or default_data("dropout")
    slider = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in DROP_RATE_CHOICES], value=drop_rate,
                                     description="drop rate", continuous_update=True,
                                     layout=widgets.Layout(width="600px"))
    return LiveApp({"drop_rate": slider}, functools.partial(dropout_update, data=data), RunPainter(data),
                   dropout_describe)


# ---------------------------------------------------------------- Chapter 0: the capacity explorer



@dataclass
class CapacityView:
    """One capacity explorer result: the data, the fit of the chosen degree and the error of every degree."""

    data: object
    fit: object
    curve: object


def capacity_update(degree, num_train) -> CapacityView:
    """The capacity explorer's pure update: draw num_train points, fit every degree, keep the chosen one."""
    from reglab import capacity

    if num_train not in TRAIN_SIZES:
        raise ValueError(f"num_train must be one of the slider's values {list(TRAIN_SIZES)}; got {num_train!r}")
    data = capacity.make_curve_data(num_train=num_train, seed=0)
    return CapacityView(data, capacity.fit_polynomial(data.train.X, data.train.y, degree),
                        capacity.capacity_curve(data, DEGREES))


class CapacityPainter:
    """Draws capacity views into one figure built once, then only its changing parts redrawn."""

    def __init__(self):
        self.blit = None

    def __call__(self, view) -> bytes:
        from reglab import capacity

        picture = capacity.fit_picture(view.data, fit=view.fit)
        if self.blit is None:
            self.blit = BlitFigure(plotting._capacity_skeleton(picture, view.curve))
        plotting.update_capacity_view(self.blit.fig, picture, view.curve)
        return self.blit.render()


def capacity_describe(view: CapacityView) -> str:
    """One line of numbers for the status bar."""
    curve = view.curve
    return (f"{len(view.data.train)} training points, degree {view.fit.degree}: training error "
            f"{curve.train_error[view.fit.degree]:.3f}, dev error {curve.val_error[view.fit.degree]:.3f} "
            f"(lowest dev error at degree {curve.best_degree}; noise variance 0.09)")


def _two_sliders(first, second) -> dict:
    """Two labelled choice sliders, each (name, description, choices, value), validated and following drags."""
    sliders = {}
    for name, description, choices, value in (first, second):
        if value not in choices:
            raise ValueError(f"{name} must be one of the slider's values {list(choices)}; got {value!r}")
        sliders[name] = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in choices], value=value,
                                                description=description, continuous_update=True,
                                                layout=widgets.Layout(width="520px"))
    return sliders


def capacity_explorer(degree=3, num_train=20) -> LiveApp:
    """Chapter 0's live app: slide the polynomial degree and the training-set size; the fits retrain."""
    sliders = _two_sliders(("degree", "degree", DEGREES, degree), ("num_train", "train size", TRAIN_SIZES, num_train))
    return LiveApp(sliders, capacity_update, CapacityPainter(), capacity_describe)


# ---------------------------------------------------------------- Chapter 5: the initialisation explorer



def init_update(scale, depth):
    """The initialisation explorer's pure update: He init times `scale`, a ReLU net `depth` layers deep."""
    from reglab import initialisation

    return initialisation.depth_scales("he", depth=int(depth), scale=scale)


class InitPainter:
    """Draws DepthScales results into one figure built once (axes up to the deepest slider value)."""

    def __init__(self):
        self.blit = None

    def __call__(self, scales) -> bytes:
        if self.blit is None:
            self.blit = BlitFigure(plotting._init_skeleton(scales, max(DEPTHS)))
        plotting.update_init_view(self.blit.fig, scales)
        return self.blit.render()


def init_describe(scales) -> str:
    """One line of numbers for the status bar."""
    from reglab import initialisation

    spread = initialisation.spread_factor(scales.activation_var)
    return (f"{scales.depth} ReLU layers of width 512, He × {scales.scale:g}: activation variance from "
            f"{scales.activation_var[0]:.2g} (layer 1) to {scales.activation_var[-1]:.2g} (layer {scales.depth}), "
            f"a factor {spread:.3g} apart; gradient mean square at layer 1: {scales.grad_var[0]:.2g}")


def init_explorer(scale=1.0, depth=20) -> LiveApp:
    """Chapter 5's live app: slide the initialisation scale (× He) and the depth; watch signals explode or vanish."""
    sliders = _two_sliders(("scale", "scale × He", INIT_SCALES, scale), ("depth", "depth", DEPTHS, depth))
    return LiveApp(sliders, init_update, InitPainter(), init_describe)
