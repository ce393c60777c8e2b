"""Dropout from scratch: mask statistics, both scaling conventions, NumPy/torch agreement, edge cases, dropout ≈ L2."""

import numpy as np
import pytest
import torch

from reglab import dropout

SIZE = (1000, 1000)
MASK_TOL = 0.003  # a kept fraction over 10^6 Bernoulli draws has standard deviation at most 0.0005


@pytest.mark.parametrize("drop_rate", [0.1, 0.5, 0.8])
def test_mask_keeps_one_minus_p_of_the_units(drop_rate):
    numpy_mask = dropout.bernoulli_mask(SIZE, drop_rate, rng=np.random.default_rng(0))
    torch_mask = dropout.bernoulli_mask(SIZE, drop_rate, generator=torch.Generator().manual_seed(0),
                                        like=torch.zeros(1))
    assert set(np.unique(numpy_mask)) <= {0.0, 1.0}
    assert numpy_mask.mean() == pytest.approx(1 - drop_rate, abs=MASK_TOL)
    assert torch_mask.mean().item() == pytest.approx(1 - drop_rate, abs=MASK_TOL)


def test_masks_repeat_with_the_same_seed_and_differ_with_another():
    a, b, c = (dropout.bernoulli_mask((50, 50), 0.5, rng=np.random.default_rng(s)) for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()


@pytest.mark.parametrize("convention", dropout.CONVENTIONS)
def test_both_conventions_keep_the_expected_activation(convention):
    rng = np.random.default_rng(0)
    h = rng.uniform(0, 2, size=20)
    drop_rate = 0.4
    samples = np.array([dropout.dropout_train(h, drop_rate, dropout.bernoulli_mask(h.shape, drop_rate, rng=rng),
                                              convention) for _ in range(40_000)])
    test_time = dropout.dropout_eval(h, drop_rate, convention)
    standard_error = samples.std(0) / np.sqrt(len(samples))
    assert np.all(np.abs(samples.mean(0) - test_time) < 5 * standard_error + 1e-12)


def test_mixing_the_conventions_shifts_the_scale():
    drop_rate, h = 0.5, np.ones(100_000)
    mask = dropout.bernoulli_mask(h.shape, drop_rate, rng=np.random.default_rng(0))
    assert 0 < mask.mean() < 1  # a real mask: some units dropped, some kept
    trained = dropout.dropout_train(h, drop_rate, mask, "scale_at_test")  # no rescale in training
    np.testing.assert_array_equal(trained, mask)  # kept units pass unchanged, dropped ones are 0
    inverted = dropout.dropout_train(h, drop_rate, mask, "inverted")
    np.testing.assert_array_equal(inverted, 2.0 * mask)  # kept units are divided by the keep probability
    # Matching test time reproduces the training mean; the other convention's test time is off by 1 / (1 - p).
    assert dropout.dropout_eval(h, drop_rate, "scale_at_test").mean() == pytest.approx(trained.mean(), abs=MASK_TOL)
    assert dropout.dropout_eval(h, drop_rate, "inverted").mean() / trained.mean() == pytest.approx(2.0, rel=0.01)
    assert dropout.dropout_eval(h, drop_rate, "inverted").mean() == pytest.approx(inverted.mean(), abs=0.01)


def test_numpy_and_torch_agree_given_the_same_mask():
    rng = np.random.default_rng(3)
    h, mask = rng.normal(size=(8, 5)), dropout.bernoulli_mask((8, 5), 0.3, rng=rng)
    ours = dropout.dropout_train(h, 0.3, mask)
    theirs = dropout.dropout_train(torch.from_numpy(h), 0.3, torch.from_numpy(mask))
    np.testing.assert_allclose(theirs.numpy(), ours, rtol=1e-15)


def test_dropout_layer_matches_torch_functional_dropout_statistics():
    X = torch.rand(2000, 500, generator=torch.Generator().manual_seed(1), dtype=torch.float64) + 0.5  # never 0
    ours = dropout.dropout_layer(X, 0.3, torch.Generator().manual_seed(0))
    with torch.random.fork_rng():
        torch.manual_seed(0)
        theirs = torch.nn.functional.dropout(X, 0.3, training=True)
    for out in (ours, theirs):
        kept = out != 0
        torch.testing.assert_close(out[kept], X[kept] / 0.7, rtol=1e-15, atol=0)  # the same inverted scaling
    kept_ours, kept_theirs = ((out != 0).double().mean().item() for out in (ours, theirs))
    assert kept_ours == pytest.approx(kept_theirs, abs=2 * MASK_TOL) and kept_ours == pytest.approx(0.7, abs=MASK_TOL)
    assert ours.mean().item() == pytest.approx(theirs.mean().item(), rel=0.005)  # both keep E[output] = E[X]
    assert ours.std().item() == pytest.approx(theirs.std().item(), rel=0.005)
    assert not torch.equal(ours != 0, theirs != 0)  # different generators: different masks, same statistics


def test_edge_cases_zero_is_identity_one_is_zeros():
    X = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    g = torch.Generator().manual_seed(0)
    assert torch.equal(dropout.dropout_layer(X, 0.0, g), X)
    assert torch.equal(dropout.dropout_layer(X, 1.0, g), torch.zeros_like(X))
    h = np.arange(3.0)
    np.testing.assert_array_equal(dropout.dropout_train(h, 1.0, np.zeros(3)), np.zeros(3))
    np.testing.assert_array_equal(dropout.dropout_eval(h, 0.7), h)  # eval mode of inverted dropout: identity


def test_input_dropout_equals_loss_plus_data_dependent_l2_penalty():
    rng = np.random.default_rng(0)
    X, w, y = rng.normal(size=(30, 4)), rng.normal(size=4), rng.normal(size=30)
    plain = ((y - X @ w) ** 2).sum()
    for p in (0.2, 0.5, 0.8):
        losses = np.array([((y - (dropout.bernoulli_mask(X.shape, p, rng=rng) * X / (1 - p)) @ w) ** 2).sum()
                           for _ in range(50_000)])
        expected = plain + dropout.input_dropout_penalty(X, w, p)
        assert abs(losses.mean() - expected) < 4 * losses.std() / np.sqrt(len(losses))


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: dropout.check_rate(1.5), ValueError, "drop_rate must be between 0 and 1"),
    (lambda: dropout.check_rate(-0.1), ValueError, "drop_rate must be between 0 and 1"),
    (lambda: dropout.check_rate(float("nan")), ValueError, "drop_rate must be a real number"),
    (lambda: dropout.check_rate("0.5"), TypeError, "drop_rate must be a real number"),
    (lambda: dropout.bernoulli_mask((2, 2), 0.5), TypeError, "rng must be a np.random.Generator"),
    (lambda: dropout.bernoulli_mask((2, 2), 0.5, like=torch.zeros(1)), TypeError,
     "generator must be a torch.Generator"),
    (lambda: dropout.dropout_train(np.ones(3), 0.5, np.ones(4)), ValueError, "mask has shape"),
    (lambda: dropout.dropout_eval(np.ones(3), 0.5, "scaled"), ValueError, "convention must be one of"),
    (lambda: dropout.input_dropout_penalty(np.ones((2, 2)), np.ones(2), 1.0), ValueError, "excluding 1"),
    (lambda: dropout.input_dropout_penalty(np.ones((2, 2)), np.ones(3), 0.5), ValueError,
     "w must have one weight per feature"),
])
def test_bad_rates_and_shapes_are_rejected_clearly(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()
