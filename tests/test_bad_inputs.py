"""Bad input across reglab's computing modules: each row names the error type and what its message must say.

Every message must name the argument and say what is allowed, so a reader can fix the call without reading
the source. Rows marked "issue 10" are the cases found in the issue; the rest came from probing the API.
"""

import dataclasses
import math

import numpy as np
import pytest
import torch

from reglab import data, dropout, models, norms, train
from reglab import three_layer_net as net
from reglab import torch_training as tt

NAN, INF = math.nan, math.inf
REG = data.make_high_dim_regression(num_train=8, num_val=4, num_test=4, num_features=5, seed=0)
MOONS = data.make_noisy_moons(num_train=20, num_val=10, num_test=10, seed=0)
X2, Y2 = MOONS.train.X, MOONS.train.y
MLP = models.init_mlp([2, 4, 3, 1], "relu")
NET = net.init_params((2, 4, 3, 1))
OK_SPLIT = data.Split(np.ones((2, 2)), np.ones(2))
DIGITS = data.load_digits_split(seed=0)


def _moons_with(split=None, **changes):
    """MOONS with one split's arrays replaced (without going through Split's own checks)."""
    part = data.Split(MOONS.train.X, MOONS.train.y)
    for name, value in changes.items():
        object.__setattr__(part, name, value)
    return dataclasses.replace(MOONS, **{split: part})


def _sweep(**changes):
    return dataclasses.replace(train.sweep_linear_regression(REG, [0.0, 1.0], num_epochs=2), **changes)


def _cache():
    return net.forward(np.ones((3, 2)), NET)


ROWS = [
    # --- issue 10: the cases named in the issue ---
    ("mc_dropout drop rate 1 (all NaN)", lambda: models.mc_dropout_predict(MLP, X2, (1.0, 0.5), num_samples=2),
     ValueError, ["drop_rates entries", "between 0 and 1, excluding 1", "got 1"]),
    ("digits_mlp NaN rate", lambda: tt.digits_mlp((NAN, 0.0, 0.0)), ValueError, ["drop_rates entries", "real number"]),
    ("digits_mlp True rate", lambda: tt.digits_mlp((True, 0.0, 0.0)), TypeError, ["drop_rates entries", "True"]),
    ("digits_mlp string rate", lambda: tt.digits_mlp(("0.5", 0.0, 0.0)), TypeError,
     ["drop_rates entries", "real number", "'0.5'"]),
    ("digits_mlp rate 1", lambda: tt.digits_mlp((1.0, 0.0, 0.0)), ValueError, ["drop_rates entries", "excluding 1"]),
    ("soft_threshold negative", lambda: train.soft_threshold(np.array([1.0, -2.0]), -1), ValueError,
     ["threshold", ">= 0", "threshold=-1"]),
    ("soft_threshold negative entry", lambda: train.soft_threshold(np.ones(2), np.array([0.1, -0.1])), ValueError,
     ["threshold", ">= 0"]),
    ("Split with 0 rows", lambda: data.Split(np.empty((0, 2)), np.empty(0)), ValueError,
     ["X is empty", "at least one"]),
    ("Split with all-NaN X", lambda: data.Split(np.full((3, 2), NAN), np.ones(3)), ValueError,
     ["X contains NaN", "nan", "must be finite"]),
    ("Split with inf y", lambda: data.Split(np.ones((3, 2)), np.array([1.0, 2.0, INF])), ValueError,
     ["y contains NaN or infinite", "inf", "must be finite"]),
    ("best() on NaN validation curves", lambda: _sweep(val_loss=np.full((2, 3), NAN)).best(), ValueError,
     ["validation loss", "not finite", "validation split"]),
    ("best() when every run diverged", lambda: _sweep(failures=["diverged", "diverged"]).best(), ValueError,
     ["every run diverged", "lower lr"]),
    ("sweep_linear_regression empty list", lambda: train.sweep_linear_regression(REG, []), ValueError,
     ["weight_decays is empty", "at least one value"]),
    ("ridge empty data", lambda: train.ridge_closed_form(np.empty((0, 2)), np.empty(0), 1.0), ValueError,
     ["X is empty", "at least one"]),
    ("ridge NaN target", lambda: train.ridge_closed_form(np.ones((3, 2)), np.array([1.0, NAN, 2.0]), 1.0),
     ValueError, ["y contains NaN", "must be finite"]),
    ("ridge mismatched lengths", lambda: train.ridge_closed_form(np.ones((3, 2)), np.ones(4), 1.0), ValueError,
     ["X and y must have the same number of examples", "3 rows in X and 4"]),
    ("ridge 1-D X", lambda: train.ridge_closed_form(np.ones(3), np.ones(3), 1.0), ValueError,
     ["X must be 2-D", "(3,)"]),
    ("three-layer train y too short", lambda: net.train(X2, Y2[:-1], (2, 4, 3, 1)), ValueError,
     ["y must have one target per example of X", "(20)", "got 19"]),
    ("three-layer train NaN X", lambda: net.train(np.full_like(X2, NAN), Y2, (2, 4, 3, 1)), ValueError,
     ["X contains NaN", "must be finite"]),
    ("three-layer train labels 0/2", lambda: net.train(X2, 2 * Y2, (2, 4, 3, 1)), ValueError,
     ["y must hold class labels 0 and 1", "2.0"]),
    ("three-layer train record_every 0", lambda: net.train(X2, Y2, (2, 4, 3, 1), record_every=0), ValueError,
     ["record_every", "positive integer", "got 0"]),
    ("three-layer train string labels", lambda: net.train(X2, np.array(["a"] * len(Y2)), (2, 4, 3, 1)), TypeError,
     ["y must hold real numbers", "strings"]),
    ("NaN inputs are refused, not called divergence",
     lambda: train.train_linear_regression(dataclasses.replace(REG, train=_split_with_nan()), num_epochs=1),
     ValueError, ["data.train.X contains NaN", "must be finite"]),
    ("sweep_classifier l1s length blamed right",
     lambda: train.sweep_classifier(MOONS, weight_decays=[0, 1], l1s=[0, 1, 2]), ValueError,
     ["weight_decays has 2", "l1s has 3", "one per model"]),
    ("sweep_classifier drop_rates length blamed right",
     lambda: train.sweep_classifier(MOONS, weight_decays=[0, 1, 2], drop_rates=[0.0, 0.1]), ValueError,
     ["weight_decays has 3", "drop_rates has 2", "one per model"]),
    # --- data ---
    ("Split string targets", lambda: data.Split(np.ones((2, 2)), np.array(["a", "b"])), TypeError,
     ["y must hold real numbers"]),
    ("Split 1-D X", lambda: data.Split(np.ones(3), np.ones(3)), ValueError, ["X must be 2-D", "(examples, features)"]),
    ("Split tensor", lambda: data.Split(torch.ones(2, 2), torch.ones(2)), TypeError, ["X and y", "NumPy arrays"]),
    ("Dataset with a tuple split", lambda: data.Dataset((1, 2), OK_SPLIT, OK_SPLIT, "x"), TypeError,
     ["train must be a reglab.data.Split", "tuple"]),
    ("regression num_train True", lambda: data.make_high_dim_regression(num_train=True), TypeError,
     ["num_train", "positive integer", "True"]),
    ("regression negative seed", lambda: data.make_high_dim_regression(seed=-1), ValueError,
     ["seed", "non-negative integer", "-1"]),
    ("regression infinite noise", lambda: data.make_high_dim_regression(noise=INF), ValueError, ["noise", "finite"]),
    ("moons label_noise 0.7", lambda: data.make_noisy_moons(label_noise=0.7), ValueError,
     ["label_noise", "between 0 and 0.5", "0.7"]),
    ("moons one training point", lambda: data.make_noisy_moons(num_train=1), ValueError,
     ["num_train", "at least 2", "got 1"]),
    ("digits no test left", lambda: data.load_digits_split(num_train=1700, num_val=97), ValueError,
     ["num_train + num_val", "fewer than 1797"]),
    # --- dropout ---
    ("check_rate True", lambda: dropout.check_rate(True), TypeError, ["drop_rate", "real number", "True"]),
    ("check_rate 1.5", lambda: dropout.check_rate(1.5), ValueError, ["drop_rate", "between 0 and 1", "1.5"]),
    ("mask negative shape", lambda: dropout.bernoulli_mask((-1, 2), 0.5, rng=np.random.default_rng(0)), ValueError,
     ["shape entries", "positive integer", "-1"]),
    ("mask rng is an int", lambda: dropout.bernoulli_mask((2,), 0.5, rng=0), TypeError,
     ["rng must be a np.random.Generator", "default_rng"]),
    ("mask generator without like", lambda: dropout.bernoulli_mask((2,), 0.5, generator=torch.Generator()),
     TypeError, ["like=", "generator"]),
    ("dropout_train NaN activations", lambda: dropout.dropout_train(np.array([NAN, 1.0]), 0.5, np.ones(2)),
     ValueError, ["h contains NaN", "must be finite"]),
    ("dropout_train mask of 2s", lambda: dropout.dropout_train(np.ones(2), 0.5, np.array([2.0, 0.0])), ValueError,
     ["mask must hold only 0s and 1s"]),
    ("dropout_train tensor mask for an array", lambda: dropout.dropout_train(np.ones(2), 0.5, torch.ones(2)),
     TypeError, ["h is a NumPy array but mask is a torch tensor"]),
    ("dropout_train mask shape", lambda: dropout.dropout_train(np.ones(3), 0.5, np.ones(4)), ValueError,
     ["h has shape (3,) but mask has shape (4,)", "must match"]),
    ("dropout_eval convention", lambda: dropout.dropout_eval(np.ones(3), 0.5, "scaled"), ValueError,
     ["convention must be one of", "inverted", "'scaled'"]),
    ("dropout_layer on an array", lambda: dropout.dropout_layer(np.ones(3), 0.5, torch.Generator()), TypeError,
     ["X must be a torch tensor", "dropout_train"]),
    ("dropout_layer integer tensor", lambda: dropout.dropout_layer(torch.ones(3, dtype=torch.long), 0.5,
                                                                   torch.Generator()), TypeError,
     ["X must be a floating-point tensor", "int64"]),
    ("dropout_layer no generator", lambda: dropout.dropout_layer(torch.ones(3), 0.5, None), TypeError,
     ["generator must be a torch.Generator", "None"]),
    ("input_dropout_penalty NaN X", lambda: dropout.input_dropout_penalty(np.array([[NAN]]), np.ones(1), 0.5),
     ValueError, ["X contains NaN", "must be finite"]),
    ("input_dropout_penalty rate 1", lambda: dropout.input_dropout_penalty(np.ones((2, 2)), np.ones(2), 1.0),
     ValueError, ["drop_rate", "excluding 1", "infinite"]),
    # --- models ---
    ("init_mlp sizes as an int", lambda: models.init_mlp(3), TypeError, ["layer_sizes", "list or tuple"]),
    ("init_mlp two outputs", lambda: models.init_mlp([2, 3, 2]), ValueError, ["layer_sizes must end in 1"]),
    ("init_mlp activation", lambda: models.init_mlp([2, 3, 1], "gelu"), ValueError,
     ["activation must be one of", "'gelu'"]),
    ("mlp_forward wrong width", lambda: models.mlp_forward(MLP, np.ones((3, 5))), ValueError,
     ["X has 5 features", "takes 2"]),
    ("mlp_forward 1-D X", lambda: models.mlp_forward(MLP, np.ones(2)), ValueError, ["X must be 2-D", "(2,)"]),
    ("mlp_forward unknown activation", lambda: models.mlp_forward(MLP, X2, "sigmoid"), ValueError,
     ["activation must be one of", "'sigmoid'"]),
    ("mlp_forward masks count", lambda: models.mlp_forward(MLP, X2, "relu", masks=[np.ones((1, 20, 4))]),
     ValueError, ["masks needs one mask per hidden layer (2)", "got 1"]),
    ("bce targets outside [0, 1]", lambda: models.bce_with_logits(np.zeros((1, 3)), np.array([0, 1, 2.0])),
     ValueError, ["y must hold targets between 0 and 1", "2.0"]),
    ("bce length mismatch", lambda: models.bce_with_logits(np.zeros((1, 3)), np.ones(4)), ValueError,
     ["logits must have one entry per target (4)", "(1, 3)"]),
    ("predict_proba string X", lambda: models.predict_proba(MLP, np.array([["a", "b"]])), TypeError,
     ["X must hold real numbers"]),
    ("linear_region_fraction negative threshold", lambda: models.linear_region_fraction(MLP, X2, "relu", -1),
     ValueError, ["threshold must be > 0", "threshold=-1"]),
    ("mc_dropout one rate for two layers", lambda: models.mc_dropout_predict(MLP, X2, 0.5), TypeError,
     ["drop_rates must be a list or tuple", "one per hidden layer"]),
    ("mc_dropout chunk 0", lambda: models.mc_dropout_predict(MLP, X2, (0.5, 0.5), chunk=0), ValueError,
     ["chunk", "positive integer", "got 0"]),
    ("mc_dropout NaN X", lambda: models.mc_dropout_predict(MLP, np.full((2, 2), NAN), (0.5, 0.5)), ValueError,
     ["X contains NaN", "must be finite"]),
    ("unflatten too few parameters", lambda: models.unflatten(np.zeros((1, 3)), [(2, 2)]), ValueError,
     ["flat has 3 parameters per model but the shapes need 4"]),
    # --- train ---
    ("train lr 0", lambda: train.train_linear_regression(REG, lr=0), ValueError, ["lr must be > 0", "lr=0"]),
    ("train lr True", lambda: train.train_linear_regression(REG, lr=True), TypeError, ["lr must be a real number"]),
    ("train weight_decay -1", lambda: train.train_linear_regression(REG, weight_decay=-1), ValueError,
     ["weight_decay must be >= 0", "0 means no penalty", "weight_decay=-1"]),
    ("sweep weight_decays of strings", lambda: train.sweep_linear_regression(REG, "0.1"), TypeError,
     ["weight_decay must be a real number", "'0.1'"]),
    ("sweep 2-D weight_decays", lambda: train.sweep_linear_regression(REG, [[0.1, 0.2]]), ValueError,
     ["weight_decays must be a number or a flat list", "(1, 2)"]),
    ("sweep NaN init_scale", lambda: train.sweep_linear_regression(REG, init_scale=NAN), ValueError,
     ["init_scale must be a real number", "NaN"]),
    ("sweep negative seed", lambda: train.sweep_linear_regression(REG, seed=-3), ValueError,
     ["seed must be a non-negative integer", "-3"]),
    ("sweep data as a tuple", lambda: train.sweep_linear_regression((REG.train.X, REG.train.y)), TypeError,
     ["data must be a reglab.data.Dataset", "tuple"]),
    ("history index out of range", lambda: _sweep()[5], ValueError, ["k must be an index", "-2 to 1", "5"]),
    ("weight_decay_step shapes", lambda: train.weight_decay_step(np.ones(2), np.ones(3), 0.1, 0.1), ValueError,
     ["w has shape (2,) but grad has shape (3,)"]),
    ("minibatches batch_size 0", lambda: list(train.minibatches(10, 0, 1, np.random.default_rng(0))), ValueError,
     ["batch_size", "positive integer", "got 0"]),
    ("classifier record_every 0", lambda: train.sweep_classifier(MOONS, record_every=0), ValueError,
     ["record_every", "positive integer", "got 0"]),
    ("classifier hidden as an int", lambda: train.sweep_classifier(MOONS, hidden_sizes=32), TypeError,
     ["hidden_sizes must be a list or tuple of positive integers", "32"]),
    ("classifier drop rate 1", lambda: train.sweep_classifier(MOONS, drop_rates=[1.0]), ValueError,
     ["drop_rates entries", "excluding 1"]),
    ("classifier drop rate True", lambda: train.sweep_classifier(MOONS, drop_rates=[True]), TypeError,
     ["drop_rates entries must be a real number", "True"]),
    ("classifier empty drop_rates", lambda: train.sweep_classifier(MOONS, drop_rates=[]), ValueError,
     ["drop_rates is empty", "at least one value"]),
    ("classifier regression targets", lambda: train.sweep_classifier(REG), ValueError,
     ["data.train.y must hold class labels 0 and 1"]),
    ("classifier validation labels 0/2", lambda: train.sweep_classifier(_moons_with("val", y=2 * Y2)), ValueError,
     ["data.val.y must hold class labels 0 and 1", "2.0"]),
    ("classifier model index", lambda: _classifier_run()[3], ValueError, ["k must be an index", "-1 to 0", "3"]),
    # --- three_layer_net ---
    ("init_params string dims", lambda: net.init_params("abcd"), TypeError, ["layer_sizes", "list or tuple"]),
    ("forward wrong width", lambda: net.forward(np.ones((3, 5)), NET), ValueError,
     ["X has 5 features per example", "W1 takes 2"]),
    ("forward params missing", lambda: net.forward(np.ones((3, 2)), {"W1": np.ones((2, 4))}), TypeError,
     ["params must be a dict with keys", "init_params"]),
    ("forward masks shape", lambda: net.forward(np.ones((3, 2)), NET, (0.5, 0.5),
                                                masks=(np.ones((2, 4)), np.ones((3, 3)))), ValueError,
     ["masks must be (D1, D2) of shapes (3, 4) and (3, 3)"]),
    ("forward on a tensor", lambda: net.forward(torch.ones(3, 2, dtype=torch.float64), NET), TypeError,
     ["X must be a NumPy array", ".numpy()"]),
    ("forward rate 1", lambda: net.forward(np.ones((3, 2)), NET, (1.0, 0.5), rng=np.random.default_rng(0)),
     ValueError, ["drop_rates entries", "excluding 1"]),
    ("cost targets too long", lambda: net.cost(_cache(), np.ones(4)), ValueError,
     ["y must have one target per example of X (3)", "got 4"]),
    ("backward negative weight_decay", lambda: net.backward(np.ones(3), _cache(), -1), ValueError,
     ["weight_decay must be >= 0", "weight_decay=-1"]),
    ("backward not a cache", lambda: net.backward(np.ones(3), {}), TypeError, ["cache must be the cache dict"]),
    ("train layer_dims mismatch", lambda: net.train(X2, Y2, (3, 4, 3, 1)), ValueError,
     ["layer_sizes[0] must be the number of features of X (2)", "got 3"]),
    # --- torch_training ---
    ("torch negative init_scale", lambda: tt.train_linear_regression_torch(REG, init_scale=-1), ValueError,
     ["init_scale must be >= 0", "init_scale=-1"]),
    ("torch batch larger than data", lambda: tt.train_linear_regression_torch(REG, batch_size=50), ValueError,
     ["batch_size must be between 1 and the number of training examples (8)", "50"]),
    ("torch integer dtype", lambda: tt.train_linear_regression_torch(REG, dtype=torch.int64), TypeError,
     ["dtype must be a floating-point torch dtype", "int64"]),
    ("torch unknown optimizer", lambda: tt.train_linear_regression_torch(REG, optimizer="rmsprop"), ValueError,
     ["optimizer must be one of", "'rmsprop'"]),
    ("make_optimizer lr 0", lambda: tt.make_optimizer("sgd", torch.ones(2, requires_grad=True),
                                                      torch.ones((), requires_grad=True), 0, 0.0), ValueError,
     ["lr must be > 0"]),
    ("digits_mlp hidden 0", lambda: tt.digits_mlp((0.0, 0.0), hidden_sizes=(0,)), ValueError,
     ["hidden_sizes entries", "positive integer", "got 0"]),
    ("digits_mlp scratch without generator", lambda: tt.digits_mlp((0.5, 0.0, 0.0), dropout="scratch"), TypeError,
     ["generator must be a torch.Generator", "dropout='scratch'"]),
    ("DropoutLayer rate 2", lambda: tt.DropoutLayer(2, torch.Generator()), ValueError,
     ["drop_rate must be between 0 and 1", "2"]),
    ("accuracy of a tuple", lambda: tt.accuracy(tt.digits_mlp(), (1, 2)), TypeError,
     ["split must be a reglab.data.Split", "tuple"]),
    ("accuracy wrong width", lambda: tt.accuracy(tt.digits_mlp(), OK_SPLIT), ValueError,
     ["split.X has 2 features per example", "model takes 64"]),
    ("accuracy negative seed", lambda: tt.accuracy(tt.digits_mlp(), DIGITS.test, seed=-1), ValueError,
     ["seed must be a non-negative integer", "-1"]),
    ("train_digits on moons", lambda: tt.train_digits(MOONS), ValueError,
     ["data must hold 8x8 digits", "64 pixels", "got 2 features"]),
    # --- norms ---
    ("lp_norm axis out of range", lambda: norms.lp_norm(np.ones(3), 2, axis=5), ValueError,
     ["axis must be None or an integer from -1 to 0", "axis=5"]),
    ("lp_norm axis string", lambda: norms.lp_norm(np.ones(3), 2, axis="a"), TypeError,
     ["axis must be None", "'a'"]),
    ("check_norm_axioms NaN norm", lambda: norms.check_norm_axioms(lambda v: NAN), ValueError,
     ["norm must return a finite number", "nan"]),
    ("check_norm_axioms string norm", lambda: norms.check_norm_axioms(lambda v: "a"), TypeError,
     ["norm must return a real number", "'a'"]),
    ("check_norm_axioms negative rtol", lambda: norms.check_norm_axioms(abs, rtol=-1), ValueError,
     ["rtol must be >= 0", "rtol=-1"]),
    ("axis_hit_rate radius too large", lambda: norms.axis_hit_rate(1, num_centers=5, radius=10), ValueError,
     ["radius=10 is too large", "outside the ball"]),
    ("axis_hit_rate negative tol", lambda: norms.axis_hit_rate(1, num_centers=5, tol=-1), ValueError,
     ["tol must be >= 0", "tol=-1"]),
    ("NormChain.violations NaN rtol", lambda: norms.norm_chain(np.ones((2, 2))).violations(NAN), ValueError,
     ["rtol must be a real number", "NaN"]),
]


def _split_with_nan():
    X = REG.train.X.copy()
    part = data.Split(X, REG.train.y)
    X[0, 0] = NAN  # a Split refuses NaN when built; here the array is changed afterwards, as a user might
    return part


def _classifier_run():
    """A one-step run (the step count's argument is being renamed, so it is found by name)."""
    steps = next(name for name in ("num_steps", "num_epochs") if name in train.sweep_classifier.__code__.co_varnames)
    return train.sweep_classifier(MOONS, record_every=1, **{steps: 1})


def test_the_table_is_large_enough():
    assert len(ROWS) >= 60 and len({row[0] for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("call, error, fragments", [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_bad_input_raises_a_clear_error(call, error, fragments):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error
    for fragment in fragments:
        assert fragment in str(info.value), f"{fragment!r} not in: {info.value}"
