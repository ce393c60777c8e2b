"""Chapters 0 and 5: the capacity and initialisation explorers, their scrubbers, plots and checks."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from reglab import capacity, checks, data, early_stopping, initialisation, normalisation, plotting, scrubbers
from reglab import softmax, train, widgets


def test_capacity_update_fits_the_chosen_degree_and_every_other():
    view = widgets.capacity_update(degree=4, num_train=30)
    assert view.fit.degree == 4 and len(view.data.train) == 30
    assert list(view.curve.degrees) == list(widgets.DEGREES)
    with pytest.raises(ValueError, match="num_train"):
        widgets.capacity_update(degree=3, num_train=21)


def test_moving_the_capacity_sliders_redraws_with_the_new_setting():
    app = widgets.capacity_explorer(degree=3, num_train=20)
    first = bytes(app.image.value)
    app.controls["degree"].value = 12
    assert app.result.fit.degree == 12 and bytes(app.image.value) != first
    assert "20 training points, degree 12:" in app.status.value
    app.controls["num_train"].value = 150
    assert len(app.result.data.train) == 150 and app.error is None
    # more data tames degree 12: its dev error falls
    assert app.result.curve.val_error[12] < widgets.capacity_update(12, 20).curve.val_error[12]
    with pytest.raises(ValueError, match="degree"):
        widgets.capacity_explorer(degree=16)


def test_moving_the_initialisation_sliders_redraws_and_reports_the_spread():
    app = widgets.init_explorer(scale=1.0, depth=20)
    first = bytes(app.image.value)
    app.controls["scale"].value = 2.0
    assert app.result.scale == 2.0 and bytes(app.image.value) != first
    assert app.result.activation_var[-1] > 1e10
    app.controls["depth"].value = 50
    assert app.result.depth == 50 and "50 ReLU layers of width 512, He × 2:" in app.status.value
    with pytest.raises(ValueError, match="scale"):
        widgets.init_explorer(scale=3.0)


def test_init_update_is_a_prefix_of_a_deeper_network():
    shallow, deep = widgets.init_update(1.0, 10), widgets.init_update(1.0, 30)
    assert np.allclose(shallow.activation_var, deep.activation_var[:10])


@pytest.mark.parametrize("make, frames", [(lambda: scrubbers.capacity_scrubber(live=False), len(widgets.DEGREES)),
                                          (lambda: scrubbers.training_size_scrubber(live=False),
                                           len(widgets.TRAIN_SIZES)),
                                          (lambda: scrubbers.init_scrubber(), len(widgets.INIT_SCALES))])
def test_scrubbers_hold_one_frame_per_slider_value_and_need_no_network(make, frames):
    scrubber = make()
    assert len(scrubber.frames) == frames and len(set(scrubber.frames)) == frames
    html = scrubber.to_html()
    assert 'type="range"' in html and "http" not in html and scrubber.nbytes < 600_000


@pytest.mark.parametrize("make, values", [(lambda: scrubbers.capacity_scrubber(), widgets.DEGREES),
                                          (lambda: scrubbers.training_size_scrubber(), widgets.TRAIN_SIZES)])
def test_live_capacity_explorers_cover_every_slider_value_and_need_no_network(make, values):
    scrubber = make()
    assert scrubber.live["values"] == list(values) and len(scrubber.labels) == len(values)
    html = scrubber.to_html()
    assert 'type="range"' in html and "http" not in html and scrubber.nbytes < 200_000


def test_new_plots_return_figures():
    d = capacity.make_curve_data(seed=0)
    run = train.train_linear_regression(data.make_high_dim_regression(num_train=100, true_w=0.1, noise=1.0),
                                        num_epochs=20, init_scale=0.0)
    stretched = normalisation.make_stretched_regression(seed=0)
    s = normalisation.standardize_splits(stretched)
    X = data.make_high_dim_regression(num_train=50, num_features=20, true_b=0.0).train
    figures = [
        plotting.plot_polynomial_fits([capacity.fit_picture(d, degree=k) for k in (1, 3, 12)]), plotting.plot_capacity_curve(capacity.capacity_curve(d), 0.09),
        plotting.plot_resampled_fits([capacity.resampled_fits(3, num_fits=10)]),
        plotting.plot_bias_variance([capacity.bias_variance(k, num_fits=20) for k in (1, 3)]),
        plotting.plot_learning_curve(capacity.learning_curve(3, [10, 20], num_seeds=2)), plotting.plot_recipe(),
        plotting.plot_early_stopping(run, early_stopping.stopping_point(run.val_loss)),
        plotting.plot_early_stop_vs_ridge(early_stopping.early_stopping_vs_ridge(X.X, X.y, 0.01, [1, 10])),
        plotting.plot_digit_images(np.zeros((3, 64)), ["a", "b", "c"], "three blanks"),
        plotting.plot_augmentation_gain(softmax.AugmentationGain(np.arange(2), np.array([0.8, 0.9]),
                                                                 np.array([0.85, 0.92]))),
        plotting.plot_gd_paths(normalisation.gd_picture(stretched.train, num_steps=5),
                               normalisation.gd_picture(s.train, num_steps=5)),
        plotting.plot_depth_scales([initialisation.depth_scales(k, depth=5) for k in ("he", "lecun")]),
    ]
    for fig in figures:
        assert isinstance(fig, Figure) and fig.axes[0].get_title()


def test_new_checks_pass_right_answers_and_teach_on_wrong_ones():
    assert "✓" in repr(checks.check_split_sizes((6000, 2000, 2000), (980_000, 10_000, 10_000)))
    with pytest.raises(checks.NotYet, match="counts of examples"):
        checks.check_split_sizes((0.6, 0.2, 0.2), (980_000, 10_000, 10_000))
    right = {"A": "high variance", "B": "high bias", "C": "both", "D": "neither"}
    checks.check_diagnoses(right)
    with pytest.raises(checks.NotYet, match="case A"):
        checks.check_diagnoses({**right, "A": "high bias"})
    fits = capacity.resampled_fits(5, num_fits=20)
    checks.check_bias_variance(lambda p, t: (np.mean((p.mean(0) - t) ** 2), p.var(0).mean()), fits)
    with pytest.raises(checks.NotYet, match="mean squared error of the fits"):
        checks.check_bias_variance(lambda p, t: (np.mean((p - t) ** 2), p.var(0).mean()), fits)
    checks.check_best_epoch(2, [3.0, 2.0, 1.0, 1.5])
    with pytest.raises(checks.NotYet, match="last epoch"):
        checks.check_best_epoch(3, [3.0, 2.0, 1.0, 1.5])
    checks.check_standardize_dev(lambda a, b: (b - a.mean(0)) / a.std(0))
    with pytest.raises(checks.NotYet, match="dev set's own statistics"):
        checks.check_standardize_dev(lambda a, b: (b - b.mean(0)) / b.std(0))
    checks.check_init_std(lambda s, i, o: initialisation.init_std(s, i, o))
    with pytest.raises(checks.NotYet, match="not a variance"):
        checks.check_init_std(lambda s, i, o: initialisation.init_std(s, i, o) ** 2)
    checks.check_ridge_for_steps(0.2)
    with pytest.raises(checks.NotYet, match="reciprocal"):
        checks.check_ridge_for_steps(5.0)
