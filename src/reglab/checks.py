"""Check-your-answer helpers for the chapters' coding exercises, with messages that teach.

Each `check_*` runs the reader's answer on a few cases. A right answer returns a `Passed` note that says what
was verified; a wrong one raises `NotYet`, whose message names the failing case, what was expected, what came
back, and a hint aimed at the usual mistake.
"""

from __future__ import annotations

import math

import numpy as np

from reglab import gradcheck, norms, three_layer_net, train

__all__ = ["NotYet", "Passed", "check_best_eps", "check_best_setting", "check_cost_of_checking", "check_decay_factor",
           "check_dense_l1_centre", "check_dropout_variance", "check_equivalent_weight_decay", "check_float32_errors",
           "check_forward_keep_prob", "check_frobenius_three_ways", "check_kink_free", "check_lambda_chosen_on_test",
           "check_mystery_suspects", "check_norms_by_hand", "check_norms_over_p", "check_optimizer_decays_bias",
           "check_soft_threshold", "check_train_mode_scores", "check_two_sided", "check_uncertain_error_rates"]


class NotYet(AssertionError):
    """An answer that does not pass yet: the message says which case failed, what was expected, and a hint."""

    def _render_traceback_(self):
        # IPython shows this instead of a traceback into reglab: the reader needs the lesson, not our stack.
        return ["✗ Not yet. " + str(self).replace("\n", "\n  ")]


class Passed:
    """The note a passing check returns; shown as one line in a notebook."""

    def __init__(self, exercise: str, detail: str):
        self.exercise, self.detail = exercise, detail

    def __repr__(self) -> str:
        return f"✓ {self.exercise}: correct. {self.detail}"


def _not_yet(case: str, expected, got, hint: str):
    raise NotYet(f"{case}\n  expected: {expected}\n  got:      {got}\n  hint: {hint}")


def _answered(value, name: str):
    if value is None or value is Ellipsis:
        raise NotYet(f"{name} has no answer yet: replace the `...` with your code, then run this check again.")
    return value


def _number(value, name: str) -> float:
    _answered(value, name)
    try:
        value = float(np.asarray(value).item() if hasattr(value, "shape") else value)
    except (TypeError, ValueError):
        raise NotYet(f"{name} should be one number; got {value!r} of type {type(value).__name__}.") from None
    if not math.isfinite(value):
        raise NotYet(f"{name} is {value}; a finite number is expected.")
    return value


def _close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _array(value, name: str, shape=None) -> np.ndarray:
    _answered(value, name)
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        out = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise NotYet(f"{name} should be an array of numbers; got {type(value).__name__}.") from None
    if shape is not None and out.shape != tuple(shape):
        raise NotYet(f"{name} has shape {out.shape}; expected shape {tuple(shape)}.")
    return out


def _call(fn, name: str, *args, **kwargs):
    if not callable(_answered(fn, name)):
        raise NotYet(f"{name} should be a function; got {type(fn).__name__}. Pass the function itself, without ().")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotYet(f"{name} still raises NotImplementedError: write its body first.") from None


# ---------------------------------------------------------------- Chapter 1, Norms

def check_norms_by_hand(l1, l2, linf) -> Passed:
    """Exercise 1.1: the L1, L2 and L-infinity norms of x = (1, -2, 2) worked out by hand."""
    l1, l2, linf = _number(l1, "l1"), _number(l2, "l2"), _number(linf, "linf")
    if not _close(l1, 5):
        hint = ("1 - 2 + 2 = 1 adds the signed entries; a norm adds their absolute values." if _close(l1, 1)
                else "add the absolute values |1| + |-2| + |2|.")
        _not_yet("||x||_1 for x = (1, -2, 2)", 5, l1, hint)
    if not _close(l2, 3):
        hint = ("9 is the squared norm: take the square root." if _close(l2, 9)
                else "square, add, then take the square root: sqrt(1 + 4 + 4).")
        _not_yet("||x||_2 for x = (1, -2, 2)", 3, l2, hint)
    if not _close(linf, 2):
        hint = ("the largest entry in absolute value counts once; it is not a sum." if _close(linf, 4)
                else "||x||_inf is max_i |x_i|; -2 and 2 both have absolute value 2.")
        _not_yet("||x||_inf for x = (1, -2, 2)", 2, linf, hint)
    return Passed("Exercise 1", "5 ≥ 3 ≥ 2: the norm never grows with p (Exercise 2 shows why).")


def check_norms_over_p(norms_over_p) -> Passed:
    """Exercise 1.2: norms_over_p(vectors, ps) -> array (num_vectors, num_ps) of ||x||_p."""
    cases = [
        ("one vector, p = 1, 2, 3", np.array([[3.0, -4.0, 0.5]]), np.array([1.0, 2.0, 3.0])),
        ("negative entries only", np.array([[-1.0, -2.0], [-0.5, -0.5]]), np.array([1.0, 1.5])),
        ("large p on entries above 1", np.array([[2.0, 3.0, -1.0]]), np.array([10.0, 20.0])),
    ]
    for case, vectors, ps in cases:
        got = _array(_call(norms_over_p, "norms_over_p", vectors.copy(), ps.copy()), "the result",
                     shape=(len(vectors), len(ps)))
        expected = np.array([[float(norms.lp_norm(v, p)) for p in ps] for v in vectors])
        if not _close(got, expected):
            hint = "take |x_i| before raising to the power p: odd powers keep the sign otherwise."
            if _close(got, expected ** ps):
                hint = "you returned sum |x_i|^p; the norm is its p-th root, (sum |x_i|^p)^(1/p)."
            _not_yet(f"case '{case}': vectors={vectors.tolist()}, ps={ps.tolist()}", np.round(expected, 6).tolist(),
                     np.round(got, 6).tolist(), hint)
    return Passed("Exercise 2", "row by row your values match reglab.norms.lp_norm; now confirm they never increase.")


def check_frobenius_three_ways(frobenius_three_ways) -> Passed:
    """Exercise 1.4: frobenius_three_ways(W) -> (sum of squares, trace of W^T W, sum of squared singular values)."""
    rng = np.random.default_rng(0)
    for case, W in [("a 5 × 3 matrix", rng.standard_normal((5, 3))), ("a 2 × 4 matrix", rng.standard_normal((2, 4))),
                    ("a 1 × 1 matrix [[-3]]", np.array([[-3.0]]))]:
        got = _array(_call(frobenius_three_ways, "frobenius_three_ways", W.copy()), "the result", shape=(3,))
        expected = float(norms.frobenius_norm(W)) ** 2
        for value, what in zip(got, ("the sum of squares", "the trace of W^T W", "the sum of squared singular values")):
            if not _close(value, expected):
                hint = ("that is ||W||_F itself; the identity is about its square." if _close(value, math.sqrt(expected))
                        else "square the singular values before adding them." if what.endswith("values")
                        else "tr(W^T W) adds the diagonal of W^T W: np.trace(W.T @ W).")
                _not_yet(f"{what} for {case}", round(expected, 8), round(float(value), 8), hint)
    return Passed("Exercise 4", "all three agree on every shape, so ||W||_F^2 = tr(W^T W) = Σ s_k^2.")


def check_dense_l1_centre(c) -> Passed:
    """Exercise 1.5: a loss centre whose L1-constrained minimum (H = I, radius 1) has both coordinates non-zero."""
    c = _array(c, "c", shape=(2,))
    if np.abs(c).sum() <= 1:
        _not_yet(f"centre c = {c.tolist()}", "a centre outside the diamond, |c1| + |c2| > 1", np.abs(c).sum(),
                 "inside the ball the constraint does nothing: the minimum is c itself. Move c further out.")
    w = norms.constrained_minimum(c, p=1, radius=1.0)
    if norms.l0_count(w, tol=1e-6) < 2:
        _not_yet(f"centre c = {c.tolist()}", "a constrained minimum with two non-zero coordinates",
                 f"w = {np.round(w, 5).tolist()} (a corner)",
                 "centres far from the diagonal see a corner first; bring the coordinates closer, |c1 - c2| < 1.")
    return Passed("Exercise 5", f"w = {np.round(w, 4).tolist()} lies on an edge of the diamond, not at a corner.")


# ---------------------------------------------------------------- Chapter 2, Weight decay

def check_decay_factor(factor, lr=0.003, weight_decay=3.0, num_steps=400) -> Passed:
    """Exercise 2.1: the factor (1 - ηλ)^steps by which decay alone shrinks a weight."""
    factor = _number(factor, "factor")
    expected = (1 - lr * weight_decay) ** num_steps
    if not _close(factor, expected, rtol=1e-4):
        hint = "every minibatch step multiplies the weights by (1 - ηλ): compound it over all steps."
        if _close(factor, (1 - lr * weight_decay) ** (num_steps // 4), rtol=1e-4):
            hint = "100 epochs of 4 minibatches each make 400 steps, not 100."
        elif _close(factor, 1 - lr * weight_decay * num_steps, rtol=1e-4):
            hint = "the shrinking compounds: multiply the factors (1 - ηλ) together rather than adding the decrements."
        _not_yet(f"η = {lr}, λ = {weight_decay}, {num_steps} steps", round(expected, 6), round(factor, 6), hint)
    return Passed("Exercise 1", f"(1 - {lr} · {weight_decay})^{num_steps} = {expected:.4f}.")


def _course_minimiser(X, y, lambda_prime, decay_bias=False):
    """argmin of (1/m) Σ ½ r_i² + λ'/(2m) (||w||² [+ b²]) by its normal equations, written independently of reglab."""
    if decay_bias:
        Xa = np.column_stack([X, np.ones(len(X))])
        wb = np.linalg.solve(Xa.T @ Xa + lambda_prime * np.eye(Xa.shape[1]), Xa.T @ y)
        return wb[:-1]
    Xc, yc = X - X.mean(0), y - y.mean()
    return np.linalg.solve(Xc.T @ Xc + lambda_prime * np.eye(X.shape[1]), Xc.T @ yc)


def check_equivalent_weight_decay(weight_decay, w_torch, data, lambda_prime=60.0) -> Passed:
    """Exercise 2.2: the λ equivalent to the λ'/2m convention, and torch.optim.SGD(weight_decay=λ) trained with it."""
    weight_decay = _number(weight_decay, "weight_decay")
    X, y = np.asarray(data.train.X, dtype=float), np.asarray(data.train.y, dtype=float)
    m = len(y)
    expected = lambda_prime / m
    if not _close(weight_decay, expected):
        hint = "match the two penalties term by term: λ/2 ||w||² = λ'/(2m) ||w||²."
        if _close(weight_decay, lambda_prime / (2 * m)):
            hint = "both conventions already carry the 1/2, so it cancels: λ = λ'/m."
        elif _close(weight_decay, lambda_prime * m):
            hint = "the course divides by m; so must you."
        _not_yet(f"λ' = {lambda_prime}, m = {m}", expected, weight_decay, hint)
    w_torch = _array(w_torch, "w_torch", shape=(X.shape[1],))
    target = _course_minimiser(X, y, lambda_prime)   # the course's own objective, not reglab's trainer
    gap = float(np.abs(w_torch - target).max() / np.abs(target).max())
    if gap > 1e-4:
        hint = ("train full batch until the weights stop moving (e.g. lr = 0.05 for 1000 steps), with "
                "torch.optim.SGD(..., weight_decay=weight_decay) doing the decay.")
        if _close(w_torch, _course_minimiser(X, y, lambda_prime, decay_bias=True), rtol=1e-3, atol=1e-6):
            hint = "the bias was decayed too: give it its own parameter group with weight_decay=0."
        elif _close(w_torch, _course_minimiser(X, y, lambda_prime / 2), rtol=1e-3, atol=1e-6):
            hint = "those weights come from weight_decay = λ'/(2m): SGD's weight_decay=λ already stands for λ/2 ||w||²."
        elif _close(w_torch, _course_minimiser(X, y, lambda_prime * m), rtol=1e-3, atol=1e-6):
            hint = "you passed λ' itself to SGD; it expects the converted λ = λ'/m."
        _not_yet("your SGD weights against the minimiser of the course's J", "largest relative gap below 1e-4",
                 f"{gap:.2e}", hint)
    return Passed("Exercise 2", f"λ = λ'/m = {expected:g}, and torch.optim.SGD with it minimises the course's J "
                                f"(largest relative gap {gap:.0e}).")


def _full_batch_variant(X, y, weight_decay, lr, num_steps, decay_bias=False, penalty_scale=1.0, mean=True):
    """Full-batch gradient descent from zero, with one of the usual mistakes switched on (for the hints)."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(num_steps):
        residual = X @ w + b - y
        grad_w = X.T @ residual / (n if mean else 1)
        grad_b = residual.sum() / (n if mean else 1)
        w = w - lr * (grad_w + penalty_scale * weight_decay * w)
        b = b - lr * (grad_b + (weight_decay * b if decay_bias else 0.0))
    return w, b


def check_training_loop(train_weight_decay) -> Passed:
    """Exercise 2.7: train_weight_decay(X, y, weight_decay, lr, num_steps) -> (w, b), full batch, from zero."""
    from reglab import data as datasets

    cases = [("20 examples, 200 features, λ = 3", datasets.make_high_dim_regression(seed=0), 3.0, 0.05, 300),
             ("50 examples, 5 features, λ = 0.5", datasets.make_high_dim_regression(
                 num_train=50, num_features=5, true_w=0.5, true_b=2.0, noise=0.1, seed=1), 0.5, 0.1, 200),
             ("50 examples, 5 features, λ = 0", datasets.make_high_dim_regression(
                 num_train=50, num_features=5, true_w=0.5, true_b=2.0, noise=0.1, seed=1), 0.0, 0.1, 50)]
    for case, dataset, lam, lr, steps in cases:
        X, y = dataset.train.X, dataset.train.y
        got = _call(train_weight_decay, "train_weight_decay", X.copy(), y.copy(), weight_decay=lam, lr=lr,
                    num_steps=steps)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            _not_yet(f"case '{case}': what the function returns", "a pair (w, b)", type(got).__name__,
                     "end with `return w, b`.")
        w = _array(got[0], "w", shape=(X.shape[1],))
        if not (np.isfinite(w).all() and np.isfinite(np.asarray(got[1], dtype=float)).all()):
            _not_yet(f"case '{case}' (lr = {lr}, {steps} steps)", "finite weights", "inf or NaN",
                     "training diverged: a sum over examples instead of a mean makes every step n times too large.")
        b = _number(got[1], "b")
        ours = train.train_linear_regression(dataset, weight_decay=lam, lr=lr, num_epochs=steps,
                                             batch_size=len(y), init_scale=0.0)
        if not (_close(w, ours.w, rtol=1e-8, atol=1e-10) and _close(b, ours.b, rtol=1e-8, atol=1e-10)):
            hint = ("each step: w ← (1 - lr λ) w - lr ∇_w L and b ← b - lr ∇_b L, with ∇L the gradient of the "
                    "*mean* half squared error, starting from w = 0, b = 0.")
            variants = [(dict(decay_bias=True), "the bias is decayed too: only w gets the (1 - lr λ) factor."),
                        (dict(penalty_scale=2.0), "the penalty λ/2 ||w||² has gradient λ w, not 2 λ w."),
                        (dict(penalty_scale=0.5), "the penalty λ/2 ||w||² has gradient λ w: the 1/2 cancels "
                                                  "against the square."),
                        (dict(mean=False), "divide the data gradient by the number of examples: L is a mean.")]
            for kwargs, text in variants:
                vw, vb = _full_batch_variant(X, y, lam, lr, steps, **kwargs)
                if _close(w, vw, rtol=1e-6, atol=1e-9) and _close(b, vb, rtol=1e-6, atol=1e-9):
                    hint = text
                    break
            _not_yet(f"case '{case}' (lr = {lr}, {steps} steps): compared with reglab's trainer",
                     f"w[:3] = {np.round(ours.w[:3], 6).tolist()}, b = {ours.b:.6f}",
                     f"w[:3] = {np.round(w[:3], 6).tolist()}, b = {b:.6f}", hint)
    return Passed("Exercise 7", "your loop matches train.train_linear_regression step for step, "
                                "with the bias left undecayed.")


def check_optimizer_decays_bias(make_optimizer) -> Passed:
    """Exercise 2.3: make_optimizer(weights, bias, lr, weight_decay) -> SGD that decays the bias too."""
    import torch

    w = torch.ones(3, dtype=torch.float64, requires_grad=True)
    b = torch.ones((), dtype=torch.float64, requires_grad=True)
    opt = _call(make_optimizer, "make_optimizer", w, b, lr=0.1, weight_decay=2.0)
    if not isinstance(opt, torch.optim.Optimizer):
        _not_yet("make_optimizer(w, b, lr=0.1, weight_decay=2.0)", "a torch.optim optimizer", type(opt).__name__,
                 "return the optimizer object, e.g. torch.optim.SGD([...], lr=lr).")
    w.grad, b.grad = torch.zeros_like(w), torch.zeros_like(b)
    opt.step()  # zero data gradient: only the decay moves the parameters, each by the factor 1 - ηλ = 0.8
    for name, tensor in (("the weights", w), ("the bias", b)):
        got = tensor.detach().flatten()[0].item()
        if not math.isclose(got, 0.8, rel_tol=1e-9):
            hint = ("this one is not decayed: put it in a parameter group with weight_decay=weight_decay."
                    if math.isclose(got, 1.0) else "use plain SGD with the given lr and weight_decay.")
            _not_yet(f"one step with zero gradient, lr = 0.1, λ = 2: {name}", "1 → 0.8 (factor 1 - ηλ)", got, hint)
    return Passed("Exercise 3", "weights and bias both shrink by 1 - ηλ, so the bias is now pulled to zero too.")


def check_soft_threshold(soft_threshold) -> Passed:
    """Exercise 2.5: soft_threshold(v, threshold) written from scratch."""
    cases = [("the exercise's vector, threshold 0.5", np.array([-2.0, -0.5, 0.0, 0.3, 1.5]), 0.5),
             ("threshold 0 changes nothing", np.array([-1.0, 0.25, 3.0]), 0.0),
             ("every entry below the threshold", np.array([0.2, -0.1, 0.05]), 1.0)]
    for case, v, t in cases:
        got = _array(_call(soft_threshold, "soft_threshold", v.copy(), t), "the result", shape=v.shape)
        expected = train.soft_threshold(v, t)
        if not _close(got, expected, atol=1e-12):
            hint = "shrink every entry towards 0 by the threshold and stop at 0: sign(v) · max(|v| - t, 0)."
            if _close(got, v - t * np.sign(v)):
                hint = ("that is the subgradient step: small entries overshoot zero and change sign. "
                        "Clip at zero with max(|v| - t, 0).")
            elif _close(got, np.where(np.abs(v) > t, v, 0.0)):
                hint = "that is hard thresholding: the surviving entries must shrink by t as well."
            _not_yet(f"case '{case}': v = {v.tolist()}, t = {t}", expected.tolist(), got.tolist(), hint)
    return Passed("Exercise 5", "entries with |v| ≤ t become exactly 0; the others move t closer to 0.")


def _index_in(choice, values, name):
    values = np.asarray(values, dtype=float)
    choice = _number(choice, name)
    matches = np.flatnonzero(np.isclose(values, choice, rtol=1e-9, atol=0))
    if not len(matches):
        raise NotYet(f"{name} = {choice:g} is not one of the values tried; pick one of {np.round(values, 4).tolist()}.")
    return int(matches[0])


def check_lambda_chosen_on_test(lambda_on_test, lambdas, sweep) -> Passed:
    """Exercise 2.4: the λ a dishonest choice on the test split would pick from a linear-regression sweep."""
    index = _index_in(lambda_on_test, lambdas, "lambda_on_test")
    test, val, tr = (np.asarray(c)[:, -1] for c in (sweep.test_loss, sweep.val_loss, sweep.train_loss))
    expected = int(np.argmin(test))
    if index != expected:
        hint = "pick the λ whose final *test* loss is smallest."
        if index == int(np.argmin(val)):
            hint = "that is the honest choice on the validation split (section 5); this exercise asks you to peek at test."
        elif index == int(np.argmin(tr)):
            hint = "that minimises the training loss, which always favours the smallest λ."
        _not_yet("the λ with the smallest final test loss", f"{lambdas[expected]:.4g}", f"{lambdas[index]:.4g}", hint)
    gain = test[int(np.argmin(val))] - test[expected]
    return Passed("Exercise 4", f"peeking at test lowers the reported loss by {gain:.4f}: an optimistic, biased number.")


def check_best_setting(best, values, sweep, exercise, metric="val_acc") -> Passed:
    """The setting with the best final validation metric in a classifier sweep (Exercise 3.5): never a test metric."""
    if metric not in ("val_acc", "val_loss"):
        raise ValueError(f"metric must be 'val_acc' or 'val_loss' (settings are chosen on validation data, never on "
                         f"test data); got {metric!r}")
    index = _index_in(best, values, "best")
    curves = np.asarray(getattr(sweep, metric))[:, -1]
    expected = int(np.argmax(curves)) if metric.endswith("acc") else int(np.argmin(curves))
    if curves[index] != curves[expected]:
        hint = f"look at the final value (the last step) of sweep.{metric} for each setting."
        train_metric = metric.replace("val", "train")
        if hasattr(sweep, train_metric) and index == int(np.argmax(np.asarray(getattr(sweep, train_metric))[:, -1])):
            hint = "that setting is best on the *training* data, where the least regularised model always wins."
        _not_yet(f"the setting with the best final {metric}", f"{values[expected]:.4g} ({curves[expected]:.3f})",
                 f"{values[index]:.4g} ({curves[index]:.3f})", hint)
    return Passed(exercise, f"{values[expected]:.4g} gives the best final {metric.replace('_', ' ')}, "
                            f"{curves[expected]:.3f}.")


def check_lambda_chosen_on_validation(best_lambda, values, sweeps) -> Passed:
    """Exercise 2.6: the λ with the best final validation accuracy averaged over the seeds of several sweeps."""
    sweeps = list(_answered(sweeps, "sweeps"))
    if len(sweeps) < 5:
        _not_yet("the number of seeds", "at least 5 sweeps (one per seed)", len(sweeps),
                 "a difference smaller than the seed-to-seed spread is not a finding: train with seeds 0 to 4.")
    index = _index_in(best_lambda, values, "best_lambda")
    final = {name: np.array([np.asarray(getattr(s, name))[:, -1] for s in sweeps])
             for name in ("train_acc", "val_acc", "test_acc")}
    expected = int(np.argmax(final["val_acc"].mean(0)))
    if final["val_acc"].mean(0)[index] != final["val_acc"].mean(0)[expected]:
        hint = "average the final validation accuracy over the seeds, then take the λ where that mean is largest."
        if index == int(np.argmax(final["test_acc"].mean(0))):
            hint = "that λ is best on the *test* split: choosing with it makes the reported number optimistic."
        elif index == int(np.argmax(final["train_acc"].mean(0))):
            hint = "that λ is best on the *training* data, where the least regularised model always wins."
        elif index == int(np.argmax(final["val_acc"][0])):
            hint = "that is the best λ for the first seed alone: average over all the seeds."
        _not_yet("the λ with the best mean final validation accuracy", f"{values[expected]:.4g}",
                 f"{values[index]:.4g}", hint)
    test = final["test_acc"]
    return Passed("Exercise 6", f"λ = {values[expected]:.3g}: test accuracy {test[:, expected].mean():.1%} ± "
                                f"{test[:, expected].std():.1%} against {test[:, 0].mean():.1%} ± "
                                f"{test[:, 0].std():.1%} at λ = {values[0]:g} over {len(sweeps)} seeds.")


# ---------------------------------------------------------------- Chapter 3, Dropout

def check_dropout_variance(formula, monte_carlo, h=2.0, drop_rate=0.3, num_samples=200_000) -> Passed:
    """Exercise 3.1: Var[m h / (1-p)] by formula and by Monte-Carlo."""
    formula, monte_carlo = _number(formula, "formula"), _number(monte_carlo, "monte_carlo")
    p = drop_rate
    expected = p / (1 - p) * h ** 2
    if not _close(formula, expected):
        hint = "Var[m] = p(1-p) for m ~ Bernoulli(1-p); the factor h/(1-p) enters squared."
        if _close(formula, p * (1 - p) * h ** 2):
            hint = "that is Var[m h]; inverted dropout also divides by (1-p), which squares in the variance."
        elif _close(formula, p / (1 - p) * h):
            hint = "h enters the variance squared."
        _not_yet(f"the formula for h = {h}, p = {p}", round(expected, 6), round(formula, 6), hint)
    # 5 % is about 15 standard errors of a sample variance from 200,000 scaled Bernoulli draws
    if abs(monte_carlo - expected) > 0.05 * expected:
        _not_yet(f"the Monte-Carlo estimate from {num_samples:,} masks", f"{expected:.4f} ± 5 %",
                 round(monte_carlo, 6), "scale the kept values by 1/(1-p), and give bernoulli_mask the drop rate p, "
                 "not the keep probability.")
    return Passed("Exercise 1", f"Var = p/(1-p) h² = {expected:.4f}, and the simulation agrees.")


def check_forward_keep_prob(forward_keep_prob) -> Passed:
    """Exercise 3.2: the three-layer forward pass written with keep_prob, equal to net.forward."""
    rng = np.random.default_rng(1)
    params = three_layer_net.init_params((2, 20, 3, 1), seed=3)
    X = rng.standard_normal((7, 2))
    for keep in [(0.8, 0.8), (0.5, 0.9), (1.0, 1.0)]:
        masks = (rng.random((7, 20)) < keep[0], rng.random((7, 3)) < keep[1])
        got = _array(_call(forward_keep_prob, "forward_keep_prob", X, params, keep, masks), "the output", shape=(7,))
        expected = three_layer_net.forward(X, params, (1 - keep[0], 1 - keep[1]), masks=masks)["A3"]
        if not _close(got, expected):
            hint = "apply each mask after the ReLU and divide by that layer's keep_prob (inverted dropout)."
            plain = three_layer_net.forward(X, params, (0.0, 0.0))["A3"]
            if _close(got, plain) and keep != (1.0, 1.0):
                hint = "the masks are not applied: multiply A1 by masks[0] and A2 by masks[1]."
            _not_yet(f"keep_prob = {keep}", np.round(expected, 5).tolist(), np.round(got, 5).tolist(), hint)
    return Passed("Exercise 2", "keep_prob = 1 - p gives the same network as drop rates p, layer by layer.")


def check_train_mode_scores(scores, eval_accuracy) -> Passed:
    """Exercise 3.4: 20 test accuracies measured in training mode, compared with the eval-mode accuracy."""
    scores = _array(scores, "scores")
    eval_accuracy = _number(eval_accuracy, "eval_accuracy")
    if scores.ndim != 1 or len(scores) != 20:
        _not_yet("the number of training-mode measurements", 20, scores.shape, "collect one accuracy per seed 0..19.")
    if np.ptp(scores) == 0:
        _not_yet("the spread of the 20 scores", "different values (a fresh mask per measurement)", scores[0],
                 "call model.train() first and give tt.accuracy a different seed each time.")
    if not scores.mean() < eval_accuracy:
        _not_yet("the training-mode mean against the eval-mode accuracy", f"below {eval_accuracy:.4f}",
                 f"{scores.mean():.4f}", "eval_accuracy must come from model.eval(); the scores from model.train().")
    return Passed("Exercise 4", f"training mode: {scores.mean():.2%} ± {scores.std():.2%}, "
                                f"below eval mode's {eval_accuracy:.2%}.")


def check_uncertain_error_rates(uncertain, overall, samples, y, top=200) -> Passed:
    """Exercise 3.6: error rate among the `top` most uncertain points (MC-dropout std) and overall."""
    samples, y = np.asarray(samples), np.asarray(y)
    wrong = (samples.mean(axis=0) > 0.5) != y
    expected_overall = wrong.mean()
    expected_uncertain = wrong[np.argsort(samples.std(axis=0))[-top:]].mean()
    overall, uncertain = _number(overall, "overall"), _number(uncertain, "uncertain")
    if not _close(overall, expected_overall):
        _not_yet("the overall error rate", round(expected_overall, 4), round(overall, 4),
                 "a point is wrong when its MC-average probability is on the other side of 0.5 from its label.")
    if not _close(uncertain, expected_uncertain):
        hint = "sort the points by the standard deviation over the samples (axis 0) and keep the largest ones."
        if _close(uncertain, wrong[np.argsort(samples.std(axis=0))[:top]].mean()):
            hint = "those are the *least* uncertain points: take the end of np.argsort, not the start."
        _not_yet(f"the error rate among the {top} most uncertain points", round(expected_uncertain, 4),
                 round(uncertain, 4), hint)
    return Passed("Exercise 6", f"{expected_uncertain:.1%} wrong among the uncertain points against "
                                f"{expected_overall:.1%} overall: the spread flags the risky predictions.")


# ---------------------------------------------------------------- Chapter 4, Gradient checking

def check_two_sided(two_sided) -> Passed:
    """Exercise 4.1: two_sided(f, theta, eps) -> the central-difference gradient of f at theta."""
    cases = [("f(θ) = Σ θ_i³ at (0.5, -1, 2)", lambda t: float((t ** 3).sum()), lambda t: 3 * t ** 2,
              np.array([0.5, -1.0, 2.0])),
             ("f(θ) = sin(θ_1) θ_2 at (1, 3)", lambda t: float(np.sin(t[0]) * t[1]),
              lambda t: np.array([np.cos(t[0]) * t[1], np.sin(t[0])]), np.array([1.0, 3.0]))]
    eps = 1e-4  # large enough that a one-sided difference misses by O(ε) while a central one is within O(ε²)
    for case, f, df, theta in cases:
        before = theta.copy()
        got = _array(_call(two_sided, "two_sided", f, theta, eps), "the result", shape=theta.shape)
        if not np.array_equal(theta, before):
            _not_yet(f"case '{case}': θ after the call", before.tolist(), theta.tolist(),
                     "restore θ_i after each perturbation (or perturb a copy): the caller's θ must not change.")
        expected = df(before)
        if not _close(got, expected, rtol=1e-6, atol=1e-7):
            hint = "divide f(θ + ε e_i) - f(θ - ε e_i) by 2ε, one coordinate i at a time."
            one_sided = gradcheck.numerical_gradient(f, before, eps=eps, method="forward")
            if _close(got, one_sided, rtol=1e-9, atol=1e-12):
                hint = "that is the one-sided difference, with error O(ε); step both ways: (f(θ+ε) - f(θ-ε)) / 2ε."
            elif _close(got, 2 * expected, rtol=1e-5):
                hint = "the denominator is 2ε: the two points are 2ε apart."
            _not_yet(f"case '{case}', ε = {eps}", np.round(expected, 8).tolist(), np.round(got, 8).tolist(), hint)
    return Passed("Exercise 1", "your central differences match the exact gradients to O(ε²).")


def _smooth_problem():
    """A kink-free loss of two tensors with its exact gradient (keys 'd' + name), for Exercise 4.2."""
    params = {"a": np.array([0.3, -0.8, 1.1]), "B": np.array([[0.5, -1.2, 0.7], [0.2, 0.9, -0.4]])}

    def loss(p):
        a, B = p["a"], p["B"]  # coupled entries within each tensor, so a perturbation left in place shows
        return float(np.exp(a).sum() + a.sum() ** 2 / 2 + (np.sin(B) * B).sum() + np.log1p((B ** 2).sum())
                     + (B @ a).sum())

    def gradient(p):
        a, B = p["a"], p["B"]
        return {"da": np.exp(a) + a.sum() + B.sum(0),
                "dB": np.sin(B) + B * np.cos(B) + 2 * B / (1 + (B ** 2).sum()) + np.outer(np.ones(len(B)), a)}

    return params, loss, gradient


def _twin_errors(loss, params, gradient, eps, method="central") -> dict:
    grads = gradient(params)
    if method == "central":
        numerical = gradcheck.numerical_gradients(loss, params, eps)
    else:
        flat = gradcheck.params_to_vector(params)
        theta, spec = flat.theta, flat.spec
        numerical = gradcheck.vector_to_params(gradcheck.numerical_gradient(
            lambda t: loss(gradcheck.vector_to_params(t, spec)), theta, eps, method="forward"), spec)
    return {name: gradcheck.relative_error(grads["d" + name], numerical[name]) for name in params}


def check_per_tensor_errors(per_tensor_errors) -> Passed:
    """Exercise 4.2: per_tensor_errors(loss, params, gradient, eps) -> {name: relative error}, like reglab's twin."""
    params, loss, gradient = _smooth_problem()

    def doubled_dB(p):
        return dict(gradient(p), dB=2 * gradient(p)["dB"])

    eps = 1e-3  # large enough that a one-sided difference is off by O(ε) while a central one is within O(ε²)
    for case, grad in (("a correct gradient", gradient), ("a gradient whose dB is doubled", doubled_dB)):
        before = {name: value.copy() for name, value in params.items()}
        got = _call(per_tensor_errors, "per_tensor_errors", loss, params, grad, eps)
        if any(not np.array_equal(params[name], before[name]) for name in params):
            _not_yet(f"{case}: params after the call", "unchanged", "changed",
                     "perturb a copy of the array (dict(params) copies the dict, not the arrays), or put each "
                     "entry back to its old value before moving to the next.")
        if not isinstance(got, dict) or set(got) != set(params):
            _not_yet(f"{case}: what per_tensor_errors returns", f"a dict with one entry per tensor {sorted(params)}",
                     sorted(got) if isinstance(got, dict) else type(got).__name__,
                     "return {name: relative error} for every name in params.")
        got = {name: _number(got[name], f"the error of {name}") for name in params}
        expected = _twin_errors(loss, params, grad, eps)
        if all(_close(got[n], expected[n], rtol=0.05, atol=1e-12) for n in params):
            continue
        hint = ("restore each entry before perturbing the next one, and compute each tensor's error over the "
                "whole tensor with gc.relative_error(gradient(params)['d' + name], numerical).")
        if all(_close(got[n], e, rtol=0.05) for n, e in _twin_errors(loss, params, grad, eps, "forward").items()):
            hint = "that is the one-sided difference, off by O(ε); step both ways: (J(θ+ε) - J(θ-ε)) / 2ε."
        elif grad is gradient and all(_close(got[n], 1 / 3, rtol=0.01) for n in params):
            hint = "the denominator is 2ε: the two evaluations are 2ε apart."
        elif len({round(v, 12) for v in got.values()}) == 1:
            hint = "one relative error per tensor, not one for all of them together."
        _not_yet(f"{case}, ε = {eps}", {n: f"{v:.2e}" for n, v in expected.items()},
                 {n: f"{v:.2e}" for n, v in got.items()}, hint)
    return Passed("Exercise 2", "your per-tensor errors match reglab's check, for a correct and a wrong gradient.")


def check_mystery_suspects(suspects, mystery) -> Passed:
    """Exercise 4.3: the tensors a gradient check flags for MysteryBackward."""
    got = sorted(_answered(suspects, "suspects"))
    bug = mystery.reveal()
    name, affected = bug.name, bug.affected
    if got != sorted(affected):
        missing, extra = sorted(set(affected) - set(got)), sorted(set(got) - set(affected))
        _not_yet("the tensors with a wrong gradient", sorted(affected), got,
                 (f"missing {missing}: a bug in an upstream dZ also corrupts every gradient computed from it. "
                  if missing else "") +
                 (f"{extra} pass the check; keep only the tensors the report flags (report.suspects())."
                  if extra else ""))
    return Passed("Exercise 3", f"the planted bug was '{name}', and it breaks exactly {sorted(affected)}.")


def check_best_eps(best_eps, eps_values, errors) -> Passed:
    """Exercise 4.4: the ε with the smallest relative error, which must lie in the float64 sweet spot."""
    eps_values, errors = np.asarray(eps_values, dtype=float), np.asarray(errors, dtype=float)
    index = _index_in(best_eps, eps_values, "best_eps")
    expected = int(np.argmin(errors))
    if index != expected:
        _not_yet("the ε with the smallest relative error", f"{eps_values[expected]:.0e}", f"{eps_values[index]:.0e}",
                 "use np.argmin over your list of relative errors.")
    if not 1e-9 <= eps_values[expected] <= 1e-3:
        _not_yet("where the best ε lies", "between 1e-9 and 1e-3 in float64", f"{eps_values[expected]:.0e}",
                 "are the parameters float64? In float32 round-off moves the optimum to larger ε.")
    return Passed("Exercise 4", f"ε = {eps_values[expected]:.0e}: round-off dominates to its left; to its right "
                                "truncation error, and for large ε ReLU's kinks.")


def check_float32_errors(error_small_eps, error_large_eps) -> Passed:
    """Exercise 4.5: relative errors of a float32 check with ε = 1e-7 and ε = 1e-4."""
    small, large = _number(error_small_eps, "error_small_eps"), _number(error_large_eps, "error_large_eps")
    if small < 1e-2:
        _not_yet("the float32 relative error with ε = 1e-7", "far above 1e-3 (θ ± ε often rounds back to θ)",
                 f"{small:.2e}", "convert the parameter vector with .astype(np.float32) before the check.")
    if not 1e-6 < large < 1e-2:
        _not_yet("the float32 relative error with ε = 1e-4", "between 1e-6 and 1e-2", f"{large:.2e}",
                 "run the same float32 check with eps=1e-4.")
    return Passed("Exercise 5", f"{small:.1e} at ε = 1e-7 against {large:.1e} at ε = 1e-4: "
                                "float32 cannot reach the 1e-7 threshold.")


def check_cost_of_checking(evaluations, hours, directions_per_step) -> Passed:
    """Exercise 4.6: loss evaluations and hours for a full check of 10^6 parameters, and affordable directions."""
    evaluations, hours = _number(evaluations, "evaluations"), _number(hours, "hours")
    directions = _number(directions_per_step, "directions_per_step")
    if not _close(evaluations, 2e6):
        _not_yet("loss evaluations for 10^6 parameters", "2,000,000", f"{evaluations:,.0f}",
                 "the central difference evaluates the loss twice per parameter." if _close(evaluations, 1e6)
                 else "one evaluation at θ + ε e_i and one at θ - ε e_i, for every parameter i.")
    if not _close(hours, 2e6 * 0.01 / 3600, rtol=0.02):
        _not_yet("hours for 2·10^6 forward passes of 10 ms", round(2e6 * 0.01 / 3600, 2), hours,
                 "evaluations × 0.01 s, divided by 3600 s per hour.")
    if not _close(directions, 1.5, rtol=0.34):
        _not_yet("random directions in the time of one 30 ms backprop step", "1 to 2", directions,
                 "each direction needs two forward passes of 10 ms each.")
    return Passed("Exercise 6", "5.6 hours for one full check, against about one direction per training step.")


def check_kink_free(error) -> Passed:
    """Exercise 4.7: the relative error once the example at ReLU's kink is removed."""
    error = _number(error, "error")
    if error <= 1e-13:
        _not_yet("the relative error without the kinked example", "between about 1e-11 and 1e-7", f"{error:.2e}",
                 "a central difference at ε = 1e-7 carries round-off of about 1e-9, so an error this small (or "
                 "exactly 0) means both sides are the same gradient: compare backprop with the numerical gradient "
                 "(gc.check_gradients(loss_rest, kinked, gradient_rest).overall).")
    if error >= 1e-7:
        _not_yet("the relative error without the kinked example", "below 1e-7", f"{error:.2e}",
                 "remove example i from both the loss and the gradient function, and check again.")
    return Passed("Exercise 7", f"{error:.1e}: the false alarm came from the kink, not from the code.")



# ---------------------------------------------------------------- Chapter 0, Generalization

def check_split_sizes(small, large) -> Passed:
    """Exercise 0.1: (train, dev, test) sizes for 10,000 examples at 60/20/20 and 1,000,000 at 98/1/1."""
    for case, got, expected in [("10,000 examples at 60/20/20", small, (6000, 2000, 2000)),
                                ("1,000,000 examples at 98/1/1", large, (980_000, 10_000, 10_000))]:
        got = _array(got, f"the sizes for {case}", shape=(3,))
        if not _close(got, expected):
            hint = ("give counts of examples, not fractions: multiply each fraction by the total."
                    if got.sum() <= 1.0001 else "train, dev, test in that order; the three must add up to the total.")
            _not_yet(case, list(expected), got.tolist(), hint)
    return Passed("Exercise 1", "with a million examples, 1 % (10,000) is already plenty to compare models.")


CASES = {"A": (0.01, 0.11), "B": (0.15, 0.16), "C": (0.15, 0.30), "D": (0.005, 0.01)}


def check_diagnoses(verdicts, bayes_error=0.0) -> Passed:
    """Exercise 0.2: the verdict (high bias / high variance / both / neither) for each of Ng's four cases."""
    from reglab import capacity

    verdicts = dict(_answered(verdicts, "verdicts"))
    names = {"high bias": "high bias", "high variance": "high variance", "neither": "neither",
             "both": "high bias and high variance", "high bias and high variance": "high bias and high variance"}
    for case, (train_error, dev_error) in CASES.items():
        got = verdicts.get(case)
        expected = capacity.diagnose(train_error, dev_error, bayes_error).verdict
        if names.get(str(got).strip().lower()) != expected:
            hint = ("compare training error with the Bayes error (bias), then dev error with training error "
                    "(variance); each gap counts on its own.")
            _not_yet(f"case {case}: training error {train_error:.1%}, dev error {dev_error:.1%}, Bayes error "
                     f"{bayes_error:.0%}", expected, got, hint)
    return Passed("Exercise 2", "A high variance, B high bias, C both, D neither (with Bayes error near 0 %).")


def check_bias_variance(bias_variance_by_hand, fits) -> Passed:
    """Exercise 0.3: bias_variance_by_hand(predictions, truth) -> (bias², variance) averaged over x."""
    from reglab import capacity

    truth = capacity.true_curve(fits.x)
    got = _array(_call(bias_variance_by_hand, "bias_variance_by_hand", fits.predictions.copy(), truth.copy()),
                 "the result", shape=(2,))
    bias_squared = float(np.mean((fits.mean - truth) ** 2))
    variance = float(np.mean(fits.predictions.var(axis=0)))
    if not _close(got[0], bias_squared, rtol=1e-6):
        hint = "average the fits first (over axis 0), then square the gap to the truth and average over x."
        if _close(got[0], np.mean((fits.predictions - truth) ** 2)):
            hint = "that is the mean squared error of the fits; bias² uses the *average* fit, before squaring."
        _not_yet(f"bias² at degree {fits.degree}", round(bias_squared, 6), round(float(got[0]), 6), hint)
    if not _close(got[1], variance, rtol=1e-6):
        hint = "the variance is the spread of the fits around their own average, at each x, then averaged over x."
        _not_yet(f"variance at degree {fits.degree}", round(variance, 6), round(float(got[1]), 6), hint)
    return Passed("Exercise 3", f"bias² = {bias_squared:.4f}, variance = {variance:.4f} at degree {fits.degree}.")


# ---------------------------------------------------------------- Chapter 5, The rest of the toolbox

def check_best_epoch(best_epoch, val_loss) -> Passed:
    """Exercise 5.1: the epoch with the lowest validation loss."""
    best_epoch, val_loss = _number(best_epoch, "best_epoch"), np.asarray(val_loss, dtype=float)
    expected = int(np.argmin(val_loss))
    if best_epoch != expected:
        hint = "np.argmin over the validation curve gives the epoch (epoch 0 is before training)."
        if best_epoch == len(val_loss) - 1:
            hint = "that is the last epoch: early stopping keeps the weights of the *best* epoch, not the final ones."
        _not_yet("the best epoch on validation", expected, int(best_epoch), hint)
    return Passed("Exercise 1", f"epoch {expected}, validation loss {val_loss[expected]:.4f}.")


def check_standardize_dev(standardize_dev) -> Passed:
    """Exercise 5.2: standardize_dev(X_train, X_dev) -> X_dev standardised with the training mean and std."""
    rng = np.random.default_rng(2)
    X_train = rng.normal([1.0, -3.0, 10.0], [2.0, 0.5, 4.0], (50, 3))
    X_dev = rng.normal([1.5, -2.0, 12.0], [2.5, 0.4, 4.0], (20, 3))
    got = _array(_call(standardize_dev, "standardize_dev", X_train.copy(), X_dev.copy()), "the result",
                 shape=X_dev.shape)
    expected = (X_dev - X_train.mean(0)) / X_train.std(0)
    if not _close(got, expected):
        hint = "subtract the training mean, then divide by the training standard deviation, feature by feature."
        if _close(got, (X_dev - X_dev.mean(0)) / X_dev.std(0)):
            hint = ("you used the dev set's own statistics: the model was trained on inputs scaled with the training "
                    "mean and std, so every other split must be scaled with exactly those.")
        _not_yet("a 20 × 3 dev set", np.round(expected[0], 4).tolist(), np.round(got[0], 4).tolist(), hint)
    return Passed("Exercise 2", "the dev inputs now sit on the scale the model was trained on.")


def check_init_std(init_std_by_hand) -> Passed:
    """Exercise 5.3: init_std_by_hand(scheme, fan_in, fan_out) for 'lecun', 'xavier' and 'he'."""
    from reglab import initialisation

    for scheme in ("lecun", "xavier", "he"):
        for fan_in, fan_out in [(256, 256), (100, 10)]:
            got = _number(_call(init_std_by_hand, "init_std_by_hand", scheme, fan_in, fan_out), "the result")
            expected = initialisation.init_std(scheme, fan_in, fan_out)
            if not _close(got, expected):
                hint = "return a standard deviation (a square root), not a variance." if _close(got, expected ** 2) \
                    else {"lecun": "variance 1/fan_in.", "xavier": "variance 2/(fan_in + fan_out).",
                          "he": "variance 2/fan_in: the 2 makes up for ReLU zeroing half its inputs."}[scheme]
                _not_yet(f"{scheme}, fan_in = {fan_in}, fan_out = {fan_out}", round(expected, 6), round(got, 6), hint)
    return Passed("Exercise 3", "He = √2 × LeCun; Xavier equals LeCun when fan_in = fan_out.")


def check_ridge_for_steps(weight_decay, lr=0.01, num_steps=500) -> Passed:
    """Exercise 5.4: the weight decay that num_steps of gradient descent at rate lr roughly imitate."""
    weight_decay = _number(weight_decay, "weight_decay")
    expected = 1 / (lr * num_steps)
    if not _close(weight_decay, expected):
        hint = "λ ≈ 1/(ηt): more steps or a larger step mean less regularisation."
        if _close(weight_decay, lr * num_steps):
            hint = "that is ηt itself; the penalty is its reciprocal."
        _not_yet(f"η = {lr}, t = {num_steps}", expected, weight_decay, hint)
    return Passed("Exercise 4", f"λ ≈ 1/({lr} × {num_steps}) = {expected:g}.")
