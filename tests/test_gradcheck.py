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


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: gc.relative_error(np.ones(3), np.ones(4)), ValueError,
     "shape (3,) but the numerical one has shape (4,)"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, np.ones(2), eps=0), ValueError, "eps must be > 0"),
    (lambda: gc.numerical_gradient(lambda t: 0.0, np.ones(2), eps=-1e-7), ValueError, "eps must be > 0"),
    (lambda: gc.numerical_gradient(lambda t: float("nan"), np.ones(2)), ValueError, "the loss is nan"),
    (lambda: gc.check_gradients(lambda p: 0.0, {}, lambda p: {}), ValueError, "non-empty dict"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: {"W": np.ones(3)}), ValueError,
     "has shape (3,) but W has shape (2,)"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}, lambda p: {"V": np.ones(2)}), ValueError,
     "no gradient for 'W'"),
    (lambda: gc.check_gradients(lambda p: 0.0, {"W": np.ones(2)}), TypeError, "pass gradient="),
    (lambda: pb.buggy_backward(np.ones(1), {}, bug="typo"), ValueError, "bug must be one of"),
])
def test_bad_input_raises_clear_errors(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_a_mystery_bug_is_found_by_the_report(problem):
    X, y, params, _ = problem
    for seed in range(4):
        mystery = pb.MysteryBackward(seed)
        revealed = mystery.reveal()
        name, affected = revealed.name, revealed.affected
        report = gc.check_gradients(lambda p: net.cost(net.forward(X, p), y, 0.1), params,
                                    lambda p: mystery(y, net.forward(X, p), 0.1))
        assert sorted(report.suspects()) == affected and name not in repr(mystery)
