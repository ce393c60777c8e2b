"""reglab.checks: right answers pass, the usual wrong answers fail with a message that names the mistake."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from reglab import checks, data, dropout, planted_bugs, three_layer_net, train


def fails_with(check, *args, hint, **kwargs):
    """Run a check that must fail; return its message after asserting it contains the hint."""
    with pytest.raises(checks.NotYet) as caught:
        check(*args, **kwargs)
    message = str(caught.value)
    assert hint in message, message
    return message


def test_a_pass_is_one_line_that_names_the_exercise():
    shown = repr(checks.check_norms_by_hand(l1=5, l2=3.0, linf=np.float64(2)))
    assert shown.startswith("✓ Exercise 1: correct.") and "\n" not in shown


def test_a_failure_shows_the_lesson_not_a_traceback():
    with pytest.raises(checks.NotYet) as caught:
        checks.check_norms_by_hand(l1=5, l2=9, linf=2)
    rendered = "\n".join(caught.value._render_traceback_())
    assert rendered.startswith("✗ Not yet.") and "expected: 3" in rendered and "got:      9" in rendered
    assert "Traceback" not in rendered and isinstance(caught.value, AssertionError)


@pytest.mark.parametrize("answer", [None, ...])
def test_an_unanswered_exercise_says_so(answer):
    fails_with(checks.check_decay_factor, answer, hint="no answer yet")


def test_a_function_that_is_still_a_stub_says_so():
    def soft_threshold(v, threshold):
        raise NotImplementedError

    fails_with(checks.check_soft_threshold, soft_threshold, hint="still raises NotImplementedError")
    fails_with(checks.check_soft_threshold, 3.0, hint="should be a function")


# Chapter 1

@pytest.mark.parametrize("answers, hint", [
    ((1, 3, 2), "absolute values"), ((5, 9, 2), "square root"), ((5, 3, 4), "not a sum"), ((5, 3, -2), "max_i |x_i|"),
])
def test_norms_by_hand(answers, hint):
    fails_with(checks.check_norms_by_hand, *answers, hint=hint)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_norms_over_p():
    def right(vectors, ps):
        return np.array([[np.sum(np.abs(v) ** p) ** (1 / p) for p in ps] for v in vectors])

    assert checks.check_norms_over_p(right)
    fails_with(checks.check_norms_over_p, lambda V, ps: np.array([[np.sum(np.abs(v) ** p) for p in ps] for v in V]),
               hint="p-th root")
    fails_with(checks.check_norms_over_p, lambda V, ps: np.array([[np.sum(v ** p) ** (1 / p) for p in ps] for v in V]),
               hint="take |x_i|")
    fails_with(checks.check_norms_over_p, lambda V, ps: right(V, ps).T, hint="expected shape")


def test_frobenius_three_ways():
    def right(W):
        return (W ** 2).sum(), np.trace(W.T @ W), (np.linalg.svd(W, compute_uv=False) ** 2).sum()

    assert checks.check_frobenius_three_ways(right)
    fails_with(checks.check_frobenius_three_ways, lambda W: (np.sqrt((W ** 2).sum()),) + right(W)[1:],
               hint="its square")
    fails_with(checks.check_frobenius_three_ways,
               lambda W: right(W)[:2] + (np.linalg.svd(W, compute_uv=False).sum(),), hint="square the singular")


def test_dense_l1_centre():
    assert "edge" in repr(checks.check_dense_l1_centre(np.array([1.2, 1.0])))
    fails_with(checks.check_dense_l1_centre, [0.3, 0.2], hint="inside the ball")
    fails_with(checks.check_dense_l1_centre, [3.0, 0.5], hint="corner first")
    fails_with(checks.check_dense_l1_centre, [1.0, 2.0, 3.0], hint="expected shape (2,)")


# Chapter 2

def test_decay_factor():
    assert checks.check_decay_factor(0.991 ** 400)
    fails_with(checks.check_decay_factor, 0.991 ** 100, hint="400 steps")
    fails_with(checks.check_decay_factor, 1 - 0.009 * 400, hint="compounds")
    fails_with(checks.check_decay_factor, float("nan"), hint="finite")


def sgd_weights(dataset, weight_decay, bias_decay=0.0, lr=0.05, num_steps=600):
    """Full-batch torch.optim.SGD on the half mean squared error, the bias in its own group (Exercise 2.2)."""
    X, y = torch.as_tensor(dataset.train.X), torch.as_tensor(dataset.train.y)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([{"params": [w], "weight_decay": weight_decay},
                                 {"params": [b], "weight_decay": bias_decay}], lr=lr)
    for _ in range(num_steps):
        optimizer.zero_grad()
        (0.5 * ((X @ w + b - y) ** 2).mean()).backward()
        optimizer.step()
    return w.detach().numpy()


SMALL = data.make_high_dim_regression(num_train=20, num_features=5, true_w=0.5, true_b=1.0, noise=0.1, seed=2)


def test_equivalent_weight_decay_compares_torch_sgd_with_the_courses_objective():
    assert "3" in repr(checks.check_equivalent_weight_decay(3.0, sgd_weights(SMALL, 3.0), SMALL))
    fails_with(checks.check_equivalent_weight_decay, 1.5, sgd_weights(SMALL, 1.5), SMALL, hint="1/2, so it cancels")
    fails_with(checks.check_equivalent_weight_decay, 1200, sgd_weights(SMALL, 3.0), SMALL, hint="divides by m")
    # the right λ, but the weights come from a different objective: the comparison must catch each
    fails_with(checks.check_equivalent_weight_decay, 3.0, sgd_weights(SMALL, 3.0, bias_decay=3.0), SMALL,
               hint="the bias was decayed too")
    fails_with(checks.check_equivalent_weight_decay, 3.0, sgd_weights(SMALL, 60.0, lr=0.01, num_steps=2000), SMALL,
               hint="you passed λ' itself")
    fails_with(checks.check_equivalent_weight_decay, 3.0, sgd_weights(SMALL, 3.0, num_steps=5), SMALL,
               hint="train full batch until the weights stop moving")
    # the circular answer of the old exercise (reglab's own run, trained far from convergence) does not pass
    reglab_run = train.train_linear_regression(SMALL, weight_decay=3.0, num_epochs=3)
    fails_with(checks.check_equivalent_weight_decay, 3.0, reglab_run.w, SMALL, hint="SGD")


def full_batch_loop(X, y, weight_decay, lr, num_steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(num_steps):
        residual = X @ w + b - y
        w = (1 - lr * weight_decay) * w - lr * X.T @ residual / n
        b = b - lr * residual.mean()
    return w, b


@pytest.mark.filterwarnings("ignore:overflow", "ignore:invalid value")
def test_training_loop_is_compared_with_reglabs_trainer():
    assert "matches train.train_linear_regression" in repr(checks.check_training_loop(full_batch_loop))
    for mistake, hint in [(dict(decay_bias=True), "the bias is decayed too"), (dict(penalty_scale=2.0), "not 2 λ w"),
                          (dict(penalty_scale=0.5), "the 1/2 cancels"), (dict(mean=False), "instead of a mean")]:
        fails_with(checks.check_training_loop,
                   lambda X, y, weight_decay, lr, num_steps, kw=mistake: checks._full_batch_variant(
                       X, y, weight_decay, lr, num_steps, **kw), hint=hint)
    fails_with(checks.check_training_loop, lambda X, y, weight_decay, lr, num_steps: full_batch_loop(
        X, y, weight_decay, lr, num_steps)[0], hint="a pair (w, b)")
    fails_with(checks.check_training_loop, lambda X, y, weight_decay, lr, num_steps: full_batch_loop(
        X, -y, weight_decay, lr, num_steps), hint="mean* half squared error")


def test_optimizer_that_decays_the_bias():
    assert checks.check_optimizer_decays_bias(lambda w, b, lr, weight_decay: torch.optim.SGD(
        [w, b], lr=lr, weight_decay=weight_decay))

    def bias_spared(w, b, lr, weight_decay):
        return torch.optim.SGD([{"params": [w], "weight_decay": weight_decay}, {"params": [b]}], lr=lr)

    fails_with(checks.check_optimizer_decays_bias, bias_spared, hint="the bias")
    fails_with(checks.check_optimizer_decays_bias, lambda w, b, lr, weight_decay: lr, hint="a torch.optim optimizer")


def test_soft_threshold():
    assert checks.check_soft_threshold(lambda v, t: np.sign(v) * np.maximum(np.abs(v) - t, 0))
    fails_with(checks.check_soft_threshold, lambda v, t: v - t * np.sign(v), hint="subgradient step")
    fails_with(checks.check_soft_threshold, lambda v, t: np.where(np.abs(v) > t, v, 0.0), hint="hard thresholding")


def sweep_with(**curves):
    return SimpleNamespace(**{name: np.asarray(values, dtype=float)[:, None] for name, values in curves.items()})


def test_lambda_chosen_on_test():
    lambdas = np.array([0.0, 0.1, 1.0, 10.0])
    sweep = sweep_with(train_loss=[0.1, 0.2, 0.5, 2.0], val_loss=[2.0, 1.0, 1.5, 3.0], test_loss=[2.0, 1.2, 1.1, 3.0])
    assert "0.1000" in repr(checks.check_lambda_chosen_on_test(1.0, lambdas, sweep))
    fails_with(checks.check_lambda_chosen_on_test, 0.1, lambdas, sweep, hint="honest choice")
    fails_with(checks.check_lambda_chosen_on_test, 0.0, lambdas, sweep, hint="training loss")
    fails_with(checks.check_lambda_chosen_on_test, 0.5, lambdas, sweep, hint="not one of the values tried")


def test_best_setting_of_a_classifier_sweep():
    values = np.array([0.0, 0.01, 0.1])
    sweep = sweep_with(train_acc=[1.0, 0.95, 0.8], val_acc=[0.8, 0.9, 0.85], test_acc=[0.8, 0.84, 0.86])
    assert checks.check_best_setting(0.01, values, sweep, exercise="Exercise 5")
    fails_with(checks.check_best_setting, 0.0, values, sweep, exercise="Exercise 5", hint="*training* data")
    fails_with(checks.check_best_setting, 0.1, values, sweep, exercise="Exercise 5", hint="final value")
    with pytest.raises(ValueError, match="never on test data"):
        checks.check_best_setting(0.1, values, sweep, exercise="Exercise 5", metric="test_acc")


def test_lambda_chosen_on_validation_over_seeds():
    values = np.array([0.0, 0.001, 0.01, 0.1])
    # per seed: training favours λ = 0, test favours 0.01, mean validation favours 0.001 (seed 0 alone: 0.1)
    seeds = [sweep_with(train_acc=[1.0, 0.9, 0.85, 0.7], val_acc=[0.80, 0.90, 0.85, 0.91 if k == 0 else 0.7],
                        test_acc=[0.80, 0.86, 0.90, 0.70]) for k in range(5)]
    shown = repr(checks.check_lambda_chosen_on_validation(0.001, values, seeds))
    assert "86.0% ± 0.0%" in shown and "80.0%" in shown
    fails_with(checks.check_lambda_chosen_on_validation, 0.01, values, seeds, hint="*test* split")
    fails_with(checks.check_lambda_chosen_on_validation, 0.0, values, seeds, hint="*training* data")
    fails_with(checks.check_lambda_chosen_on_validation, 0.1, values, seeds, hint="first seed alone")
    fails_with(checks.check_lambda_chosen_on_validation, 0.001, values, seeds[:3], hint="seed-to-seed spread")


# Chapter 3

def test_dropout_variance():
    values = dropout.bernoulli_mask(200_000, 0.3, rng=np.random.default_rng(4)) * 2.0 / 0.7
    assert checks.check_dropout_variance(formula=0.3 / 0.7 * 4, monte_carlo=values.var())
    fails_with(checks.check_dropout_variance, 0.3 * 0.7 * 4, values.var(), hint="squares in the variance")
    fails_with(checks.check_dropout_variance, 0.3 / 0.7 * 2, values.var(), hint="h enters the variance squared")
    unscaled = dropout.bernoulli_mask(200_000, 0.3, rng=np.random.default_rng(4)) * 2.0
    fails_with(checks.check_dropout_variance, 0.3 / 0.7 * 4, unscaled.var(), hint="scale the kept values by 1/(1-p)")


def test_forward_with_keep_prob():
    def right(X, params, keep_prob, masks):
        A1 = np.maximum(X @ params["W1"] + params["b1"], 0) * masks[0] / keep_prob[0]
        A2 = np.maximum(A1 @ params["W2"] + params["b2"], 0) * masks[1] / keep_prob[1]
        return 1 / (1 + np.exp(-(A2 @ params["W3"] + params["b3"])[:, 0]))

    assert checks.check_forward_keep_prob(right)
    fails_with(checks.check_forward_keep_prob, lambda X, params, keep, masks: three_layer_net.forward(X, params)["A3"],
               hint="masks are not applied")
    fails_with(checks.check_forward_keep_prob,
               lambda X, params, keep, masks: right(X, params, (1 / keep[0], 1 / keep[1]), masks),
               hint="divide by that layer's keep_prob")


def test_train_mode_scores():
    scores = 0.89 + 0.01 * np.random.default_rng(0).standard_normal(20)
    assert checks.check_train_mode_scores(scores, 0.97)
    fails_with(checks.check_train_mode_scores, [0.9] * 20, 0.97, hint="different seed")
    fails_with(checks.check_train_mode_scores, scores[:5], 0.97, hint="one accuracy per seed")
    fails_with(checks.check_train_mode_scores, scores, 0.85, hint="model.eval()")


def test_uncertain_error_rates():
    rng = np.random.default_rng(0)
    samples = rng.random((50, 400))
    y = rng.random(400) > 0.5
    wrong = (samples.mean(axis=0) > 0.5) != y
    order = np.argsort(samples.std(axis=0))
    assert checks.check_uncertain_error_rates(wrong[order[-200:]].mean(), wrong.mean(), samples, y)
    fails_with(checks.check_uncertain_error_rates, wrong[order[:200]].mean() + 0.0, wrong.mean(), samples, y,
               hint="least* uncertain")
    fails_with(checks.check_uncertain_error_rates, 0.5, 1 - wrong.mean(), samples, y, hint="other side of 0.5")


# Chapter 4

def test_two_sided():
    def right(f, theta, eps):
        out = np.zeros_like(theta)
        for i in range(theta.size):
            step = np.zeros_like(theta)
            step[i] = eps
            out[i] = (f(theta + step) - f(theta - step)) / (2 * eps)
        return out

    def one_sided(f, theta, eps):
        return np.array([(f(theta + eps * e) - f(theta)) / eps for e in np.eye(theta.size)])

    def in_place(f, theta, eps):
        out = right(f, theta.copy(), eps)
        theta += eps
        return out

    assert checks.check_two_sided(right)
    fails_with(checks.check_two_sided, one_sided, hint="one-sided difference")
    fails_with(checks.check_two_sided, lambda f, t, eps: 2 * right(f, t, eps), hint="denominator is 2ε")
    fails_with(checks.check_two_sided, in_place, hint="must not change")


def per_tensor_errors(loss, params, gradient, eps=1e-7, one_sided=False, denominator=2, restore=True, copy=True):
    """The student's loop of Exercise 4.2, with switches for its usual mistakes."""
    analytic = gradient(params)
    errors = {}
    for name, value in params.items():
        shifted = {k: v.copy() for k, v in params.items()} if copy else dict(params)
        numerical = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            old = shifted[name][index]
            shifted[name][index] = old + eps
            plus = loss(shifted)
            shifted[name][index] = old if one_sided else old - eps
            minus = loss(shifted)
            numerical[index] = (plus - minus) / (eps if one_sided else denominator * eps)
            if restore:
                shifted[name][index] = old
        errors[name] = np.linalg.norm(analytic["d" + name] - numerical) / (
            np.linalg.norm(analytic["d" + name]) + np.linalg.norm(numerical))
    return errors


def test_per_tensor_errors():
    assert "Exercise 2" in repr(checks.check_per_tensor_errors(per_tensor_errors))
    fails_with(checks.check_per_tensor_errors, lambda *a: per_tensor_errors(*a, one_sided=True),
               hint="one-sided difference")
    fails_with(checks.check_per_tensor_errors, lambda *a: per_tensor_errors(*a, denominator=1),
               hint="denominator is 2ε")
    fails_with(checks.check_per_tensor_errors, lambda *a: per_tensor_errors(*a, copy=False, restore=False),
               hint="dict(params) copies the dict")
    fails_with(checks.check_per_tensor_errors, lambda *a: per_tensor_errors(*a, restore=False),
               hint="restore each entry")
    fails_with(checks.check_per_tensor_errors, lambda *a: sum(per_tensor_errors(*a).values()), hint="a dict")
    one_for_all = lambda *a: dict.fromkeys(per_tensor_errors(*a), max(per_tensor_errors(*a).values()))  # noqa: E731
    fails_with(checks.check_per_tensor_errors, one_for_all, hint="one relative error per tensor")


def test_mystery_suspects():
    mystery = planted_bugs.MysteryBackward(seed=7)
    affected = mystery.reveal().affected
    assert mystery.reveal().name in repr(checks.check_mystery_suspects(list(reversed(affected)), mystery))
    fails_with(checks.check_mystery_suspects, affected + ["W1"], mystery, hint="keep only the tensors the report flags")
    broad = planted_bugs.MysteryBackward(seed=next(s for s in range(50) if len(
        planted_bugs.MysteryBackward(seed=s).reveal().affected) > 1))
    fails_with(checks.check_mystery_suspects, broad.reveal().affected[:1], broad, hint="missing")


def test_best_eps():
    eps = np.logspace(-1, -11, 11)
    errors = np.abs(np.log10(eps) + 5) + 1e-10  # smallest at 1e-5
    assert "1e-05" in repr(checks.check_best_eps(1e-5, eps, errors))
    fails_with(checks.check_best_eps, 1e-1, eps, errors, hint="np.argmin")
    fails_with(checks.check_best_eps, 1e-11, eps, -errors, hint="float32")


def test_float32_errors():
    assert checks.check_float32_errors(0.14, 2.9e-4)
    fails_with(checks.check_float32_errors, 2e-9, 2e-9, hint="astype(np.float32)")
    fails_with(checks.check_float32_errors, 0.14, 0.2, hint="eps=1e-4")


def test_cost_of_checking():
    assert checks.check_cost_of_checking(2_000_000, 2e6 * 0.01 / 3600, 1.5)
    assert checks.check_cost_of_checking(2e6, 5.56, 1)
    fails_with(checks.check_cost_of_checking, 1e6, 2.78, 1.5, hint="twice per parameter")
    fails_with(checks.check_cost_of_checking, 2e6, 5.56 * 60, 1.5, hint="3600 s per hour")
    fails_with(checks.check_cost_of_checking, 2e6, 5.56, 3, hint="two forward passes")


def test_kink_free():
    assert checks.check_kink_free(3e-9)
    fails_with(checks.check_kink_free, 2e-4, hint="remove example i")
    fails_with(checks.check_kink_free, 0.0, hint="same gradient")
    fails_with(checks.check_kink_free, 1e-16, hint="same gradient")


def test_checks_import_only_computing_modules():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(checks))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not imported & {"plotting", "widgets", "scrubbers", "matplotlib", "ipywidgets"}, imported
