"""The book's house style: every helper takes ax=None and returns the matplotlib Figure."""

from __future__ import annotations

import io
import math
import re
import textwrap
from contextlib import contextmanager

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Text

from reglab import norms

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


@contextmanager
def house_style():
    """Apply the house style inside a with-block only (importing reglab never changes global settings)."""
    with matplotlib.rc_context(HOUSE_STYLE):
        yield


class BookFigure(Figure):
    """A Figure that shows itself as a PNG in any notebook, with or without pyplot's inline backend."""

    def _repr_png_(self) -> bytes:
        from reglab.scrubbers import compress_png  # a 256-colour palette looks the same and keeps notebooks small

        return compress_png(figure_to_png(self, dpi=DISPLAY_DPI), colors=256, description=describe_figure(self))


def describe_figure(fig) -> str:
    """A sentence naming a figure's panels and axes (the website's alt text for it)."""
    def words(text):
        text = text.replace(r"\|", "‖").replace("$", "")
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


def new_axes(ax=None, figsize=(5, 5), ncols=1):
    """Return (fig, ax): a new pyplot-free Figure with ncols axes, or the Figure that ax belongs to."""
    if ax is not None:
        return ax.figure, ax
    with house_style():
        fig = BookFigure(figsize=figsize, layout="constrained")
        axes = fig.subplots(1, ncols)
    return fig, axes


def figure_to_png(fig, dpi=None) -> bytes:
    """Render a Figure to PNG bytes (for widgets and scrubbers)."""
    buffer = io.BytesIO()
    with house_style():
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def plot_message(message, ax=None):
    """A figure that says in words why there is nothing to plot (used instead of a broken plot)."""
    fig, ax = new_axes(ax, figsize=(6, 2.5))
    with house_style():
        ax.text(0.5, 0.5, textwrap.fill(message, 60), ha="center", va="center", fontsize=11, color=COLORS[1],
                transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title("Nothing to plot")
    return fig


def p_label(p) -> str:
    """'∞' for math.inf, else p written briefly."""
    return "∞" if math.isinf(p) else f"{p:g}"


def plot_unit_balls(ps=(0.5, 1, 1.5, 2, 4, math.inf), ax=None):
    """Overlay the 2-D unit balls ||x||_p = 1 for several p (Chapter 1)."""
    fig, ax = new_axes(ax, figsize=(7, 4.6))
    with house_style():
        for i, p in enumerate(ps):
            points = norms.unit_ball(p)
            closed = np.vstack([points, points[:1]])
            ax.plot(closed[:, 0], closed[:, 1], color=COLORS[i % len(COLORS)], lw=2,
                    ls="--" if p < 1 else "-", label=f"p = {p_label(p)}" + (" (not a norm)" if p < 1 else ""))
        _ball_axes(ax, title=r"Unit balls $\{x : \|x\|_p = 1\}$ in two dimensions")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def _ball_axes(ax, title, limit=1.35):
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_xlabel("first coordinate x₁")
    ax.set_ylabel("second coordinate x₂")
    ax.set_title(title)


def plot_unit_ball(p, report=None, ax=None):
    """One unit ball, filled, with the norm-axiom verdict in the title when a report is given."""
    fig, ax = new_axes(ax, figsize=(4.5, 4.5))
    points = norms.unit_ball(p)
    with house_style():
        color = COLORS[0] if p >= 1 else COLORS[1]
        ax.fill(points[:, 0], points[:, 1], color=color, alpha=0.25)
        ax.plot(np.append(points[:, 0], points[0, 0]), np.append(points[:, 1], points[0, 1]), color=color, lw=2)
        verdict = "" if report is None else (" — a norm" if report.is_norm else " — not a norm")
        _ball_axes(ax, title=f"Unit ball for p = {p_label(p)}{verdict}")
        if report is not None and not report.is_norm:
            failed = [name.split(" (")[0] for name, ok in report.holds.items() if not ok]
            ax.text(0.02, 0.02, "fails: " + ", ".join(failed), transform=ax.transAxes, color=COLORS[1], fontsize=10)
    return fig


def plot_constrained_minimum(center, p, radius=1.0, curvature=None, ax=None):
    """Contours of a quadratic loss meeting the Lp ball: where the constrained minimum lands (Chapter 1)."""
    fig, ax = new_axes(ax)
    center = np.asarray(center, dtype=float)
    H = np.eye(2) if curvature is None else np.asarray(curvature, dtype=float)
    w_star = norms.constrained_minimum(center, p, radius, H)
    grid = np.linspace(-2.5, 2.5, 201)
    W1, W2 = np.meshgrid(grid, grid)
    D = np.stack([W1 - center[0], W2 - center[1]], axis=-1)
    loss = np.einsum("...i,ij,...j->...", D, H, D)
    level = float((w_star - center) @ H @ (w_star - center))
    ball = radius * norms.unit_ball(p)
    with house_style():
        ax.contour(W1, W2, loss, levels=level * np.array([0.25, 0.5, 1, 2, 3.5]), colors="0.55", linewidths=1)
        ax.contour(W1, W2, loss, levels=[level], colors=COLORS[1], linewidths=2)
        ax.fill(ball[:, 0], ball[:, 1], color=COLORS[0], alpha=0.25)
        ax.plot(*center, "k+", ms=12, mew=2, label="unconstrained minimum")
        ax.plot(*w_star, "o", color=COLORS[1], ms=9, label=f"constrained minimum ({w_star[0]:.2f}, {w_star[1]:.2f})")
        _ball_axes(ax, title=f"Loss contours meet the L{p_label(p)} ball of radius {radius:g}", limit=2.5)
        ax.legend(loc="lower left")
    return fig


def plot_l1_vs_l2_geometry(center, radius=1.0, curvature=None):
    """Side by side: the same loss meets the L1 diamond at a corner and the L2 circle off the axes."""
    fig, axes = new_axes(figsize=(10, 5), ncols=2)
    for ax, p in zip(axes, (1, 2)):
        plot_constrained_minimum(center, p, radius, curvature, ax=ax)
    return fig


def plot_norm_ratios(chain, ax=None):
    """Histograms of ||x||_1/||x||_2 and ||x||_2/||x||_inf over many vectors, with their bounds 1 and sqrt(n)."""
    fig, ax = new_axes(ax, figsize=(7, 4))
    with house_style():
        ratios = {"‖x‖₁ / ‖x‖₂": chain.l1 / chain.l2, "‖x‖₂ / ‖x‖∞": chain.l2 / chain.linf}
        bins = np.linspace(1, math.sqrt(chain.n), 60)
        for i, (label, r) in enumerate(ratios.items()):
            ax.hist(r, bins=bins, alpha=0.55, color=COLORS[i], label=label)
        for bound in (1, math.sqrt(chain.n)):
            ax.axvline(bound, color="k", ls="--", lw=1)
        ax.set_xlabel(f"ratio of norms (bounds 1 and √n = {math.sqrt(chain.n):.2f})")
        ax.set_ylabel("number of random vectors")
        ax.set_title(f"Norm ratios of {len(chain.l2):,} random vectors in {chain.n} dimensions")
        ax.legend()
    return fig


def lambda_label(value) -> str:
    """λ written briefly: '0', '0.003', '3', '1e-04'."""
    return "0" if value == 0 else f"{value:.2g}"


def plot_curves(x, curves: dict, xlabel, ylabel, title, logy=False, logx=False, ax=None):
    """Several named curves against one x, in the house colours."""
    fig, ax = new_axes(ax, figsize=(6, 4))
    with house_style():
        for i, (label, y) in enumerate(curves.items()):
            ax.plot(x, y, color=COLORS[i % len(COLORS)], lw=2, label=label)
        ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
        ax.set_yscale("log" if logy else "linear")
        ax.set_xscale("log" if logx else "linear")
        ax.legend()
    return fig


def plot_loss_curves(history, ax=None, title=None):
    """Training and test loss against epoch for one linear-regression run (log scale)."""
    title = title or f"Loss per epoch, λ = {lambda_label(history.weight_decay or history.l1)}"
    return plot_curves(history.epochs, {"training loss": history.train_loss, "test loss": history.test_loss},
                       "epoch", "half mean squared error (log scale)", title, logy=True, ax=ax)


def _regression_skeleton(num_epochs):
    """Axes, labels and fixed limits of the λ explorer's regression picture, with empty curves."""
    fig, axes = new_axes(figsize=(10, 3.4), ncols=3)
    epochs = np.arange(num_epochs + 1)
    with house_style():
        train_line, = axes[0].plot(epochs, np.ones_like(epochs), color=COLORS[0], lw=2, label="training loss")
        test_line, = axes[0].plot(epochs, np.ones_like(epochs), color=COLORS[1], lw=2, label="test loss")
        axes[0].set(yscale="log", ylim=(1e-6, 1e3), xlabel="epoch", ylabel="half mean squared error",
                    title="placeholder so the layout keeps room for a title")
        axes[0].legend(loc="lower left")
        norm_line, = axes[1].plot(epochs, np.zeros_like(epochs), color=COLORS[2], lw=2)
        axes[1].set(xlabel="epoch", ylabel="‖w‖₂", title="Size of the weights", ylim=(0, 15))
        edges = np.linspace(-3, 3, 61)
        bars = axes[2].stairs(np.zeros(60), edges, fill=True, color=COLORS[3])
        axes[2].set(xlabel="final weight value", ylabel="number of weights", ylim=(0, 200), xlim=(-3, 3),
                    title="placeholder so the layout keeps room for a title")
    fig.dynamic = {"train": train_line, "test": test_line, "norm": norm_line, "bars": bars,
                   "loss_title": axes[0].title, "hist_title": axes[2].title}
    return fig


def update_regression_run(fig, history, penalty="L2"):
    """Put one run's curves and final weights into a figure made by _regression_skeleton."""
    parts = fig.dynamic
    value = history.weight_decay if penalty == "L2" else history.l1
    parts["train"].set_ydata(np.clip(history.train_loss, 1e-12, None))
    parts["test"].set_ydata(np.clip(history.test_loss, 1e-12, None))
    parts["norm"].set_ydata(history.w_norm)
    parts["bars"].set_data(np.histogram(np.clip(history.w, -3, 3), bins=parts["bars"].get_data().edges)[0])
    parts["loss_title"].set_text(f"Loss per epoch ({penalty}, λ = {lambda_label(value)})")
    parts["hist_title"].set_text(f"Final weights: {int((history.w == 0).sum())} of {history.w.size} exactly 0")
    return fig


def plot_regression_run(history, penalty="L2"):
    """The λ explorer's picture for linear regression: losses and ||w||_2 per epoch, and the final weights."""
    return update_regression_run(_regression_skeleton(len(history.epochs) - 1), history, penalty)


class BlitFigure:
    """Redraws a figure fast: static parts (axes, ticks, labels) are rendered once, the dynamic artists each time.

    Axis limits must stay fixed. fig.dynamic names the artists that change; replace() swaps one (a new contour).
    """

    def __init__(self, fig):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        FigureCanvasAgg(fig)
        with house_style():
            fig.canvas.draw()                      # lay out once with everything visible, then freeze it
            fig.set_layout_engine("none")
            # A full draw re-places axes titles, and places hidden ones wrongly: keep the visible positions.
            positions = {name: a.get_position() for name, a in fig.dynamic.items() if isinstance(a, Text)}
            for artist in fig.dynamic.values():
                artist.set_visible(False)
            fig.canvas.draw()
            self.background = fig.canvas.copy_from_bbox(fig.bbox)
            for name, artist in fig.dynamic.items():
                artist.set_visible(True)
                if name in positions:
                    artist.set_position(positions[name])

    def replace(self, name, artist):
        """Swap the dynamic artist called name for a new one (the old one is removed)."""
        self.fig.dynamic[name].remove()
        self.fig.dynamic[name] = artist

    def render(self) -> bytes:
        """PNG of the figure as it is now (fast zlib level: these images are shown once, not stored)."""
        from PIL import Image

        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        with house_style():
            for artist in self.fig.dynamic.values():
                (artist.axes or self.fig).draw_artist(artist)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG", compress_level=1, dpi=(self.fig.dpi,) * 2)  # states its DPI
        return buffer.getvalue()


def plot_tradeoff(sweep, best=None, ax=None, xlabel="weight decay λ (log scale)"):
    """Final training, validation and test loss against λ; λ = 0 drawn as dotted lines, the chosen λ marked."""
    fig, ax = new_axes(ax, figsize=(7, 4.2))
    positive = sweep.weight_decays > 0
    lams = sweep.weight_decays[positive]
    with house_style():
        for i, (label, values) in enumerate([("training", sweep.train_loss), ("validation", sweep.val_loss),
                                             ("test", sweep.test_loss)]):
            ax.plot(lams, values[positive, -1], color=COLORS[i], lw=2, label=f"{label} loss")
            if (~positive).any():
                ax.axhline(values[~positive, -1][0], color=COLORS[i], ls=":", lw=1)
        if best is not None:
            ax.axvline(sweep.weight_decays[best], color="k", ls="--", lw=1,
                       label=f"chosen on validation: λ = {lambda_label(sweep.weight_decays[best])}")
        ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel="final loss (log scale)",
               title="The λ trade-off (dotted: λ = 0)")
        ax.legend()
    return fig


def plot_sparsity(lams, counts: dict, total, ax=None):
    """Number of exactly-zero weights against the penalty strength, one curve per method."""
    fig = plot_curves(lams, counts, "penalty strength λ (log scale)", f"weights exactly 0 (of {total})",
                      "Sparsity against λ", logx=True, ax=ax)
    return fig


BOUNDARY_GRID = np.linspace(-2.6, 2.6, 90)


def _probability_grid(sweep, k):
    from reglab import models

    G1, G2 = np.meshgrid(BOUNDARY_GRID, BOUNDARY_GRID)
    probs = models.predict_proba(sweep.model(k), np.column_stack([G1.ravel(), G2.ravel()]), sweep.activation)
    return G1, G2, probs[0].reshape(G1.shape)


def _draw_boundary(ax, sweep, k, data):
    """Probability image, the 0.5 contour and the training points; returns (image, contour, points)."""
    G1, G2, P = _probability_grid(sweep, k)
    X, y = data.train.X, data.train.y
    lo, hi = BOUNDARY_GRID[0], BOUNDARY_GRID[-1]
    image = ax.imshow(P, extent=(lo, hi, lo, hi), origin="lower", cmap="RdBu_r", vmin=0, vmax=1, alpha=0.65,
                      interpolation="bilinear")
    contour = ax.contour(G1, G2, P, levels=[0.5], colors="k", linewidths=1.5)
    points = ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", vmin=0, vmax=1, edgecolors="k", s=22,
                        linewidths=0.6)
    ax.set(xlabel="first feature (standardised)", ylabel="second feature (standardised)", xlim=(lo, hi),
           ylim=(lo, hi))
    ax.grid(False)
    return image, contour, points


def plot_decision_boundary(sweep, k, data, ax=None, title=None):
    """Predicted probability of class 1 over the plane for run k (red = class 1), with the training points."""
    fig, ax = new_axes(ax, figsize=(5, 4.5))
    with house_style():
        _draw_boundary(ax, sweep, k, data)
        ax.set_title(title or f"λ = {lambda_label(sweep.weight_decays[k] or sweep.l1s[k])}: "
                              f"train {sweep.train_acc[k, -1]:.0%}, test {sweep.test_acc[k, -1]:.0%}")
    return fig


def _classifier_skeleton(sweep, data):
    """The λ explorer's classifier picture, drawn for run 0 of sweep; update_classifier_run refills it."""
    fig, axes = new_axes(figsize=(10, 4.2), ncols=2)
    with house_style():
        image, contour, points = _draw_boundary(axes[0], sweep, 0, data)
        train_line, = axes[1].plot(sweep.steps, sweep.train_acc[0], color=COLORS[0], lw=2, label="training accuracy")
        test_line, = axes[1].plot(sweep.steps, sweep.test_acc[0], color=COLORS[1], lw=2, label="test accuracy")
        axes[1].set(xlabel="Adam step", ylabel="accuracy", ylim=(0.4, 1.02))
        axes[1].legend(loc="lower right")
        for ax in axes:
            ax.set_title("placeholder so the layout keeps room for a title")
    fig.dynamic = {"image": image, "contour": contour, "points": points, "train": train_line, "test": test_line,
                   "boundary_title": axes[0].title, "accuracy_title": axes[1].title}
    return fig


def update_classifier_run(fig, sweep, data, k=0, setting="", blit=None):
    """Put run k's boundary and accuracy curves into a figure made by _classifier_skeleton; setting names the run."""
    parts = fig.dynamic
    G1, G2, P = _probability_grid(sweep, k)
    parts["image"].set_data(P)
    ax = parts["image"].axes
    with house_style():
        contour = ax.contour(G1, G2, P, levels=[0.5], colors="k", linewidths=1.5)
    if blit is not None:
        blit.replace("contour", contour)
    else:
        parts["contour"].remove()
        parts["contour"] = contour
    parts["train"].set_ydata(sweep.train_acc[k])
    parts["test"].set_ydata(sweep.test_acc[k])
    parts["boundary_title"].set_text(f"Decision boundary ({setting})" if setting else "Decision boundary")
    parts["accuracy_title"].set_text(f"Accuracy: train {sweep.train_acc[k, -1]:.1%}, test {sweep.test_acc[k, -1]:.1%}")
    return fig


def plot_classifier_run(sweep, data, k=0, setting=""):
    """The explorers' picture for the 2-D classifier: decision boundary, and accuracy per step."""
    return update_classifier_run(_classifier_skeleton(sweep, data), sweep, data, k, setting)


def plot_decision_boundaries(sweep, data, ks=None):
    """Decision boundaries of several runs of a classifier sweep side by side (one per λ)."""
    ks = list(range(len(sweep.weight_decays))) if ks is None else list(ks)
    ncols = min(len(ks), 2)  # two per row: four side by side shrink their labels to 6 px in a page column
    nrows = -(-len(ks) // ncols)
    with house_style():
        fig = BookFigure(figsize=(3.6 * ncols, 3.6 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(ks):]:
        ax.set_axis_off()
    for ax, k in zip(axes, ks):
        plot_decision_boundary(sweep, k, data, ax=ax)
    return fig


def plot_uncertainty(mean, std, data, title="MC dropout"):
    """Two maps over the plane: the averaged probability of class 1, and its standard deviation (uncertainty)."""
    fig, axes = new_axes(figsize=(10, 4.2), ncols=2)
    lo, hi = BOUNDARY_GRID[0], BOUNDARY_GRID[-1]
    shape = (len(BOUNDARY_GRID), len(BOUNDARY_GRID))
    X, y = data.train.X, data.train.y
    with house_style():
        for ax, values, cmap, label in [(axes[0], mean, "RdBu_r", "mean probability of class 1"),
                                        (axes[1], std, "viridis", "standard deviation")]:
            image = ax.imshow(values.reshape(shape), extent=(lo, hi, lo, hi), origin="lower", cmap=cmap,
                              interpolation="bilinear")
            ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", vmin=0, vmax=1, edgecolors="k", s=14, linewidths=0.5)
            fig.colorbar(image, ax=ax, label=label, shrink=0.85)
            ax.set(xlabel="first feature (standardised)", ylabel="second feature (standardised)")
            ax.grid(False)
        axes[0].set_title(f"{title}: averaged prediction")
        axes[1].set_title(f"{title}: spread of the predictions")
    return fig


def boundary_grid_points():
    """The (N, 2) grid over which decision boundaries and uncertainty maps are drawn."""
    G1, G2 = np.meshgrid(BOUNDARY_GRID, BOUNDARY_GRID)
    return np.column_stack([G1.ravel(), G2.ravel()])
