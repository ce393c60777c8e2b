"""The book's house style: every helper takes ax=None and returns the matplotlib Figure."""

from __future__ import annotations

import io
import math
import textwrap
from contextlib import contextmanager

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from reglab import norms

HOUSE_STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "savefig.bbox": "standard",
}
DISPLAY_DPI = 90
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]


@contextmanager
def house_style():
    """Apply the house style inside a with-block only (importing reglab never changes global settings)."""
    with matplotlib.rc_context(HOUSE_STYLE):
        yield


class BookFigure(Figure):
    """A Figure that shows itself as a PNG in any notebook, with or without pyplot's inline backend."""

    def _repr_png_(self) -> bytes:
        return figure_to_png(self, dpi=DISPLAY_DPI)


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
        ax.legend(loc="lower left", fontsize=9)
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
