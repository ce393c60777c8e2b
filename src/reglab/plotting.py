"""The book's pictures: every helper takes ax=None and returns the matplotlib Figure (house style from rendering)."""

from __future__ import annotations

import math
import textwrap

import numpy as np

from reglab.rendering import COLORS, BookFigure, house_style

__all__ = ["lambda_label", "new_axes", "p_label", "plot_classifier_run", "plot_constrained_minimum", "plot_curves",
           "plot_decision_boundaries", "plot_decision_boundary", "plot_l1_vs_l2_geometry", "plot_loss_curves",
           "plot_message", "plot_network", "plot_norm_ratios", "plot_thinned_networks", "plot_priors", "plot_regression_run", "plot_shrinkage", "plot_sparsity",
           "plot_tradeoff", "plot_uncertainty", "plot_unit_ball", "plot_unit_balls", "update_classifier_run",
           "update_regression_run"]


def new_axes(ax=None, figsize=(5, 5), ncols=1):
    """Return (fig, ax): a new pyplot-free Figure with ncols axes, or the Figure that ax belongs to."""
    if ax is not None:
        return ax.figure, ax
    with house_style():
        fig = BookFigure(figsize=figsize, layout="constrained")
        axes = fig.subplots(1, ncols)
    return fig, axes


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


def plot_unit_balls(outlines: dict, ax=None):
    """Overlay 2-D unit balls {p: outline points} (from norms.unit_balls) for several p (Chapter 1)."""
    fig, ax = new_axes(ax, figsize=(7, 4.6))
    with house_style():
        for i, (p, points) in enumerate(outlines.items()):
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


def plot_unit_ball(points, p, report=None, ax=None):
    """One unit ball (outline points from norms.unit_ball(p)), filled, with the norm-axiom verdict when given."""
    fig, ax = new_axes(ax, figsize=(4.5, 4.5))
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


def plot_constrained_minimum(problem, ax=None):
    """Contours of a quadratic loss meeting the Lp ball (a norms.constrained_problem): where the minimum lands."""
    fig, ax = new_axes(ax)
    W1, W2 = np.meshgrid(problem.grid, problem.grid)
    level, ball, w_star, limit = problem.level, problem.ball, problem.minimum, float(problem.grid[-1])
    with house_style():
        ax.contour(W1, W2, problem.loss, levels=level * np.array([0.25, 0.5, 1, 2, 3.5]), colors="0.55",
                   linewidths=1)
        ax.contour(W1, W2, problem.loss, levels=[level], colors=COLORS[1], linewidths=2)
        ax.fill(ball[:, 0], ball[:, 1], color=COLORS[0], alpha=0.25)
        ax.plot(*problem.center, "k+", ms=12, mew=2, label="unconstrained minimum")
        ax.plot(*w_star, "o", color=COLORS[1], ms=9, label=f"constrained minimum ({w_star[0]:.2f}, {w_star[1]:.2f})")
        _ball_axes(ax, title=f"Loss contours meet the L{p_label(problem.p)} ball of radius {problem.radius:g}",
                   limit=limit)
        ax.legend(loc="lower left")
    return fig


def plot_l1_vs_l2_geometry(problems):
    """Side by side, one panel per norms.constrained_problem: the L1 diamond is met at a corner, the L2 circle not."""
    problems = list(problems)
    fig, axes = new_axes(figsize=(5 * len(problems), 5), ncols=len(problems))
    for ax, problem in zip(np.atleast_1d(axes), problems):
        plot_constrained_minimum(problem, ax=ax)
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


def plot_shrinkage(curves, ax=None):
    """Ridge's factor s²/(s² + λ) against the singular value s (a train.ShrinkageCurves), the data's s_i as dots."""
    fig, ax = new_axes(ax, figsize=(7, 4.2))
    with house_style():
        for i, lam in enumerate(curves.weight_decays):
            color = COLORS[i % len(COLORS)]
            ax.plot(curves.grid, curves.factors[i], color=color, lw=2, label=f"λ = {lambda_label(lam)}")
            ax.plot(curves.seen, curves.seen_factors[i], "o", ms=4, color=color)
        ax.set(xscale="log", ylim=(-0.03, 1.03), xlabel="singular value s of the centred inputs / √n (log scale)",
               ylabel="factor kept, s² / (s² + λ)", title="Ridge shrinks weak directions most (dots: this data)")
        ax.legend()
    return fig


def plot_priors(curves, ax=None):
    """Two priors (left) and their negative logs, the L2 and L1 penalties (right), from priors.prior_curves."""
    fig, axes = new_axes(ax, figsize=(9, 3.4), ncols=2) if ax is None else (ax[0].figure, ax)
    with house_style():
        for i, label in enumerate(curves.densities):
            axes[0].plot(curves.w, curves.densities[label], color=COLORS[i], lw=2, label=label)
            axes[1].plot(curves.w, curves.penalties[label], color=COLORS[i], lw=2, label=label)
        axes[0].set(xlabel="weight w", ylabel="prior density p(w)",
                    title=f"Two priors, both with variance {curves.std ** 2:g}")
        axes[1].set(xlabel="weight w", ylabel="−log p(w) + const (the penalty)", title="Their negative logs")
        axes[0].legend()
    return fig


def plot_sparsity(lams, counts: dict, total, ax=None):
    """Number of exactly-zero weights against the penalty strength, one curve per method."""
    fig = plot_curves(lams, counts, "penalty strength λ (log scale)", f"weights exactly 0 (of {total})",
                      "Sparsity against λ", logx=True, ax=ax)
    return fig


def _draw_boundary(ax, run, data):
    """Probability image of a classifier run, its 0.5 contour and the training points; returns the three artists."""
    if run.grid_probs is None:
        raise ValueError("this run has no probability grid: decision boundaries are drawn for 2-D inputs only")
    grid, P = run.grid, run.grid_probs
    X, y = data.train.X, data.train.y
    lo, hi = grid[0], grid[-1]
    image = ax.imshow(P, extent=(lo, hi, lo, hi), origin="lower", cmap="RdBu_r", vmin=0, vmax=1, alpha=0.65,
                      interpolation="bilinear")
    contour = ax.contour(grid, grid, P, levels=[0.5], colors="k", linewidths=1.5)
    points = ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", vmin=0, vmax=1, edgecolors="k", s=22,
                        linewidths=0.6)
    ax.set(xlabel="first feature (standardised)", ylabel="second feature (standardised)", xlim=(lo, hi),
           ylim=(lo, hi))
    ax.grid(False)
    return image, contour, points


def plot_decision_boundary(run, data, ax=None, title=None):
    """Predicted probability of class 1 over the plane for a classifier run (red = class 1), with training points."""
    fig, ax = new_axes(ax, figsize=(5, 4.5))
    with house_style():
        _draw_boundary(ax, run, data)
        ax.set_title(title or f"λ = {lambda_label(run.weight_decay or run.l1)}: "
                              f"train {run.train_acc[-1]:.0%}, test {run.test_acc[-1]:.0%}")
    return fig


def _classifier_skeleton(run, data):
    """The explorers' classifier picture, drawn for one run; update_classifier_run refills it."""
    fig, axes = new_axes(figsize=(10, 4.2), ncols=2)
    with house_style():
        image, contour, points = _draw_boundary(axes[0], run, data)
        train_line, = axes[1].plot(run.epochs, run.train_acc, color=COLORS[0], lw=2, label="training accuracy")
        test_line, = axes[1].plot(run.epochs, run.test_acc, color=COLORS[1], lw=2, label="test accuracy")
        axes[1].set(xlabel="epoch (one full-batch Adam step)", ylabel="accuracy", ylim=(0.4, 1.02))
        axes[1].legend(loc="lower right")
        for ax in axes:
            ax.set_title("placeholder so the layout keeps room for a title")
    fig.dynamic = {"image": image, "contour": contour, "points": points, "train": train_line, "test": test_line,
                   "boundary_title": axes[0].title, "accuracy_title": axes[1].title}
    return fig


def update_classifier_run(fig, run, data, setting="", blit=None):
    """Put a run's boundary and accuracy curves into a figure made by _classifier_skeleton; setting names the run."""
    parts = fig.dynamic
    parts["image"].set_data(run.grid_probs)
    ax = parts["image"].axes
    with house_style():
        contour = ax.contour(run.grid, run.grid, run.grid_probs, levels=[0.5], colors="k", linewidths=1.5)
    if blit is not None:
        blit.replace("contour", contour)
    else:
        parts["contour"].remove()
        parts["contour"] = contour
    parts["train"].set_ydata(run.train_acc)
    parts["test"].set_ydata(run.test_acc)
    parts["boundary_title"].set_text(f"Decision boundary ({setting})" if setting else "Decision boundary")
    parts["accuracy_title"].set_text(f"Accuracy: train {run.train_acc[-1]:.1%}, test {run.test_acc[-1]:.1%}")
    return fig


def plot_classifier_run(run, data, setting=""):
    """The explorers' picture for the 2-D classifier: decision boundary, and accuracy per epoch."""
    return update_classifier_run(_classifier_skeleton(run, data), run, data, setting)


def plot_decision_boundaries(sweep, data, ks=None):
    """Decision boundaries of several runs of a classifier sweep side by side (one per λ)."""
    ks = list(range(len(sweep))) if ks is None else list(ks)
    ncols = min(len(ks), 2)  # two per row: four side by side shrink their labels to 6 px in a page column
    nrows = -(-len(ks) // ncols)
    with house_style():
        fig = BookFigure(figsize=(3.6 * ncols, 3.6 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(ks):]:
        ax.set_axis_off()
    for ax, k in zip(axes, ks):
        plot_decision_boundary(sweep[k], data, ax=ax)
    return fig


def plot_uncertainty(mean, std, data, grid, title="MC dropout"):
    """Maps over grid × grid (models.PLANE_GRID) of the averaged probability of class 1 and its standard deviation."""
    fig, axes = new_axes(figsize=(10, 4.2), ncols=2)
    lo, hi = grid[0], grid[-1]
    shape = (len(grid), len(grid))
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


# ---------------------------------------------------------------- Chapter 0, Generalization

ERROR_LIMITS = (3e-3, 30)


def _curve_panel(ax, picture, title):
    ax.plot(picture.x, picture.truth, color="0.5", ls="--", lw=1.5, label="true curve sin(2πx)")
    line, = ax.plot(picture.x, np.clip(picture.prediction, -3, 3), color=COLORS[1], lw=2, label="fitted polynomial")
    points = ax.scatter(picture.train_x, picture.train_y, color=COLORS[0], s=22, zorder=3, label="training points")
    ax.set(xlim=(0, 1), ylim=(-2, 2), xlabel="input x", ylabel="target y", title=title)
    return line, points


def plot_polynomial_fits(pictures):
    """One panel per capacity.fit_picture: the training points, the true curve and the least-squares fit (Ch. 0)."""
    fig, axes = new_axes(figsize=(min(10, 3.4 * len(pictures)), 3.4), ncols=len(pictures))
    with house_style():
        for ax, picture in zip(np.atleast_1d(axes), pictures):
            _curve_panel(ax, picture, f"degree {picture.degree}: train error {picture.train_error:.3f}")
        np.atleast_1d(axes)[0].legend(loc="lower left")
    return fig


def _error_lines(ax, curve, label_suffix=""):
    train, = ax.plot(curve.degrees, np.clip(curve.train_error, *ERROR_LIMITS), "o-", color=COLORS[0], lw=2, ms=4,
                     label="training error" + label_suffix)
    dev, = ax.plot(curve.degrees, np.clip(curve.val_error, *ERROR_LIMITS), "o-", color=COLORS[1], lw=2, ms=4,
                   label="dev (validation) error" + label_suffix)
    ax.set(yscale="log", ylim=ERROR_LIMITS, xlabel="polynomial degree (model capacity)",
           ylabel="mean squared error (log scale)")
    return train, dev


def plot_capacity_curve(curve, noise_level=None, ax=None):
    """Training and dev error against polynomial degree, the degree chosen on dev marked (Chapter 0)."""
    fig, ax = new_axes(ax, figsize=(6.5, 4))
    with house_style():
        _error_lines(ax, curve)
        ax.axvline(curve.best_degree, color="k", ls=":", lw=1, label=f"lowest dev error: degree {curve.best_degree}")
        if noise_level is not None:
            ax.axhline(noise_level, color="0.5", ls="--", lw=1, label=f"noise variance {noise_level:g} (Bayes error)")
        ax.set_title("Underfitting on the left, overfitting on the right")
        ax.legend()
    return fig


def plot_resampled_fits(fits_by_degree, num_shown=30):
    """For each degree, many fits to independently drawn training sets overlaid: their spread is the variance."""
    fig, axes = new_axes(figsize=(min(10, 3.4 * len(fits_by_degree)), 3.4), ncols=len(fits_by_degree))
    with house_style():
        for ax, fits in zip(np.atleast_1d(axes), fits_by_degree):
            for prediction in fits.predictions[:num_shown]:
                ax.plot(fits.x, prediction, color=COLORS[1], lw=0.7, alpha=0.35)
            ax.plot(fits.x, fits.mean, color="k", lw=2, label="average fit")
            ax.plot(fits.x, fits.truth, color=COLORS[2], ls="--", lw=2, label="true curve")
            ax.set(xlim=(0, 1), ylim=(-2, 2), xlabel="input x", ylabel="prediction",
                   title=f"degree {fits.degree}: {num_shown} training sets")
        np.atleast_1d(axes)[0].legend(loc="lower left")
    return fig


def plot_bias_variance(results, ax=None):
    """Bias², variance, noise and their sum against degree, with the directly measured test error (Chapter 0)."""
    fig, ax = new_axes(ax, figsize=(6.5, 4))
    degrees = [r.degree for r in results]
    with house_style():
        for i, (label, values) in enumerate([("bias²", [r.bias_squared for r in results]),
                                             ("variance", [r.variance for r in results]),
                                             ("noise (irreducible)", [r.noise for r in results])]):
            ax.plot(degrees, values, "o-", color=COLORS[i], lw=2, ms=4, label=label)
        ax.plot(degrees, [r.total for r in results], color="k", lw=2.5, label="sum")
        ax.plot(degrees, [r.expected_error for r in results], "x", color=COLORS[4], ms=9,
                mew=2, label="test error measured directly")
        ax.set(yscale="log", xlabel="polynomial degree (model capacity)",
               ylabel="squared error (log scale)", title="Bias–variance decomposition")
        ax.legend()
    return fig


def plot_learning_curve(curve, noise_level=None, ax=None):
    """Training and dev error of one degree against the number of training points (Chapter 0)."""
    fig, ax = new_axes(ax, figsize=(6.5, 4))
    with house_style():
        ax.plot(curve.sizes, np.clip(curve.train_error, *ERROR_LIMITS), "o-", color=COLORS[0], lw=2,
                label="training error")
        ax.plot(curve.sizes, np.clip(curve.val_error, *ERROR_LIMITS), "o-", color=COLORS[1], lw=2, label="dev error")
        if noise_level is not None:
            ax.axhline(noise_level, color="0.5", ls="--", lw=1, label=f"noise variance {noise_level:g}")
        ax.set(xscale="log", yscale="log", ylim=ERROR_LIMITS, xlabel="training points (log scale)",
               ylabel="median squared error (log scale)", title=f"More data, same capacity (degree {curve.degree})")
        ax.legend()
    return fig


def plot_recipe():
    """Ng's basic recipe as a decision chart: fix high bias first, then high variance (Chapter 0)."""
    fig, ax = new_axes(figsize=(9, 4.6))
    boxes = {"bias": (0.22, 0.78, "High bias?\n(training error far above\nBayes error)"),
             "bias_fix": (0.22, 0.22, "Bigger network\nTrain longer\n(Other architecture)"),
             "variance": (0.62, 0.78, "High variance?\n(dev error far above\ntraining error)"),
             "variance_fix": (0.62, 0.22, "More data\nRegularisation\n(Other architecture)"),
             "done": (0.92, 0.78, "Done")}
    arrows = [("bias", "bias_fix", "yes"), ("bias", "variance", "no"), ("variance", "variance_fix", "yes"),
              ("variance", "done", "no")]
    with house_style():
        for key, (x, y, text) in boxes.items():
            color = "#e8f0fa" if key in ("bias", "variance") else ("#eaf6ea" if key == "done" else "#fdf0e6")
            ax.text(x, y, text, ha="center", va="center", fontsize=10, transform=ax.transAxes,
                    bbox={"boxstyle": "round,pad=0.5", "facecolor": color, "edgecolor": "0.4"})
        for start, end, label in arrows:
            (x0, y0, _), (x1, y1, _) = boxes[start], boxes[end]
            horizontal = y1 == y0
            start_xy = (x0 + 0.1, y0) if horizontal else (x0, y0 - 0.12)
            end_xy = (x1 - (0.1 if end != "done" else 0.05), y1) if horizontal else (x1, y1 + 0.13)
            ax.annotate("", xy=end_xy, xytext=start_xy,
                        xycoords="axes fraction", arrowprops={"arrowstyle": "->", "lw": 1.5})
            ax.text((x0 + x1) / 2 + (0.02 if x1 == x0 else 0), (y0 + y1) / 2 + (0.03 if y1 == y0 else 0), label,
                    transform=ax.transAxes, fontsize=10, color=COLORS[1] if label == "yes" else COLORS[2])
        for fix, check in (("bias_fix", "bias"), ("variance_fix", "variance")):
            (x0, y0, _), (x1, y1, _) = boxes[fix], boxes[check]
            ax.annotate("", xy=(x1 - 0.06, y1 - 0.14), xytext=(x0 - 0.06, y0 + 0.14), xycoords="axes fraction",
                        arrowprops={"arrowstyle": "->", "lw": 1, "ls": "--", "color": "0.5"})
            ax.text(x0 - 0.19, (y0 + y1) / 2, "then check\nagain", transform=ax.transAxes, fontsize=10, color="0.4")
        ax.set_axis_off()
        ax.set_title("The basic recipe for machine learning (after Ng)")
    return fig


def _capacity_skeleton(picture, curve):
    """The capacity explorer's picture: the fit on the left, errors against degree on the right."""
    fig, axes = new_axes(figsize=(10, 3.8), ncols=2)
    with house_style():
        line, points = _curve_panel(axes[0], picture, "placeholder so the layout keeps room for a title")
        axes[0].legend(loc="lower left")
        train, dev = _error_lines(axes[1], curve)
        marker = axes[1].axvline(picture.degree, color="k", ls=":", lw=1.5)
        axes[1].set(xlim=(-0.5, curve.degrees.max() + 0.5), title="placeholder so the layout keeps room for a title")
        axes[1].legend(loc="upper left")
    fig.dynamic = {"fit": line, "points": points, "train": train, "dev": dev, "marker": marker,
                   "fit_title": axes[0].title, "error_title": axes[1].title}
    return fig


def update_capacity_view(fig, picture, curve):
    """Put one capacity.fit_picture and its capacity curve into a figure made by _capacity_skeleton."""
    parts = fig.dynamic
    parts["fit"].set_ydata(np.clip(picture.prediction, -3, 3))
    parts["points"].set_offsets(np.column_stack([picture.train_x, picture.train_y]))
    parts["train"].set_ydata(np.clip(curve.train_error, *ERROR_LIMITS))
    parts["dev"].set_ydata(np.clip(curve.val_error, *ERROR_LIMITS))
    parts["marker"].set_xdata([picture.degree, picture.degree])
    parts["fit_title"].set_text(f"Degree {picture.degree}, {len(picture.train_y)} training points")
    parts["error_title"].set_text(f"Train error {picture.train_error:.3f}, dev error {picture.val_error:.3f}")
    return fig


# ---------------------------------------------------------------- Chapter 5, The rest of the toolbox

def plot_early_stopping(history, stop, ax=None):
    """Training and validation loss per epoch with the best epoch and the patience stop marked (Chapter 5)."""
    fig = plot_curves(history.epochs, {"training loss": history.train_loss, "validation (dev) loss": history.val_loss},
                      "epoch", "half mean squared error (log scale)", "Early stopping: keep the best epoch",
                      logy=True, ax=ax)
    ax = fig.axes[0] if ax is None else ax
    with house_style():
        ax.axvline(stop.best_epoch, color="k", ls="--", lw=1, label=f"best epoch {stop.best_epoch}")
        ax.axvline(stop.stop_epoch, color="0.5", ls=":", lw=1,
                   label=f"patience {stop.patience} runs out: epoch {stop.stop_epoch}")
        ax.legend()
    return fig


def plot_early_stop_vs_ridge(result):
    """Left: per-direction shrinkage of GD after t steps and of ridge with λ = 1/(ηt); right: distance of weights."""
    fig, axes = new_axes(figsize=(10, 3.8), ncols=2)
    u = np.logspace(-2, 2, 200)
    with house_style():
        axes[0].plot(u, 1 - np.exp(-u), color=COLORS[0], lw=2, label="gradient descent: 1 − (1 − ηs)ᵗ ≈ 1 − e^(−ηst)")
        axes[0].plot(u, u / (1 + u), color=COLORS[1], lw=2, ls="--", label="ridge, λ = 1/(ηt): s/(s + λ)")
        axes[0].set(xscale="log", xlabel="ηst (eigenvalue s × learning rate η × steps t, log scale)",
                    ylabel="fraction of the direction learnt", title="Shrinkage per eigen-direction")
        axes[0].legend(loc="upper left")
        axes[1].plot(result.steps, result.relative_distance, "o-", color=COLORS[3], lw=2)
        axes[1].set(xscale="log", yscale="log", xlabel="gradient-descent steps t (log scale)",
                    ylabel="‖w_GD(t) − w_ridge‖ / ‖w_ridge‖",
                    title="Early-stopped vs ridge weights, λ = 1/(ηt)")
    return fig


def plot_digit_images(images, labels, title, ncols=8):
    """A grid of 8x8 digit images with their labels (Chapter 5)."""
    images = np.asarray(images)
    nrows = int(math.ceil(len(images) / ncols))
    with house_style():
        fig = BookFigure(figsize=(1.1 * ncols, 1.25 * nrows + 0.4), layout="constrained")
        axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
        for ax in axes:
            ax.set_axis_off()
        for ax, image, label in zip(axes, images, labels):
            ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(label)
        fig.suptitle(title)
    return fig


def plot_augmentation_gain(result, ax=None):
    """Validation accuracy per seed without and with augmentation, one line per seed (Chapter 5)."""
    fig, ax = new_axes(ax, figsize=(5.5, 4))
    with house_style():
        for plain, augmented in zip(result.plain, result.augmented):
            ax.plot([0, 1], [plain, augmented], "o-", color=COLORS[0], alpha=0.7)
        ax.set(xticks=[0, 1], xticklabels=["original training set", "augmented training set"], xlim=(-0.3, 1.3),
               ylabel="validation accuracy",
               title=f"Gain {result.gain.mean():+.1%} ± {result.gain.std():.1%} over {len(result.gain)} seeds")
    return fig


def _loss_contours(ax, picture, title):
    path = picture.path
    ax.contour(picture.w1, picture.w2, picture.loss, levels=picture.levels, colors="0.6", linewidths=0.8)
    ax.plot(path.weights[:, 0], path.weights[:, 1], ".-", color=COLORS[1], lw=1.2, ms=3, label="gradient descent")
    ax.plot(*path.optimum, "k*", ms=12, label="minimum")
    ax.set(xlabel="weight w₁", ylabel="weight w₂", title=title, aspect="equal")
    ax.legend(loc="upper left")


def plot_gd_paths(raw, standardised):
    """Loss contours and gradient-descent paths (normalisation.gd_picture) before and after standardising (Ch. 5)."""
    fig, axes = new_axes(figsize=(10, 4.2), ncols=2)
    with house_style():
        _loss_contours(axes[0], raw, f"Raw inputs: first {len(raw.path.weights) - 1} steps")
        _loss_contours(axes[1], standardised, f"Standardised: first {len(standardised.path.weights) - 1} steps")
    return fig


DEPTH_LIMITS = (1e-30, 1e50)  # values beyond (inf after a float32 overflow) are drawn at the edge


def _depth_lines(ax, scales, color, label):
    layers = np.arange(1, scales.depth + 1)
    act, = ax[0].plot(layers, np.clip(scales.activation_var, *DEPTH_LIMITS), "o-", ms=3, lw=2, color=color,
                      label=label)
    grad, = ax[1].plot(layers, np.clip(scales.grad_var, *DEPTH_LIMITS), "o-", ms=3, lw=2, color=color, label=label)
    return act, grad


def _depth_axes(axes, max_depth):
    for ax, what in zip(axes, ("activation variance (forward)", "gradient mean square (backward)")):
        ax.set(yscale="log", ylim=DEPTH_LIMITS, xlim=(0.5, max_depth + 0.5), xlabel="layer",
               ylabel=what + " (log scale)")


def plot_depth_scales(results):
    """Per-layer activation variance and gradient size for several initialisations (Chapter 5)."""
    fig, axes = new_axes(figsize=(10, 4), ncols=2)
    with house_style():
        for i, scales in enumerate(results):
            _depth_lines(axes, scales, COLORS[i % len(COLORS)], f"{scales.scheme}" +
                         (f" × {scales.scale:g}" if scales.scale != 1 else ""))
        _depth_axes(axes, max(r.depth for r in results))
        axes[0].set_title(f"Forward: activations ({results[0].activation})")
        axes[1].set_title("Backward: gradients")
        axes[1].legend(loc="lower right")
    return fig


def _init_skeleton(scales, max_depth):
    """The initialisation explorer's picture: activation and gradient scales per layer, fixed axes."""
    fig, axes = new_axes(figsize=(10, 3.8), ncols=2)
    with house_style():
        act, grad = _depth_lines(axes, scales, COLORS[0], "this initialisation")
        _depth_axes(axes, max_depth)
        for ax in axes:
            ax.set_title("placeholder so the layout keeps room for a title")
    fig.dynamic = {"act": act, "grad": grad, "act_title": axes[0].title, "grad_title": axes[1].title}
    return fig


def update_init_view(fig, scales):
    """Put one DepthScales result into a figure made by _init_skeleton."""
    parts = fig.dynamic
    layers = np.arange(1, scales.depth + 1)
    parts["act"].set_data(layers, np.clip(scales.activation_var, *DEPTH_LIMITS))
    parts["grad"].set_data(layers, np.clip(scales.grad_var, *DEPTH_LIMITS))
    parts["act_title"].set_text(f"Activations: layer {scales.depth} variance {scales.activation_var[-1]:.2g}")
    parts["grad_title"].set_text(f"Gradients: layer 1 mean square {scales.grad_var[0]:.2g}")
    return fig


def _unit_positions(layer_sizes):
    """(x, y) of every unit, layer by layer, each layer centred vertically."""
    top = max(layer_sizes)
    return [np.column_stack([np.full(n, float(i)), (top - 1) / 2 - np.arange(n) + (n - 1) / 2])
            for i, n in enumerate(layer_sizes)]


def plot_network(layer_sizes, masks=None, ax=None, title=None):
    """A fully connected network; with masks (0/1, one per layer but the output) dropped units are hollow, cut off."""
    from matplotlib.collections import LineCollection

    sizes = [int(n) for n in layer_sizes]
    kept = [np.ones(n, dtype=bool) for n in sizes]
    if masks is not None:
        if len(masks) != len(sizes) - 1:
            raise ValueError(f"masks needs one mask per layer except the output ({len(sizes) - 1}); got {len(masks)}")
        for layer, mask in enumerate(masks):
            mask = np.asarray(mask).ravel()
            if mask.shape != (sizes[layer],):
                raise ValueError(f"masks[{layer}] must have {sizes[layer]} entries; got {mask.shape[0]}")
            kept[layer] = mask != 0
    fig, ax = new_axes(ax, figsize=(3.6, 3.2))
    where = _unit_positions(sizes)
    edges = [(where[i][a], where[i + 1][b]) for i in range(len(sizes) - 1)
             for a in np.flatnonzero(kept[i]) for b in np.flatnonzero(kept[i + 1])]
    with house_style():
        ax.add_collection(LineCollection(edges, colors="0.45", linewidths=0.7, zorder=1))
        for xy, on in zip(where, kept):
            ax.scatter(*xy[on].T, s=110, c=COLORS[0], edgecolors="k", zorder=2)
            ax.scatter(*xy[~on].T, s=110, c="white", edgecolors="0.6", linestyle="--", zorder=2)
        ax.set(xticks=range(len(sizes)), yticks=[], xlim=(-0.4, len(sizes) - 0.6), ylim=(-0.8, max(sizes) - 0.2),
               xlabel="layer (input → output)", ylabel="units",
               title=title or ("full network" if masks is None else f"thinned: {sum(map(np.sum, kept))} units"))
        ax.grid(False)
        ax.spines[["left", "bottom"]].set_visible(False)
    return fig


def plot_thinned_networks(layer_sizes, mask_sets):
    """The full network beside one thinned network per set of masks (the sub-networks dropout trains)."""
    fig, axes = new_axes(figsize=(min(10, 3.3 * (len(mask_sets) + 1)), 3.2), ncols=len(mask_sets) + 1)
    plot_network(layer_sizes, ax=axes[0])
    for number, (ax, masks) in enumerate(zip(axes[1:], mask_sets), start=1):
        plot_network(layer_sizes, masks, ax=ax, title=f"thinned network {number}")
    return fig
