"""Numbers that the text of Chapters 1 and 2 states about their outputs, recomputed with reglab.

nbval checks that each stored output is reproduced; these tests pin the specific values the prose quotes,
so that a change in reglab that moves one of them fails here and sends the author back to the sentence.
"""

import numpy as np
import pytest

from reglab import data, models, norms, priors, train


def test_ch1_sparse_share_of_constrained_minima():
    rates = {p: norms.axis_hit_rate(p=p, num_centers=500, seed=0, box=3.0) for p in (1, 1.5, 2)}
    assert [round(100 * rates[p], 1) for p in (1, 1.5, 2)] == [43.8, 0.2, 0.0]


@pytest.fixture(scope="module")
def regression():
    return data.make_high_dim_regression(seed=0)


def test_ch2_first_sweep_left_half_is_the_initialisation_right_half_the_mean(regression):
    no_decay = train.train_linear_regression(regression, weight_decay=0.0, seed=0)
    outside = train.component_outside_span(no_decay.w, regression.train.X)
    test = regression.test
    assert round(0.5 * np.mean((test.X @ outside) ** 2), 1) == 76.7
    assert round(no_decay.test_loss[-1], 1) == 76.9
    true_w = 0.5 * np.mean((test.X @ regression.true_w + regression.true_b - test.y) ** 2)
    mean_only = 0.5 * np.mean((regression.train.y.mean() - test.y) ** 2)
    assert f"{true_w:.1e}" == "4.4e-05" and round(mean_only, 4) == 0.0112 and round(mean_only / true_w, -1) == 250
    lambdas = np.concatenate([[0.0], np.logspace(-3, 2.5, 49)])
    sweep = train.sweep_linear_regression(regression, weight_decays=lambdas)
    assert round(lambdas[sweep.best()], 1) == 49.9 and round(sweep.test_loss[sweep.best(), -1], 4) == 0.0117
    from_zero = train.sweep_linear_regression(regression, weight_decays=lambdas, init_scale=0.0)
    assert round(from_zero.test_loss[0, -1], 4) == 0.0114
    assert round(from_zero.test_loss[from_zero.best(), -1], 4) == 0.0110


def test_ch2_ridge_spectrum_of_the_chapter_data(regression):
    spectrum = train.ridge_spectrum(regression.train.X, weight_decay=1.0)
    seen = spectrum.singular_values > 0
    assert seen.sum() == 19
    s = spectrum.singular_values[seen]
    assert [round(v, 2) for v in (s.min(), s.max())] == [2.35, 4.0]
    assert [round(v, 2) for v in (spectrum.factors[seen].min(), spectrum.factors[seen].max())] == [0.85, 0.94]
    assert train.shrinkage_factor(2.0, 4.0) == 0.5                     # s² = λ keeps exactly half


U_SETTINGS = dict(init_scale=0.0, lr=0.01, num_epochs=200, batch_size=10)
LAMBDAS_U = np.concatenate([[0.0], np.logspace(-3, 2, 30)])


def test_ch2_the_u_curve_and_its_spread_over_seeds():
    learnable = data.make_high_dim_regression(num_train=250, true_w=0.1, noise=1.0, seed=0)
    sweep = train.sweep_linear_regression(learnable, weight_decays=LAMBDAS_U, **U_SETTINGS)
    best = sweep.best()
    assert round(LAMBDAS_U[best], 3) == 0.386
    assert [round(sweep.train_loss[k, -1], 3) for k in (0, best, -1)] == [0.108, 0.245, 1.374]
    assert [round(sweep.test_loss[k, -1], 3) for k in (0, best, -1)] == [1.870, 0.930, 1.757]
    per_seed = []
    for seed in range(5):
        dataset = data.make_high_dim_regression(num_train=250, true_w=0.1, noise=1.0, seed=seed)
        run = train.sweep_linear_regression(dataset, weight_decays=LAMBDAS_U, seed=seed, **U_SETTINGS)
        per_seed.append([LAMBDAS_U[run.best()], run.test_loss[run.best(), -1], run.test_loss[0, -1],
                         run.test_loss[-1, -1]])
    mean, spread = np.mean(per_seed, 0), np.std(per_seed, 0)
    assert np.round(mean, 3).tolist() == [0.491, 0.877, 2.013, 1.551]
    assert np.round(spread, 3).tolist() == [0.207, 0.079, 0.127, 0.128]
    gap_left, gap_right = mean[2] - mean[1], mean[3] - mean[1]
    assert gap_left > 5 * (spread[1] + spread[2]) and gap_right > 2 * (spread[1] + spread[3])
    assert round(priors.map_weight_decay(noise_std=1.0, prior_std=0.1, num_train=250), 2) == 0.40


def test_ch2_network_table_and_tanh_gap():
    moons = data.make_noisy_moons(seed=0)
    lambdas = [0.0, 0.001, 0.003, 0.03]
    nets = train.sweep_classifier(moons, weight_decays=lambdas, hidden_sizes=(32, 32), activation="tanh", lr=0.02,
                                  num_epochs=500, seed=0)
    assert np.round(100 * nets.train_acc[:, -1], 1).tolist()[::3] == [100.0, 84.7]
    assert round(100 * nets.val_acc[-1, -1], 1) == 85.4
    linear = models.linear_region_fraction(nets.params, moons.test.X, threshold=0.5)
    assert np.round(100 * linear).tolist() == [17, 34, 59, 94]
    assert round(100 * (1 - np.tanh(0.5) / 0.5), 1) == 7.6 and round(np.tanh(0.5), 3) == 0.462
    z = np.linspace(1e-6, 0.5, 1000)
    assert np.all(np.diff(1 - np.tanh(z) / z) > 0)                    # the gap grows with |z|: largest at 0.5


def test_ch2_network_choice_over_five_seeds():
    moons = data.make_noisy_moons(seed=0)
    lambdas = [0.0, 0.001, 0.003, 0.03]
    runs = [train.sweep_classifier(moons, weight_decays=lambdas, hidden_sizes=(32, 32), activation="tanh", lr=0.02,
                                   num_epochs=500, seed=seed) for seed in range(5)]
    val = np.array([run.val_acc[:, -1] for run in runs])
    test = np.array([run.test_acc[:, -1] for run in runs])
    chosen = int(np.argmax(val.mean(0)))
    assert lambdas[chosen] == 0.003
    assert [round(100 * v, 1) for v in (val[:, chosen].mean(), val[:, chosen].std())] == [96.9, 0.2]
    assert [round(100 * v, 1) for v in (test[:, chosen].mean(), test[:, chosen].std(), test[:, 0].mean(),
                                        test[:, 0].std())] == [95.9, 0.1, 91.5, 0.5]
    gain = test[:, chosen].mean() - test[:, 0].mean()
    assert round(100 * gain, 1) == 4.4 and gain > 3 * (test[:, chosen].std() + test[:, 0].std())
