"""Gradient checking: correct gradients pass, every planted bug fails and is located, torch agrees."""

import math

import numpy as np
import pytest
import torch

from reglab import gradcheck as gc
from reglab import planted_bugs as pb
from reglab import three_layer_net as net

DROPOUT_BUGS = {"mask_not_reused", "no_rescale_in_backward"}


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 3)), (rng.random(16) > 0.5).astype(float)
    params = net.init_params((3, 4, 4, 1), seed=1)  # equal hidden widths: see planted_bugs
    for name in ("b1", "b2", "b3"):
        params[name] = params[name] + 0.1              # non-zero biases, and ReLU inputs away from 0
    masks = (rng.random((16, 4)) >= 0.3, rng.random((16, 4)) >= 0.3)
    return X, y, params, masks


def functions(problem, weight_decay, dropout, bug=None):
    X, y, params, masks = problem
    rates, fixed = ((0.3, 0.3), masks) if dropout else ((0.0, 0.0), None)

    def loss(p):
        return net.cost(net.forward(X, p, rates, masks=fixed), y, weight_decay)

    def gradient(p):
        return pb.buggy_backward(y, net.forward(X, p, rates, masks=fixed), weight_decay, bug)

    return loss, gradient


@pytest.mark.parametrize("weight_decay, dropout", [(0.0, False), (0.1, False), (0.1, True)])
def test_correct_gradients_pass_below_1e_7(problem, weight_decay, dropout):
    loss, gradient = functions(problem, weight_decay, dropout)
    report = gc.check_gradients(loss, problem[2], gradient)
    assert report.passed and report.overall < 1e-7 and report.suspects() == []
    real = gc.check_gradients(loss, problem[2], lambda p: net.backward(
        problem[1], net.forward(problem[0], p, (0.3, 0.3) if dropout else (0, 0),
                                masks=problem[3] if dropout else None), weight_decay))
    assert real.overall < 1e-7, "reglab's own backward pass agrees too"


def test_there_are_at_least_ten_distinct_planted_bugs():
    assert len(pb.BUGS) >= 10
    assert len({description for description, _ in pb.BUGS.values()}) == len(pb.BUGS)


@pytest.mark.parametrize("bug", sorted(pb.BUGS))
def test_every_planted_bug_fails_and_the_report_names_the_wrong_tensors(problem, bug):
    _, affected = pb.BUGS[bug]
    loss, gradient = functions(problem, weight_decay=0.1, dropout=bug in DROPOUT_BUGS, bug=bug)
    report = gc.check_gradients(loss, problem[2], gradient)
    assert not report.passed and report.overall > gc.LOOK_CLOSER
    assert set(report.suspects()) == affected
    assert "WRONG" in str(report) or "look closer" in str(report)


def test_dropout_breaks_the_check_unless_the_mask_is_held_fixed(problem):
    X, y, params, _ = problem
    weight_decay = 0.1

    draws = np.random.default_rng(1)

    def loss_fresh_masks(p):  # a new mask at every evaluation, as in training
        return net.cost(net.forward(X, p, (0.3, 0.3), rng=draws), y, weight_decay)

    def gradient_one_mask(p):
        return net.backward(y, net.forward(X, p, (0.3, 0.3), rng=np.random.default_rng(0)), weight_decay)

    assert gc.check_gradients(loss_fresh_masks, params, gradient_one_mask).overall > gc.BUG


def test_leaving_the_penalty_out_of_the_cost_fails(problem):
    X, y, params, _ = problem

    def loss_without_penalty(p):
        return net.cost(net.forward(X, p), y, 0.0)

    def gradient_with_penalty(p):
        return net.backward(y, net.forward(X, p), 0.1)

    report = gc.check_gradients(loss_without_penalty, params, gradient_with_penalty)
    assert not report.passed and set(report.suspects()) == {"W1", "W2", "W3"}


def test_relative_error_and_vector_helpers():
    assert gc.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert gc.relative_error([1.0, 0.0], [-1.0, 0.0]) == 1.0
    assert gc.relative_error([3.0], [3.0]) == 0.0
    params = {"W": np.arange(6.0).reshape(2, 3), "b": np.array([7.0])}
    flat_params = gc.params_to_vector(params)
    theta, spec = flat_params.theta, flat_params.spec
    np.testing.assert_array_equal(theta, np.r_[np.arange(6.0), 7.0])
    back = gc.vector_to_params(theta, spec)
    assert back.keys() == params.keys() and all(np.array_equal(back[k], params[k]) for k in params)


def test_numerical_gradient_of_a_known_function():
    grad = gc.numerical_gradient(lambda t: float(np.sum(np.sin(t) * t)), np.array([0.3, -1.2, 2.0]))
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(grad, np.sin(x) + x * np.cos(x), rtol=1e-7, atol=1e-8)  # round-off ~ 1e-16 / eps


def test_error_slopes_are_one_for_forward_and_two_for_central_differences():
    eps = np.logspace(-1, -3.5, 8)  # the truncation regime: round-off is still far below
    forward = gc.finite_difference_errors(np.exp, np.exp, 1.0, eps, "forward")
    central = gc.finite_difference_errors(np.exp, np.exp, 1.0, eps, "central")
    assert gc.fitted_slope(eps, forward) == pytest.approx(1.0, abs=0.1)
    assert gc.fitted_slope(eps, central) == pytest.approx(2.0, abs=0.1)


def test_float32_has_a_much_higher_round_off_floor():
    eps = np.logspace(-1, -9, 17)
    best64 = gc.finite_difference_errors(np.exp, math.exp, 1.0, eps, "central", np.float64).min()
    best32 = gc.finite_difference_errors(np.exp, math.exp, 1.0, eps, "central", np.float32).min()
    assert best64 < 1e-9 and best32 > 1e-6


def test_float32_parameters_warn():
    with pytest.warns(UserWarning, match="float32"):
        gc.numerical_gradient(lambda t: float((t ** 2).sum()), np.ones(3, dtype=np.float32), eps=1e-3)


def test_directional_check_is_cheap_and_catches_a_bug(problem):
    loss, gradient = functions(problem, 0.1, False)
    assert gc.directional_check(loss, gradient, problem[2], num_directions=5).max() < 1e-6
    _, buggy = functions(problem, 0.1, False, bug="dW3_factor_2")
    assert gc.directional_check(loss, buggy, problem[2], num_directions=5).max() > 1e-2


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x


class BadSquare(Square):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x  # planted bug


class BadSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        s = torch.sigmoid(x)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad):
        (s,) = ctx.saved_tensors
        return grad * s  # should be s * (1 - s)


FUNCTIONS = {
    "tanh then sum": (lambda x: torch.tanh(x).sum(), True),
    "x sin x": (lambda x: (x * torch.sin(x)).sum(), True),
    "custom square, correct": (lambda x: Square.apply(x).sum(), True),
    "custom square, wrong backward": (lambda x: BadSquare.apply(x).sum(), False),
    "custom sigmoid, wrong backward": (lambda x: BadSigmoid.apply(x).sum(), False),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_agreement_with_torch_autograd_gradcheck(name):
    f, correct = FUNCTIONS[name]
    x = torch.linspace(-1.5, 1.7, 7, dtype=torch.float64, requires_grad=True)
    theirs = torch.autograd.gradcheck(f, (x,), raise_exception=False)
    ours = gc.check_gradients(lambda p: f(p["x"]), {"x": x}).passed
    assert theirs == ours == correct


def test_torch_module_in_float64_passes():
    g = torch.Generator().manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64))
    X = torch.randn(10, 3, generator=g, dtype=torch.float64)
    y = torch.randn(10, 1, generator=g, dtype=torch.float64)
    report = gc.check_gradients(lambda m: torch.nn.functional.mse_loss(m(X), y), model)
    assert report.passed and set(report.per_parameter) == {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_a_mystery_bug_is_found_by_the_report(problem):
    X, y, params, _ = problem
    for seed in range(4):
        mystery = pb.MysteryBackward(seed)
        revealed = mystery.reveal()
        name, affected = revealed.name, revealed.affected
        report = gc.check_gradients(lambda p: net.cost(net.forward(X, p), y, 0.1), params,
                                    lambda p: mystery(y, net.forward(X, p), 0.1))
        assert sorted(report.suspects()) == affected and name not in repr(mystery)


# ---------------------------------------------------------------- the absolute floor (issue 10)

def output_bias_at_optimum(X, y, params):
    """params with b3 moved to the minimiser of the cost in b3 alone (Newton), so its true gradient is ~0."""
    params = dict(params)
    for _ in range(5):
        A3 = net.forward(X, params)["A3"]
        params["b3"] = params["b3"] - np.mean(A3 - y) / np.mean(A3 * (1 - A3))
    return params


def test_a_bias_at_its_optimum_passes_by_the_absolute_floor_and_not_by_relative_error(problem):
    X, y, params, _ = problem
    loss, gradient = functions(problem, weight_decay=0.1, dropout=False)
    at_optimum = output_bias_at_optimum(X, y, params)
    assert abs(gradient(at_optimum)["db3"][0]) < 1e-15
    relative_only = gc.check_gradients(loss, at_optimum, gradient, atol=0)
    assert relative_only.tensors["b3"].relative > 0.5 and relative_only.tensors["b3"].flag == "WRONG"
    assert not relative_only.passed and relative_only.verdict == "almost surely a bug"
    floored = gc.check_gradients(loss, at_optimum, gradient)
    assert floored.passed and floored.verdict == "fine" and floored.suspects() == []
    assert floored.tensors["b3"].passed_by == "absolute floor" and floored.tensors["b3"].absolute < gc.ATOL
    assert "b3" in str(floored) and "absolute floor" in str(floored) and "relative error" in str(floored)


@pytest.mark.parametrize("size", [1e-3, 1e-6])
def test_the_floor_does_not_hide_a_real_bug_in_a_near_zero_gradient(problem, size):
    X, y, params, _ = problem
    loss, gradient = functions(problem, weight_decay=0.1, dropout=False)
    at_optimum = output_bias_at_optimum(X, y, params)

    def off_by(p):
        return dict(gradient(p), db3=gradient(p)["db3"] + size)

    report = gc.check_gradients(loss, at_optimum, off_by)
    assert report.suspects() == ["b3"] and not report.passed
    assert report.tensors["b3"].absolute == pytest.approx(size, rel=1e-3) and report.tensors["b3"].flag == "WRONG"
    assert report.verdict == "almost surely a bug"
    decayed = gc.check_gradients(loss, at_optimum, lambda p: pb.buggy_backward(
        y, net.forward(X, p), 0.1, "bias_decayed"))
    assert set(decayed.suspects()) == {"b1", "b2", "b3"}


def test_relative_and_absolute_errors_are_what_the_report_says():
    params = {"w": np.array([1.0, 2.0]), "b": np.array([0.0])}
    report = gc.check_gradients(lambda p: float(p["w"] @ p["w"] / 2), params,
                                lambda p: {"dw": p["w"] + np.array([0.0, 1e-3]), "db": np.array([5e-9])})
    np.testing.assert_allclose(report.tensors["w"].absolute, 1e-3, rtol=1e-5)
    np.testing.assert_allclose(report.tensors["w"].relative,
                               gc.relative_error([1.0, 2.001], [1.0, 2.0]), rtol=1e-5)
    assert report.tensors["b"].relative == pytest.approx(1.0) and report.tensors["b"].passed_by == "absolute floor"
    assert gc.check_gradients(lambda p: float(p["w"] @ p["w"] / 2), params, lambda p: {
        "dw": p["w"], "db": np.array([5e-9])}, atol=1e-9).suspects() == ["b"]


def test_the_overall_verdict_always_agrees_with_the_tensors(problem):
    X, y, params, _ = problem
    reports = [gc.check_gradients(*functions(problem, 0.1, False, bug=bug)[:1], params,
                                  functions(problem, 0.1, False, bug=bug)[1]) for bug in (None, *pb.BUGS)]
    loss, gradient = functions(problem, 0.1, False)
    at_optimum = output_bias_at_optimum(X, y, params)
    reports += [gc.check_gradients(loss, at_optimum, gradient, atol=atol) for atol in (0, 1e-8)]
    for report in reports:
        failing = [name for name, t in report.tensors.items() if not t.passed]
        assert report.passed == (not failing) and sorted(report.suspects()) == sorted(failing)
        assert (report.verdict == "fine") == report.passed
        flags = {t.flag for t in report.tensors.values()}
        assert (report.verdict == "almost surely a bug") == ("WRONG" in flags)
        assert f"{len(report.tensors) - len(failing)} of {len(report.tensors)} tensors pass" in str(report)


def test_numerical_gradients_leave_the_callers_arrays_alone_and_match_the_flat_version(problem):
    loss, _ = functions(problem, 0.1, False)
    params = problem[2]
    before = {k: v.copy() for k, v in params.items()}
    per_tensor = gc.numerical_gradients(loss, params, eps=1e-6)
    assert all(np.array_equal(params[k], before[k]) for k in params)
    flat = gc.params_to_vector(params)
    theta, spec = flat.theta, flat.spec
    flat = gc.vector_to_params(gc.numerical_gradient(lambda t: loss(gc.vector_to_params(t, spec)), theta, 1e-6),
                               spec)
    for name in params:
        np.testing.assert_allclose(per_tensor[name], flat[name], rtol=1e-9, atol=1e-12)


def test_torch_tensors_without_grad_or_not_contiguous_are_checked_like_any_other():
    base = torch.linspace(-1.5, 1.7, 6, dtype=torch.float64).reshape(2, 3)
    f = lambda p: (torch.tanh(p["x"]) * torch.arange(1.0, 7.0, dtype=torch.float64).reshape(3, 2)).sum()  # noqa
    plain = gc.check_gradients(f, {"x": base.t().contiguous().requires_grad_()})
    transposed = base.t()                      # a view: not contiguous, and requires_grad=False
    assert not transposed.is_contiguous() and not transposed.requires_grad
    checked = gc.check_gradients(f, {"x": transposed})
    assert checked.passed and plain.passed
    assert checked.tensors["x"].relative == pytest.approx(plain.tensors["x"].relative, rel=1e-6, abs=1e-12)
    assert torch.equal(transposed, base.t()), "the caller's tensor is not modified"
    model = torch.nn.Linear(2, 1).double()
    model.bias.requires_grad_(False)           # a frozen parameter is left out
    X = torch.ones(3, 2, dtype=torch.float64)
    assert set(gc.check_gradients(lambda m: m(X).pow(2).sum(), model).tensors) == {"weight"}


OUTSIDE = torch.ones(2, dtype=torch.float64, requires_grad=True)
BAD_INPUTS = [
    (lambda: gc.relative_error(np.ones(3), np.ones(4)), ValueError, "shape (3,) but the numerical one has shape (4,)"),
    (lambda: gc.relative_error([np.nan], [1.0]), ValueError, "analytic contains NaN"),
    (lambda: gc.relative_error(["a"], [1.0]), TypeError, "analytic must hold real numbers"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, np.ones(2), eps=0), ValueError, "eps must be > 0"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, np.ones(2), eps=-1e-7), ValueError, "eps must be > 0"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, np.ones(2), eps=True), TypeError, "eps must be a real number"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, np.ones(2), method="backward"), ValueError,
     "method must be 'central' or 'forward'"),
    (lambda: gc.numerical_gradient(lambda t: float("nan"), np.ones(2)), ValueError, "the loss is nan"),
    (lambda: gc.numerical_gradient(lambda t: t, np.ones(2)), TypeError, "the loss must return one real number"),
    (lambda: gc.numerical_gradient("loss", np.ones(2)), TypeError, "loss must be a function"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, []), ValueError, "theta is empty"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, torch.ones(2)), TypeError, "theta must be a NumPy array"),
    (lambda: gc.check_gradients(lambda p: 0.0, {}, lambda p: {}), ValueError, "non-empty dict"),
    (lambda: gc.check_gradients(lambda p: 0.0, [np.ones(2)], lambda p: {}), ValueError, "non-empty dict"),
    (lambda: gc.check_gradients(lambda p: 0.0, {1: np.ones(2)}, lambda p: {}), TypeError, "keys must be tensor names"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": [np.nan]}, lambda p: {}), ValueError,
     "params['W'] contains NaN"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: {"W": np.ones(3)}), ValueError,
     "has shape (3,) but W has shape (2,)"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: {"V": np.ones(2)}), ValueError,
     "no gradient for 'W'"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: [np.ones(2)]), TypeError,
     "must return a dict"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: {"W": [np.inf, 0]}), ValueError,
     "gradient of W contains NaN"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}), TypeError, "pass gradient="),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, "grad"), TypeError, "gradient must be a function"),
    (lambda: gc.check_gradients(None, {"W": np.ones(2)}, lambda p: p), TypeError, "loss must be a function"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: p, atol=-1), ValueError,
     "atol must be >= 0"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: p, rtol=float("nan")), ValueError,
     "rtol must be a real number; got NaN"),
    (lambda: gc.check_gradients(lambda p: p["x"].sum(), {"x": torch.ones(2, dtype=torch.int64)}), TypeError,
     "params['x'] has dtype torch.int64"),
    (lambda: gc.check_gradients(lambda p: p["x"].sum(), {"x": torch.ones(2), "y": np.ones(2)}), TypeError,
     "params mixes torch tensors and ndarray"),
    (lambda: gc.check_gradients(lambda p: p["x"].sum(), {"x": torch.ones(2)}, lambda p: p), TypeError,
     "leave gradient=None"),
    (lambda: gc.check_gradients(lambda p: p["x"], {"x": torch.ones(2, dtype=torch.float64)}), ValueError,
     "the loss must be one number"),
    (lambda: gc.check_gradients(lambda p: 1.0, {"x": torch.ones(2, dtype=torch.float64)}), TypeError,
     "must return a scalar tensor computed from them"),
    (lambda: gc.check_gradients(lambda m: m.weight.sum(), torch.nn.Linear(2, 1).requires_grad_(False)), ValueError,
     "no trainable parameters"),
    (lambda: gc.check_gradients(lambda p: OUTSIDE.sum(), {"x": OUTSIDE}), ValueError,
     "does not depend on any tensor in params"),
    (lambda: gc.vector_to_params(np.ones(3), [("W", (2,))]), ValueError, "theta has 3 entries but the spec"),
    (lambda: gc.vector_to_params(np.ones(3), "W"), TypeError, "spec must be the list of (name, shape) pairs"),
    (lambda: gc.vector_to_params(np.ones((3, 1)), [("W", (3,))]), ValueError, "theta must be a 1-D vector"),
    (lambda: gc.params_to_vector({"W": "abc"}), TypeError, "params['W'] must be an array of real numbers"),
    (lambda: gc.directional_check(lambda p: 0.0, lambda p: p, {"W": np.ones(2)}, num_directions=0), ValueError,
     "num_directions must be a positive integer"),
    (lambda: gc.directional_check(lambda p: 0.0, lambda p: p, {"W": np.ones(2)}, seed=True), TypeError,
     "seed must be a non-negative integer"),
    (lambda: gc.directional_check(lambda p: 0.0, None, {"W": np.ones(2)}), TypeError, "gradient must be a function"),
    (lambda: gc.finite_difference_errors(np.exp, np.exp, 1.0, [1e-3], dtype=int), ValueError, "dtype must be"),
    (lambda: gc.finite_difference_errors(np.exp, np.exp, 1.0, []), ValueError, "eps_values is empty"),
    (lambda: gc.finite_difference_errors(np.exp, np.exp, "1", [1e-3]), TypeError, "x must be a real number"),
    (lambda: gc.finite_difference_errors(np.exp, 3, 1.0, [1e-3]), TypeError, "df must be a function"),
    (lambda: gc.finite_difference_errors(np.exp, np.exp, 1.0, [1e-3, 0]), ValueError, "eps must be > 0"),
    (lambda: gc.fitted_slope([1e-3, 1e-2], [1e-6]), ValueError, "same length >= 2"),
    (lambda: gc.fitted_slope([1e-3, 1e-2], [0.0, 1e-6]), ValueError, "must all be > 0"),
    (lambda: pb.buggy_backward(np.ones(1), {}, bug="typo"), ValueError, "bug must be one of"),
    (lambda: pb.buggy_backward(np.ones(1), {}), ValueError, "cache must be the dict returned by"),
    (lambda: pb.buggy_backward(np.ones(1), {}, weight_decay=-1), ValueError, "weight_decay must be >= 0"),
    (lambda: pb.MysteryBackward(seed="7"), TypeError, "seed must be a non-negative integer"),
]


@pytest.mark.parametrize("call, error, fragment", BAD_INPUTS)
def test_bad_input_raises_clear_errors(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_buggy_backward_checks_that_y_matches_the_cache(problem):
    X, y, params, _ = problem
    with pytest.raises(ValueError, match=r"y must have one label per example, shape \(16,\)"):
        pb.buggy_backward(y[:-1], net.forward(X, params))


# ---------------------------------------------------------------- Chapter 4's numbers, recomputed with reglab
# Each test below guards a sentence of chapters/04_gradient_checking.ipynb that states a number.

@pytest.fixture(scope="module")
def chapter():
    from reglab import data

    moons = data.make_noisy_moons(label_noise=0.2, seed=0)
    X, y = moons.train.X[:40], moons.train.y[:40]
    start = net.init_params(layer_sizes=(2, 5, 5, 1), seed=0)
    params = {name: value + 0.1 if name.startswith("b") else value for name, value in start.items()}
    weight_decay = 0.05

    def loss(p):
        return net.cost(net.forward(X, p), y, weight_decay)

    def gradient(p):
        return net.backward(y, net.forward(X, p), weight_decay)

    def decayed(p):
        return pb.buggy_backward(y, net.forward(X, p), weight_decay, "bias_decayed")

    trained = dict(start)
    for _ in range(300):
        step = gradient(trained)
        trained = {name: value - 0.3 * step["d" + name] for name, value in trained.items()}
    return dict(X=X, y=y, start=start, params=params, loss=loss, gradient=gradient, decayed=decayed,
                trained=trained, cache=net.forward(X, params))


def test_chapter_float32_floor_is_tens_to_hundreds_of_thousands_of_times_float64s():
    eps = np.logspace(0, -12, 49)
    best = {(method, dtype): gc.finite_difference_errors(np.exp, np.exp, 1.0, eps, method, dtype).min()
            for method in ("forward", "central") for dtype in (np.float32, np.float64)}
    forward = best["forward", np.float32] / best["forward", np.float64]
    central = best["central", np.float32] / best["central", np.float64]
    assert f"{forward:.1e}" == "3.7e+04" and f"{central:.1e}" == "1.8e+05"   # "3.7 × 10^4 ... 1.8 × 10^5"
    assert f"{best['central', np.float32]:.1e}" == "5.8e-06" and f"{best['forward', np.float32]:.1e}" == "2.5e-04"
    delta_ratio = np.finfo(np.float32).eps / np.finfo(np.float64).eps
    assert 4.5e8 < delta_ratio < 5.5e8                                        # "about 5 × 10^8"
    assert f"{5e8 ** 0.5:.0e}" == "2e+04" and f"{5e8 ** (2 / 3):.0e}" == "6e+05"


def test_chapter_section_2_every_tensor_passes_by_relative_error_between_1_5e_9_and_3_7e_9(chapter):
    report = gc.check_gradients(chapter["loss"], chapter["params"], chapter["gradient"])
    assert all(t.passed_by == "relative error" for t in report.tensors.values())
    assert 1.5e-9 <= min(report.per_parameter.values()) and max(report.per_parameter.values()) < 3.7e-9


def test_chapter_section_3_all_thirteen_planted_bugs_are_caught_and_located(chapter):
    X, y, params = chapter["X"], chapter["y"], chapter["params"]
    masks = (np.random.default_rng(1).random((40, 5)) >= 0.3, np.random.default_rng(2).random((40, 5)) >= 0.3)
    for bug, (_, affected) in pb.BUGS.items():
        rates, fixed = ((0.3, 0.3), masks) if bug in DROPOUT_BUGS else ((0, 0), None)
        report = gc.check_gradients(
            lambda p: net.cost(net.forward(X, p, rates, masks=fixed), y, 0.05), params,
            lambda p: pb.buggy_backward(y, net.forward(X, p, rates, masks=fixed), 0.05, bug))
        assert not report.passed and set(report.suspects()) == affected, bug


def test_chapter_section_6_smallest_pre_activations_and_the_kink(chapter):
    cache = chapter["cache"]
    assert f"{np.abs(cache['Z1']).min():.1e}" == "7.9e-03" and f"{np.abs(cache['Z2']).min():.1e}" == "5.2e-04"
    assert np.abs(cache["Z2"]).min() / 1e-7 > 1000                             # "thousands of times ε"


def test_chapter_section_7_bias_decayed_hides_at_initialisation_and_shows_after_training(chapter):
    loss, decayed = chapter["loss"], chapter["decayed"]
    assert f"{loss(chapter['start']):.3f}" == "1.412" and f"{loss(chapter['trained']):.3f}" == "0.534"
    assert gc.check_gradients(loss, chapter["start"], decayed).suspects() == []
    assert set(gc.check_gradients(loss, chapter["trained"], decayed).suspects()) == {"b1", "b2", "b3"}
    after = gc.check_gradients(loss, chapter["trained"], chapter["gradient"])
    by_floor = {n: t.relative for n, t in after.tensors.items() if t.passed_by == "absolute floor"}
    assert after.passed and len(by_floor) == 4                     # "four tensors ... pass only by the floor"
    assert f"{min(by_floor.values()):.1e}" == "1.2e-07" and f"{max(by_floor.values()):.1e}" == "2.0e-07"


def test_chapter_section_8_gradients_shrink_a_hundredfold_while_the_noise_stays(chapter):
    loss, gradient = chapter["loss"], chapter["gradient"]
    norms = {when: [np.linalg.norm(g) for g in gradient(chapter[when]).values()] for when in ("start", "trained")}
    assert 50 < min(norms["start"]) / min(norms["trained"]) < 200
    assert 50 < max(norms["start"]) / max(norms["trained"]) < 200
    for when in ("start", "trained"):
        assert 1e-10 < max(gc.check_gradients(loss, chapter[when], gradient).absolute.values()) < 3e-9
    noise = np.finfo(float).eps / 2 * loss(chapter["trained"]) / 1e-7
    assert f"{noise:.0e}" == "6e-10"                                          # "≈ 6 × 10^-10"


def test_chapter_section_8_bias_at_optimum_and_the_bug_the_floor_does_not_hide(chapter):
    loss, gradient = chapter["loss"], chapter["gradient"]
    at_optimum = output_bias_at_optimum(chapter["X"], chapter["y"], chapter["trained"])
    assert abs(gradient(at_optimum)["db3"][0]) < 1e-16                       # "about 10^-17"
    alone = gc.check_gradients(loss, at_optimum, gradient, atol=0)
    assert f"{alone.tensors['b3'].relative:.2f}" == "1.00" and alone.verdict == "almost surely a bug"
    assert sorted(n for n, t in alone.tensors.items() if t.flag == "look closer") == ["W1", "W2", "b1", "b2"]
    assert f"{alone.tensors['b3'].absolute:.0e}" == "3e-17"
    assert gc.check_gradients(loss, at_optimum, gradient).passed
    decayed = gc.check_gradients(loss, at_optimum, chapter["decayed"])
    assert {n: t.flag for n, t in decayed.tensors.items() if not t.passed} == dict.fromkeys(("b1", "b2", "b3"),
                                                                                             "WRONG")
    wrong = [decayed.tensors[n].absolute for n in ("b1", "b2", "b3")]
    assert all(1e-2 < a < 1e-1 for a in wrong) and min(wrong) / gc.ATOL > 1e6  # "millions of times the floor"
    assert f"{decayed.tensors['b3'].relative:.2f}" == "1.00"


def test_chapter_exercise_4_the_jump_at_1e_3_is_a_kink_in_b2_not_truncation(chapter):
    loss, gradient, params, cache = chapter["loss"], chapter["gradient"], chapter["params"], chapter["cache"]
    at = {e: gc.check_gradients(loss, params, gradient, eps=e) for e in (1e-3, 1e-4, 1e-5)}
    assert f"{at[1e-3].overall:.1e}" == "2.9e-04" and f"{at[1e-4].overall:.1e}" == "5.5e-10"
    assert f"{at[1e-5].overall:.1e}" == "2.1e-11"
    assert f"{at[1e-3].tensors['b2'].relative:.1e}" == "1.5e-03"
    others = [t.relative for n, t in at[1e-3].tensors.items() if n != "b2"]
    assert 8.5e-9 < min(others) and max(others) < 6.5e-8                       # "between 9e-9 and 6e-8"
    z2 = np.abs(cache["Z2"])
    assert (z2 < 1e-3).any(axis=0).sum() == 1 and not (z2 < 1e-4).any()       # one b2 step crosses at 1e-3 only


def test_chapter_exercise_5_float32_is_about_1e_minus_4_at_eps_1e_minus_4(chapter):
    loss, params = chapter["loss"], chapter["params"]
    flat = gc.params_to_vector(params)
    theta, spec = flat.theta, flat.spec
    grads = chapter["gradient"](params)
    analytic = np.concatenate([np.ravel(grads["d" + name]) for name, _ in spec])

    def flat_loss(t):
        return loss(gc.vector_to_params(t, spec))

    with pytest.warns(UserWarning, match="float32"):
        small = gc.numerical_gradient(flat_loss, theta.astype(np.float32), eps=1e-7)
    with pytest.warns(UserWarning, match="float32"):
        large = gc.numerical_gradient(flat_loss, theta.astype(np.float32), eps=1e-4)
    assert f"{np.mean(small == 0):.0%}" == "2%" and 0.1 < gc.relative_error(analytic, small) < 0.2
    assert 5e-5 < gc.relative_error(analytic, large) < 2e-4                    # "about 10^-4"
    float64 = gc.relative_error(analytic, gc.numerical_gradient(flat_loss, theta, eps=1e-4))
    assert f"{float64:.1e}" == "5.5e-10"
