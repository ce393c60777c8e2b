"""Chapter 3's helpers (thinned-network picture, seed studies, digits comparison) and the numbers its text states.

The claims tests read the executed notebook: nbval guarantees its stored outputs are what the code prints, and
these tests check that every number the prose states agrees with those outputs.
"""

import re

import nbformat
import numpy as np
import pytest
import torch
from matplotlib.collections import LineCollection

from conftest import ROOT
from reglab import data, dropout, gradcheck, plotting, presets, rendering, studies, three_layer_net, train
from reglab import torch_training as tt

NOTEBOOK = ROOT / "chapters" / "03_dropout.ipynb"


# ---------------------------------------------------------------- the thinned-network picture

def edges_drawn(ax):
    return sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))


def test_full_network_draws_every_connection_and_is_labelled():
    fig, ax = plotting.new_axes()
    assert plotting.plot_network((4, 6, 6, 1), ax=ax) is fig
    assert edges_drawn(ax) == 4 * 6 + 6 * 6 + 6 * 1
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_thinned_network_keeps_only_connections_between_kept_units():
    rng = np.random.default_rng(3)
    masks = [dropout.bernoulli_mask(n, p, rng=rng) for n, p in zip((4, 6, 6), (0.2, 0.5, 0.5))]
    fig, ax = plotting.new_axes()
    plotting.plot_network((4, 6, 6, 1), masks, ax=ax)
    kept = [int(m.sum()) for m in masks] + [1]
    assert 0 < edges_drawn(ax) == sum(a * b for a, b in zip(kept, kept[1:])) < 4 * 6 + 6 * 6 + 6
    assert f"{sum(kept[:-1]) + 1} units" in ax.get_title()


def test_thinned_networks_figure_shows_the_full_net_and_each_mask_set():
    rng = np.random.default_rng(0)
    mask_sets = [[dropout.bernoulli_mask(n, 0.5, rng=rng) for n in (4, 6, 6)] for _ in range(2)]
    fig = plotting.plot_thinned_networks((4, 6, 6, 1), mask_sets)
    assert [ax.get_title() for ax in fig.axes] == ["full network", "thinned network 1", "thinned network 2"]
    assert rendering.figure_to_png(fig).startswith(b"\x89PNG")


@pytest.mark.parametrize("masks, fragment", [
    ([np.ones(4), np.ones(6)], "one mask per layer except the output"),
    ([np.ones(4), np.ones(5), np.ones(6)], r"masks\[1\] must have 6 entries"),
])
def test_network_picture_rejects_masks_that_do_not_fit(masks, fragment):
    with pytest.raises(ValueError, match=fragment):
        plotting.plot_network((4, 6, 6, 1), masks)


# ---------------------------------------------------------------- seed studies and the digits comparison

def test_seed_study_chooses_on_validation_and_reports_the_test_gain():
    settings = dict(presets.DROPOUT_SETTINGS, num_epochs=30, record_every=30)
    seen = []
    study = studies.sweep_over_seeds(lambda seed: data.make_noisy_moons(label_noise=0.2, seed=seed), seeds=[0, 1],
                                     drop_rates=[0.0, 0.5, (0.2, 0.5)],
                                     progress=lambda it, desc: seen.append(desc) or it, **settings)
    assert seen == ["one sweep per dataset"] and study.val_acc.shape == (2, 3)
    alone = train.sweep_classifier(data.make_noisy_moons(label_noise=0.2, seed=1), drop_rates=[0.0, 0.5, (0.2, 0.5)],
                                   seed=1, **settings)
    np.testing.assert_array_equal(study.test_acc[1], alone.test_acc[:, -1])
    chosen = study.chosen(among=[0, 1])
    np.testing.assert_array_equal(chosen, np.argmax(study.val_acc[:, :2], axis=1))
    np.testing.assert_array_equal(study.test_gain(baseline=0, among=[0, 1]),
                                  study.test_acc[[0, 1], chosen] - study.test_acc[:, 0])
    with pytest.raises(ValueError, match="among must list setting indices"):
        study.chosen(among=[5])
    with pytest.raises(ValueError, match="seeds must be a non-empty sequence"):
        studies.sweep_over_seeds(lambda seed: None, seeds=[])
    with pytest.raises(TypeError, match="make_data must be a function"):
        studies.sweep_over_seeds(data.make_noisy_moons(seed=0))


def test_digits_comparison_is_seeded_single_threaded_and_keeps_its_models():
    digits = data.load_digits_split(seed=0)
    threads = torch.get_num_threads()
    kwargs = dict(hidden_sizes=(16, 16), num_epochs=5)
    first = tt.compare_digits(digits, {"none": (0.0, 0.0, 0.0), "dropout": (0.2, 0.5, 0.5)}, seeds=[0, 1], **kwargs)
    again = tt.compare_digits(digits, {"dropout": (0.2, 0.5, 0.5)}, seeds=[1], **kwargs)
    assert torch.get_num_threads() == threads, "the caller's thread count is restored"
    assert first.test_acc.shape == (2, 2) and first.row("dropout") == 1
    assert first.test_acc[1, 1] == again.test_acc[0, 0]
    model = first.model("dropout", 1)
    assert not model.training and tt.accuracy(model, digits.test) == first.test_acc[1, 1]
    with pytest.raises(ValueError, match="seeds must be a non-empty sequence"):
        tt.compare_digits(digits, {"none": (0.0, 0.0, 0.0)}, seeds=[-1])
    with pytest.raises(ValueError, match="name must be one of"):
        first.row("missing")


def test_digits_training_does_not_depend_on_the_callers_thread_count():
    digits = data.load_digits_split(seed=0)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        two = tt.train_digits(digits, drop_rates=(0.2, 0.5, 0.5), hidden_sizes=(32, 32), num_epochs=20, seed=0).model
        torch.set_num_threads(1)
        one = tt.train_digits(digits, drop_rates=(0.2, 0.5, 0.5), hidden_sizes=(32, 32), num_epochs=20, seed=0).model
    finally:
        torch.set_num_threads(before)
    for a, b in zip(two.parameters(), one.parameters()):
        assert torch.equal(a, b)


def test_exercise_3_fresh_masks_in_backward_give_a_relative_error_of_0_05_to_0_33():
    """The written solution of Exercise 3 states these numbers."""
    moons = data.make_noisy_moons(label_noise=0.2, seed=0)
    params = three_layer_net.init_params(layer_sizes=(2, 20, 3, 1), seed=0)
    overall, per_tensor = [], []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        cache = three_layer_net.forward(moons.train.X, params, (0.5, 0.5), rng=rng)
        right = three_layer_net.backward(moons.train.y, cache)
        fresh = dict(cache, masks=tuple(rng.random(m.shape) >= 0.5 for m in cache["masks"]))
        wrong = three_layer_net.backward(moons.train.y, fresh)
        overall.append(gradcheck.relative_error(*(np.concatenate([g[k].ravel() for k in sorted(g)])
                                                  for g in (wrong, right))))
        per_tensor += [gradcheck.relative_error(wrong[k], right[k]) for k in ("dW1", "db1", "dW2", "db2")]
        assert wrong["dW3"] is not None and np.array_equal(wrong["dW3"], right["dW3"])
    assert round(min(overall), 2) == 0.05 and round(max(overall), 2) == 0.33
    assert 0.08 <= min(per_tensor) and max(per_tensor) <= 0.8


# ---------------------------------------------------------------- the numbers the text states

@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def printed(nb, start):
    """Everything the code cell whose source starts with `start` printed."""
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start)]
    assert len(cells) == 1, start
    return "".join(o.get("text", "") for o in cells[0].outputs)


def prose(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type != "code") + "\n".join(
        c.source for c in nb.cells if "solution" in c.metadata.get("tags", []))


def numbers(pattern, text):
    return [tuple(float(x) for x in m) if isinstance(m, tuple) else float(m) for m in re.findall(pattern, text)]


def test_section_4_claims(notebook):
    out = printed(notebook, "dropout_moons = data.make_noisy_moons")
    train_acc = dict(numbers(r"drop rate ([\d.]+): train ([\d.]+)%", out))
    assert train_acc[0.0] > 83 + 10 and train_acc[0.9] < 75           # memorises at 0, underfits at 0.9
    val = dict(numbers(r"drop rate ([\d.]+): train [\d.]+%, validation ([\d.]+)%", out))
    assert val[0.0] < min(val[0.2], val[0.5]) and train_acc[0.5] < val[0.5]
    out = printed(notebook, "chosen = study.chosen")
    rows = numbers(r"p = ([\d.]+) chosen on validation; test accuracy ([\d.]+)% against ([\d.]+)%", out)
    assert len(rows) == 5 and all(chosen > base for _, chosen, base in rows)      # "on every dataset"
    rates = [p for p, _, _ in rows]
    text = prose(notebook)
    assert f"({min(rates):g} to {max(rates):g})" in text
    (mean, spread), = numbers(r"test gain from dropout: ([\d.]+)% ± ([\d.]+)%", out)
    assert f"{mean:.1f} ± {spread:.1f} points, is more than five times" in text and mean > 5 * spread


def test_section_6_claims(notebook):
    out = printed(notebook, "print(digits.description)")
    trains = numbers(r"train ([\d.]+)%", out)
    assert trains[0] == 100.0 and f"with dropout, {trains[1]:.1f} %" in prose(notebook)
    (mean, spread), = numbers(r"test gain from dropout: ([\d.]+)% ± ([\d.]+)%", out)
    per_seed = numbers(r"([+-][\d.]+)%", out.split("seeds:")[1])
    assert len(per_seed) == 5 and min(per_seed) > 0 and mean > spread
    text = prose(notebook)
    assert f"by {min(per_seed):.1f} to {max(per_seed):.1f} points, {mean:.1f} ± {spread:.1f} on average" in text
    vals = numbers(r"validation ([\d.]+)%", out)
    assert f"({vals[0]:.1f} % without, {vals[1]:.1f} % with dropout)" in text
    (cost,) = numbers(r"costs ([\d.]+) points", printed(notebook, 'model = comparison.model("dropout", seed=0)\neval'))
    assert f"drops by about {round(cost)} points" in text


def test_section_7_claims(notebook):
    out = printed(notebook, "uniform = study.val_acc")
    diffs = numbers(r"minus \(0\.5, 0\.5\) per dataset: ([+-][\d.]+)% ± ([\d.]+)%", out)
    none, first, _, last = diffs
    text = prose(notebook)
    assert f"{-none[0]:.1f} ± {none[1]:.1f} points below" in text and -none[0] > none[1]
    assert f"(+{first[0]:.1f} and −{-last[0]:.1f} points" in text and f"(± {first[1]:.1f} and ± {last[1]:.1f} points)" in text
    assert abs(first[0]) < first[1] and abs(last[0]) < last[1]              # within the spread, as the text says


def test_section_8_claims(notebook):
    out = printed(notebook, "weights = by_rate[rates.index(0.5)].params")
    rows = numbers(r"K = +(\d+): mean \|MC average - weight scaling\| = ([\d.]+), same class ([\d.]+)%", out)
    gaps = [gap for _, gap, _ in rows]
    assert gaps == sorted(gaps, reverse=True) and abs(gaps[-1] - 0.035) <= 0.005 and abs(gaps[-2] - 0.035) <= 0.005
    assert all(agree > 99 for k, _, agree in rows if k >= 10)
    assert "levels off around 0.035" in prose(notebook) and "more than 99 %" in prose(notebook)


def test_exercise_5_claims(notebook):
    out = printed(notebook, "decays = np.logspace")
    tests = numbers(r"test ([\d.]+)%", out)
    assert abs((tests[0] - tests[1]) - 2) < 0.5                         # "leads the L2 penalty by about 2 points"
    assert "both, λ = 0.0001" in out                                     # "validation picks the smallest λ"
