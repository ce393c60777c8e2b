"""Plot helpers return a labelled Figure, draw into a given ax, and leave global settings alone."""

import math
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from reglab import norms, plotting, rendering

CHAIN = norms.norm_chain(np.random.default_rng(0).standard_normal((500, 5)))
HELPERS = {
    "unit balls": lambda ax=None: plotting.plot_unit_balls(ax=ax),
    "one ball": lambda ax=None: plotting.plot_unit_ball(0.5, norms.check_norm_axioms(
        lambda v: norms.quasi_norm(v, 0.5)), ax=ax),
    "constrained minimum": lambda ax=None: plotting.plot_constrained_minimum(np.array([1.5, 1.2]), 1, ax=ax),
    "norm ratios": lambda ax=None: plotting.plot_norm_ratios(CHAIN, ax=ax),
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
    fig = plotting.plot_l1_vs_l2_geometry(np.array([1.5, 1.2]), curvature=np.array([[2.0, 0.5], [0.5, 1.0]]))
    assert len(fig.axes) == 2
    assert "(1.00, 0.00)" in " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())


def test_unit_ball_verdict_in_title():
    report = norms.check_norm_axioms(lambda v: norms.quasi_norm(v, 0.5))
    assert "not a norm" in plotting.plot_unit_ball(0.5, report).axes[0].get_title()
    assert plotting.plot_unit_ball(math.inf).axes[0].get_title().endswith("p = ∞")


def test_book_figures_show_themselves_as_png_in_a_notebook():
    assert plotting.plot_unit_balls()._repr_png_().startswith(b"\x89PNG")


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
    clf = train.train_classifier(moons, weight_decay=0.003, num_steps=50)
    return {
        "loss curves": plotting.plot_loss_curves(history),
        "regression run": plotting.plot_regression_run(history),
        "trade-off": plotting.plot_tradeoff(sweep, best=sweep.best()),
        "sparsity": plotting.plot_sparsity([0.1, 1.0], {"L1": [1, 5]}, total=200),
        "boundary": plotting.plot_decision_boundary(clf, 0, moons),
        "classifier run": plotting.plot_classifier_run(clf, moons),
    }


def test_weight_decay_helpers_return_labelled_figures():
    for name, fig in _weight_decay_figures().items():
        assert isinstance(fig, Figure), name
        for ax in fig.axes:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), name
