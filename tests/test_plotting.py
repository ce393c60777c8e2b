"""Plot helpers return a labelled Figure, draw into a given ax, and leave global settings alone."""

import math
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from reglab import norms, plotting, priors, rendering, train

CHAIN = norms.norm_chain(np.random.default_rng(0).standard_normal((500, 5)))
HELPERS = {
    "unit balls": lambda ax=None: plotting.plot_unit_balls(norms.unit_balls(), ax=ax),
    "one ball": lambda ax=None: plotting.plot_unit_ball(norms.unit_ball(0.5), 0.5, norms.check_norm_axioms(
        lambda v: norms.quasi_norm(v, 0.5)), ax=ax),
    "constrained minimum": lambda ax=None: plotting.plot_constrained_minimum(
        norms.constrained_problem(np.array([1.5, 1.2]), 1), ax=ax),
    "norm ratios": lambda ax=None: plotting.plot_norm_ratios(CHAIN, ax=ax),
    "ridge shrinkage": lambda ax=None: plotting.plot_shrinkage(train.shrinkage_curves([0.0, 0.1, 1.0, 3.0], [0.1, 1.0]), ax=ax),
    "priors": lambda ax=None: plotting.plot_priors(priors.prior_curves(std=0.5), ax=None if ax is None else [ax, ax]),
}


@pytest.mark.parametrize("name", HELPERS)
def test_helper_returns_a_labelled_figure(name):
    fig = HELPERS[name]()
    assert isinstance(fig, Figure)
    for ax in fig.axes:
        assert ax.get_title(), f"{name}: every panel needs a title"
        assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: axes need labels in words"
    assert rendering.figure_to_png(fig).startswith(b"\x89PNG")


@pytest.mark.parametrize("name", HELPERS)
def test_helper_draws_into_the_given_axes(name):
    fig, ax = plotting.new_axes()
    assert HELPERS[name](ax=ax) is fig
    assert ax.lines or ax.patches or ax.collections


def test_l1_vs_l2_geometry_has_two_panels_with_the_constrained_minima():
    curvature = np.array([[2.0, 0.5], [0.5, 1.0]])
    fig = plotting.plot_l1_vs_l2_geometry([norms.constrained_problem(np.array([1.5, 1.2]), p, curvature=curvature)
                                           for p in (1, 2)])
    assert len(fig.axes) == 2
    assert "(1.00, 0.00)" in " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())


def test_unit_ball_verdict_in_title():
    report = norms.check_norm_axioms(lambda v: norms.quasi_norm(v, 0.5))
    assert "not a norm" in plotting.plot_unit_ball(norms.unit_ball(0.5), 0.5, report).axes[0].get_title()
    assert plotting.plot_unit_ball(norms.unit_ball(math.inf), math.inf).axes[0].get_title().endswith("p = ∞")


def test_book_figures_show_themselves_as_png_in_a_notebook():
    assert plotting.plot_unit_balls(norms.unit_balls())._repr_png_().startswith(b"\x89PNG")


def test_importing_reglab_is_fast_and_has_no_side_effects():
    code = ("import sys, matplotlib, reglab, reglab.norms, reglab.plotting; "
            "assert 'torch' not in sys.modules, 'importing reglab must not import torch'; "
            "assert 'matplotlib.pyplot' not in sys.modules; "
            "assert matplotlib.rcParams['axes.spines.top'] is True")
    subprocess.run([sys.executable, "-c", code], check=True)


def _weight_decay_figures():
    from reglab import data, train

    regression = data.make_high_dim_regression()
    history = train.train_linear_regression(regression, weight_decay=3)
    sweep = train.sweep_linear_regression(regression, [0.0, 0.1, 3.0])
    moons = data.make_noisy_moons()
    clf = train.train_classifier(moons, weight_decay=0.003, num_epochs=50)
    return {
        "loss curves": plotting.plot_loss_curves(history),
        "regression run": plotting.plot_regression_run(history),
        "trade-off": plotting.plot_tradeoff(sweep, best=sweep.best()),
        "sparsity": plotting.plot_sparsity([0.1, 1.0], {"L1": [1, 5]}, total=200),
        "boundary": plotting.plot_decision_boundary(clf, moons),
        "classifier run": plotting.plot_classifier_run(clf, moons),
    }


def test_weight_decay_helpers_return_labelled_figures():
    for name, fig in _weight_decay_figures().items():
        assert isinstance(fig, Figure), name
        for ax in fig.axes:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), name


def test_shrinkage_curves_are_the_ridge_factor():
    fig = plotting.plot_shrinkage(train.shrinkage_curves([0.5, 2.0], [1.0]))
    curve, dots = fig.axes[0].lines[:2]
    s, factor = curve.get_data()
    assert np.allclose(factor, s ** 2 / (s ** 2 + 1.0))
    assert np.allclose(dots.get_data()[1], [0.2, 0.8])            # 0.25/1.25 and 4/5


def test_priors_panels_are_the_densities_and_their_negative_logs():
    fig = plotting.plot_priors(priors.prior_curves(std=1.0))
    (w, gauss), (_, laplace) = (line.get_data() for line in fig.axes[0].lines)
    assert np.trapezoid(gauss, w) == pytest.approx(1, abs=0.01)
    assert np.trapezoid(laplace, w) == pytest.approx(1, abs=0.02)
    assert laplace[300] > gauss[300]                               # the Laplace prior is peaked at 0
    (_, l2), (_, l1) = (line.get_data() for line in fig.axes[1].lines)
    assert np.allclose(l2, w ** 2 / 2) and np.allclose(l1, np.abs(w) * np.sqrt(2))


def test_many_boundaries_are_laid_out_two_per_row():
    """Three decision boundaries make a 2x2 grid (one cell blank), 7.2 in wide: labels stay legible in a page column."""
    from reglab import data, train

    moons = data.make_noisy_moons()
    clf = train.sweep_classifier(moons, weight_decays=[0.003], num_epochs=20)
    fig = plotting.plot_decision_boundaries(clf, moons, ks=[0, 0, 0])
    assert tuple(fig.get_size_inches()) == (7.2, 7.2)
    shown = [ax for ax in fig.axes if ax.axison]
    assert len(shown) == 3 and all(ax.get_title() and ax.get_xlabel() for ax in shown)


def test_no_figure_text_is_smaller_than_the_house_minimum():
    """Every text in the book's figures is at least SMALLEST_TEXT_PT points (9 px on screen needs it)."""
    figures = {**_weight_decay_figures(), "unit balls": plotting.plot_unit_balls(norms.unit_balls()),
               "constrained": plotting.plot_constrained_minimum(norms.constrained_problem([1.5, 0.6], 1))}
    for name, fig in figures.items():
        fig.canvas.draw()
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert sizes and min(sizes) >= rendering.SMALLEST_TEXT_PT, f"{name}: text at {min(sizes)} pt"


def test_figures_describe_themselves_in_a_sentence():
    """The alt text the website uses: the panels' titles and axes in words, ending with a full stop."""
    text = rendering.describe_figure(plotting.plot_l1_vs_l2_geometry(
        [norms.constrained_problem([1.5, 0.6], p) for p in (1, 2)]))
    assert text.startswith("Figure: ") and text.endswith(".") and text.count(" against ") == 2
    assert "$" not in text and "\\" not in text
