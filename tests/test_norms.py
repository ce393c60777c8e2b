"""reglab.norms against NumPy and PyTorch, the norm axioms as properties, known results and bad input."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reglab import norms

RTOL = 1e-12  # float64 agreement with NumPy/torch: a few ulps of the result
ORDERS = [1, 1.5, 2, 3, 7.5, math.inf]

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
# NumPy's formula under- or overflows for entries far from 1 (|x|^p leaves float64's range): compare only where it cannot.
moderate = st.one_of(st.just(0.0), st.floats(1e-50, 1e6), st.floats(-1e6, -1e-50))
vectors = arrays(np.float64, st.integers(1, 12), elements=finite)
orders = st.sampled_from(ORDERS) | st.floats(min_value=1, max_value=50)


@pytest.mark.parametrize("p", ORDERS)
def test_lp_norm_agrees_with_numpy_and_torch(p):
    x = np.random.default_rng(0).standard_normal(50)
    expected = np.linalg.norm(x, ord=p)
    assert norms.lp_norm(x, p) == pytest.approx(expected, rel=RTOL)
    t = torch.from_numpy(x)
    result = norms.lp_norm(t, p)
    assert isinstance(result, torch.Tensor)
    assert result.item() == pytest.approx(torch.linalg.vector_norm(t, ord=p).item(), rel=RTOL)


def test_known_values():
    x = np.array([3.0, -4.0])
    assert norms.lp_norm(x, 1) == 7.0
    assert norms.lp_norm(x, 2) == 5.0
    assert norms.lp_norm(x, math.inf) == 4.0
    assert norms.lp_norm([0.0, 0.0], 2) == 0.0
    assert norms.lp_norm([1, 2, 2], 2) == 3.0  # integer input


def test_large_p_does_not_overflow():
    big = np.array([1e3, 2e3, -3e3])
    value = norms.lp_norm(big, 200)
    assert 3000.0 <= value <= 3000.0 * 1.01
    assert norms.lp_norm([1e200, 1e200], 2) == pytest.approx(math.sqrt(2) * 1e200, rel=RTOL)


def test_axis_gives_one_norm_per_row_for_arrays_and_tensors():
    X = np.random.default_rng(1).standard_normal((7, 4))
    for p in ORDERS:
        np.testing.assert_allclose(norms.lp_norm(X, p, axis=1), np.linalg.norm(X, ord=p, axis=1), rtol=RTOL)
        np.testing.assert_allclose(norms.lp_norm(torch.from_numpy(X), p, axis=0).numpy(),
                                   np.linalg.norm(X, ord=p, axis=0), rtol=RTOL)


def test_gradient_of_l2_norm_is_x_over_norm():
    x = torch.tensor([3.0, -4.0, 1.0], dtype=torch.float64, requires_grad=True)
    norms.lp_norm(x, 2).backward()
    torch.testing.assert_close(x.grad, (x / torch.linalg.vector_norm(x)).detach(), rtol=RTOL, atol=0)


@settings(max_examples=200, deadline=None)
@given(x=vectors, p=orders)
def test_definiteness(x, p):
    value = norms.lp_norm(x, p)
    assert value >= 0
    assert (value == 0) == (not x.any())


@settings(max_examples=200, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 12), elements=moderate), p=orders)
def test_agreement_with_numpy(x, p):
    assert norms.lp_norm(x, p) == pytest.approx(np.linalg.norm(x, ord=p), rel=1e-9)


def test_tiny_entries_do_not_underflow():
    # NumPy returns 0.0 for both: 1e-274 ** 1.5 and (1e-200) ** 2 underflow before the root is taken.
    assert norms.lp_norm([1.2e-274], 1.5) == pytest.approx(1.2e-274, rel=RTOL)
    assert norms.lp_norm([1e-200, 1e-200], 2) == pytest.approx(math.sqrt(2) * 1e-200, rel=RTOL)


@settings(max_examples=200, deadline=None)
@given(x=vectors, alpha=st.floats(-1e3, 1e3, allow_nan=False), p=orders)
def test_absolute_homogeneity(x, alpha, p):
    assert norms.lp_norm(alpha * x, p) == pytest.approx(abs(alpha) * norms.lp_norm(x, p), rel=1e-9, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), p=orders)
def test_triangle_inequality(data, p):
    n = data.draw(st.integers(1, 10))
    x = data.draw(arrays(np.float64, n, elements=finite))
    y = data.draw(arrays(np.float64, n, elements=finite))
    assert norms.lp_norm(x + y, p) <= (norms.lp_norm(x, p) + norms.lp_norm(y, p)) * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(x=vectors)
def test_norm_never_increases_with_p(x):
    values = [norms.lp_norm(x, p) for p in ORDERS]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(values, values[1:]))


def test_quasi_norm_breaks_the_triangle_inequality_below_one():
    e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    for p in (0.25, 0.5, 0.9):
        assert norms.quasi_norm(e1 + e2, p) == pytest.approx(2 ** (1 / p), rel=RTOL)
        assert norms.quasi_norm(e1 + e2, p) > norms.quasi_norm(e1, p) + norms.quasi_norm(e2, p)
    assert norms.quasi_norm(e1 + e2, 2) == pytest.approx(math.sqrt(2))


def test_l0_count_and_its_tolerance():
    x = np.array([0.0, 1e-9, -2.0, 3.0])
    assert norms.l0_count(x) == 3
    assert norms.l0_count(x, tol=1e-6) == 2
    assert norms.l0_count(torch.tensor([0.0, 5.0])) == 1
    assert norms.l0_count(10 * x) == norms.l0_count(x)  # why it is not homogeneous


def test_frobenius_equals_flattened_l2_and_singular_values():
    W = np.random.default_rng(2).standard_normal((5, 3))
    fro = norms.frobenius_norm(W)
    assert fro == pytest.approx(np.linalg.norm(W, "fro"), rel=RTOL)
    assert fro == pytest.approx(norms.lp_norm(W.ravel(), 2), rel=RTOL)
    assert fro ** 2 == pytest.approx((np.linalg.svd(W, compute_uv=False) ** 2).sum(), rel=1e-10)
    Wt = torch.from_numpy(W)
    assert norms.frobenius_norm(Wt).item() == pytest.approx(torch.linalg.matrix_norm(Wt, "fro").item(), rel=RTOL)


def test_lp_distance():
    assert norms.lp_distance(np.array([1.0, 1.0]), np.array([4.0, 5.0]), 2) == 5.0
    assert norms.lp_distance(torch.tensor([0.0, 0.0]), torch.tensor([1.0, -2.0]), 1).item() == 3.0


@pytest.mark.parametrize("p", [0.3, 0.5, 1, 1.5, 2, 4, math.inf])
def test_unit_ball_points_have_norm_one(p):
    points = norms.unit_ball(p, num_points=400)
    assert points.shape == (400, 2)
    # Written out here, not with reglab's own norm (which shares the code that built the points).
    by_hand = np.abs(points).max(1) if p == math.inf else ((np.abs(points) ** p).sum(1)) ** (1 / p)
    np.testing.assert_allclose(by_hand, 1.0, rtol=1e-12)
    angles = np.arctan2(points[:, 1], points[:, 0]) % (2 * np.pi)
    assert np.all(np.diff(angles[1:]) > 0)  # the points go once round the origin, in order


def test_unit_ball_contains_the_exact_axis_points():
    points = norms.unit_ball(1, num_points=8)
    np.testing.assert_array_equal(points[[0, 2, 4, 6]], [[1, 0], [0, 1], [-1, 0], [0, -1]])


def _project_onto_l1_ball(c, radius):
    """Closed-form Euclidean projection onto the L1 ball (Duchi et al. 2008), for checking the search."""
    if np.abs(c).sum() <= radius:
        return c
    u = np.sort(np.abs(c))[::-1]
    cumulative = np.cumsum(u)
    k = np.nonzero(u * np.arange(1, len(u) + 1) > cumulative - radius)[0][-1]
    tau = (cumulative[k] - radius) / (k + 1)
    return np.sign(c) * np.maximum(np.abs(c) - tau, 0)


def test_constrained_minimum_matches_closed_forms():
    rng = np.random.default_rng(3)
    for c in rng.uniform(-3, 3, (40, 2)):
        l2 = norms.constrained_minimum(c, 2, radius=1.0)
        expected = c / max(1.0, np.linalg.norm(c))
        np.testing.assert_allclose(l2, expected, atol=1e-6)
        np.testing.assert_allclose(norms.constrained_minimum(c, 1, radius=1.0), _project_onto_l1_ball(c, 1.0),
                                   atol=1e-6)


def test_constrained_minimum_l1_corner_is_exactly_sparse():
    w = norms.constrained_minimum(np.array([1.5, 1.2]), 1, curvature=np.array([[2.0, 0.5], [0.5, 1.0]]))
    assert w[1] == 0.0 and w[0] == 1.0
    inside = np.array([0.2, 0.1])
    np.testing.assert_array_equal(norms.constrained_minimum(inside, 2), inside)


def test_axis_hit_rate_l1_sparse_l2_not():
    assert norms.axis_hit_rate(1, num_centers=200) > 0.3
    assert norms.axis_hit_rate(2, num_centers=200) == 0.0


@pytest.mark.parametrize("box", [1.5, 3.0, 10.0])
def test_axis_hit_rate_matches_the_strips_of_the_diamond(box):
    # With H = I a centre outside the L1 ball projects onto a corner exactly when it lies in none of the four
    # strips facing an edge, i.e. when ||c1| - |c2|| >= 1; the rest land inside an edge (Chapter 1, Exercise 5).
    centers = np.random.default_rng(0).uniform(-box, box, (500, 2))
    outside = centers[np.abs(centers).sum(1) > 1]
    expected = np.mean(np.abs(np.abs(outside[:, 0]) - np.abs(outside[:, 1])) >= 1)
    assert norms.axis_hit_rate(1, box=box) == pytest.approx(expected, abs=1 / len(outside))


def test_axis_hit_rate_depends_on_the_sampling_box():
    # the Chapter 1 text: 12.9 %, 43.8 % and 79.7 % for boxes of half-width 1.5, 3 and 10
    rates = [norms.axis_hit_rate(1, box=box) for box in (1.5, 3.0, 10.0)]
    assert [round(100 * r, 1) for r in rates] == [12.9, 43.8, 79.7]
    with pytest.raises(ValueError, match="box"):
        norms.axis_hit_rate(1, box=0.4)


def test_check_norm_axioms_verdicts():
    for p in (1, 2, math.inf):
        assert norms.check_norm_axioms(lambda v, p=p: norms.lp_norm(v, p)).is_norm
    half = norms.check_norm_axioms(lambda v: norms.quasi_norm(v, 0.5))
    assert not half.is_norm
    assert [ok for ok in half.holds.values()] == [True, True, False]
    assert "f(x + y) = 4" in str(half)
    zero_count = norms.check_norm_axioms(norms.l0_count)
    assert [ok for ok in zero_count.holds.values()] == [True, False, True]
    first_only = norms.check_norm_axioms(lambda v: abs(v[0]))  # zero on non-zero vectors
    assert [ok for ok in first_only.holds.values()] == [False, True, True]
    assert "is non-zero but f(x) = 0" in str(first_only)


def test_norm_chain_holds_and_can_detect_a_violation():
    chain = norms.norm_chain(np.random.default_rng(4).standard_normal((2000, 6)))
    assert set(chain.violations().values()) == {0}
    broken = norms.NormChain(linf=np.array([2.0]), l2=np.array([1.0]), l1=np.array([1.0]), n=4)
    assert broken.violations()["||x||_inf <= ||x||_2"] == 1
    np.testing.assert_allclose(chain.l1, np.abs(np.random.default_rng(4).standard_normal((2000, 6))).sum(1))


BAD_INPUTS = [
    (lambda: norms.lp_norm([1.0, 2.0], p=0.5), ValueError, ["p must be >= 1", "got p=0.5", "l0_count", "quasi"]),
    (lambda: norms.lp_norm([1.0], p=float("nan")), ValueError, ["p must be a real number", "NaN"]),
    (lambda: norms.lp_norm([1.0], p="2"), TypeError, ["p must be a real number", "'2'"]),
    (lambda: norms.lp_norm([1.0], p=True), TypeError, ["p must be a real number"]),
    (lambda: norms.lp_norm([1.0, float("nan")], 2), ValueError, ["x contains NaN"]),
    (lambda: norms.lp_norm(torch.tensor([1.0, float("inf")]), 2), ValueError, ["x contains NaN or infinite"]),
    (lambda: norms.lp_norm(["a", "b"], 2), TypeError, ["x must hold real numbers", "strings"]),
    (lambda: norms.lp_norm("abc", 2), TypeError, ["x must be an array", "string"]),
    (lambda: norms.lp_norm(None, 2), TypeError, ["x must hold real numbers"]),
    (lambda: norms.lp_norm([], 2), ValueError, ["x is empty"]),
    (lambda: norms.lp_norm([[1.0, 2.0], [3.0]], 2), ValueError, ["x must be a rectangular array"]),
    (lambda: norms.lp_norm(np.array([1 + 1j]), 2), TypeError, ["x must hold real numbers", "complex"]),
    (lambda: norms.lp_norm(torch.tensor([True]), 2), TypeError, ["x must hold real numbers", "torch.bool"]),
    (lambda: norms.quasi_norm([1.0], 0), ValueError, ["p must be > 0", "l0_count"]),
    (lambda: norms.l0_count([1.0], tol=-1), ValueError, ["tol must be >= 0"]),
    (lambda: norms.frobenius_norm(np.ones(3)), ValueError, ["W must be a 2-D matrix", "(3,)"]),
    (lambda: norms.lp_distance(np.ones(2), torch.ones(2)), TypeError, ["x is a NumPy array but y is a torch tensor"]),
    (lambda: norms.lp_distance(np.ones(2), np.ones(3)), ValueError, ["x has shape (2,) but y has shape (3,)"]),
    (lambda: norms.unit_ball(0), ValueError, ["p must be > 0"]),
    (lambda: norms.unit_ball(-1), ValueError, ["p must be >= 0", "got p=-1"]),
    (lambda: norms.unit_ball(2, num_points=0), ValueError, ["num_points must be a positive integer"]),
    (lambda: norms.unit_ball(2, num_points=2.5), TypeError, ["num_points must be a positive integer"]),
    (lambda: norms.constrained_minimum(np.ones(3), 1), ValueError, ["center must be", "shape (2,)"]),
    (lambda: norms.constrained_minimum(np.ones(2), 1, curvature=-np.eye(2)), ValueError, ["positive-definite"]),
    (lambda: norms.constrained_minimum(np.ones(2), 1, radius=0), ValueError, ["radius must be > 0"]),
    (lambda: norms.constrained_minimum(np.ones(2) * 3, 0.5), ValueError, ["p must be >= 1"]),
    (lambda: norms.check_norm_axioms("L2"), TypeError, ["norm must be a function"]),
    (lambda: norms.norm_chain(np.ones(3)), ValueError, ["X must be 2-D"]),
]


@pytest.mark.parametrize("call, error, fragments", BAD_INPUTS)
def test_bad_input_raises_a_clear_error(call, error, fragments):
    with pytest.raises(error) as info:
        call()
    for fragment in fragments:
        assert fragment in str(info.value)
