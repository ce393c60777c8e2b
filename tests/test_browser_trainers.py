"""The website's in-browser trainers (_static/reglab-live.js) against reglab's NumPy trainers, run under Node.

The JavaScript gets the specs the website embeds (reglab.browser_trainers) and must reproduce reglab's curves and
weights within the tolerances below, so the two can never drift apart. Dropout masks come from the same uniform
numbers as reglab's (exported here), so dropout training is compared too.
"""

import importlib.util
import json
import shutil
import subprocess

import numpy as np
import pytest

from conftest import ROOT
from reglab import browser_trainers, capacity, presets, train
from reglab._random import rng_for

RUNNER = ROOT / "tests" / "js" / "run_trainers.js"
_spec = importlib.util.spec_from_file_location("reader_site", ROOT / "_ext" / "reader_site.py")
reader_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reader_site)
LIVE_JS = ROOT / "_static" / "reglab-live.js"
# Parity tolerances (relative, with an absolute floor for values near 0). The JavaScript sums in another order
# than NumPy's matrix products, so the last bits differ and 500 Adam steps carry them along.
# An L1 subgradient flips sign(w) for weights crossing 0, which makes the two runs part a little more.
REGRESSION_RTOL, CLASSIFIER_RTOL, L1_CLASSIFIER_RTOL, CAPACITY_RTOL, ATOL = 1e-9, 1e-6, 1e-2, 1e-6, 1e-12
INSTALL_NODE = "The parity tests need Node.js (`node`); .ci/run installs Debian's nodejs when it is missing."


def run_node(tmp_path, cases, module=LIVE_JS):
    """Run the JavaScript trainers (of module) on cases under Node; one {"result", "ms", "wasm"} or {"error"} each."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"node is missing. {INSTALL_NODE}", pytrace=False)
    cases_file, out_file = tmp_path / "cases.json", tmp_path / "results.json"
    cases_file.write_text(json.dumps(cases))
    run = subprocess.run([node, str(RUNNER), str(cases_file), str(out_file), str(module)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, f"node failed:\n{run.stdout}\n{run.stderr}"
    return json.loads(out_file.read_text())


def close(js, py, rtol, what, atol=ATOL):
    """Assert two arrays agree within rtol (and atol); the message gives the worst relative difference."""
    js, py = np.asarray(js, dtype=float), np.asarray(py, dtype=float)
    assert js.shape == py.shape, f"{what}: shapes differ, {js.shape} in JavaScript and {py.shape} in reglab"
    worst = np.max(np.abs(js - py) / (np.abs(py) + atol / rtol))
    assert np.allclose(js, py, rtol=rtol, atol=atol), f"{what}: worst relative difference {worst:.2e} > {rtol:g}"
    return worst


@pytest.fixture(scope="module")
def regression_results(tmp_path_factory):
    spec = browser_trainers.regression_spec(splits=("train", "val", "test"))
    settings = [{"weight_decay": 3.0, "l1": 0.0}, {"weight_decay": 0.0, "l1": 0.0}, {"weight_decay": 0.0, "l1": 0.1},
                {"weight_decay": 30.0, "l1": 0.0}]
    js = run_node(tmp_path_factory.mktemp("regression"), [{"spec": spec, "setting": s} for s in settings])
    py = [train.train_linear_regression(presets.default_data("regression"), **s) for s in settings]
    return list(zip(settings, js, py))


def test_regression_trainer_matches_reglab(regression_results):
    for setting, js, py in regression_results:
        assert "error" not in js, js
        js = js["result"]
        for name in ("train_loss", "val_loss", "test_loss", "w_norm"):
            close(js[name], getattr(py, name), REGRESSION_RTOL, f"{setting} {name}")
        close(js["w"], py.w, REGRESSION_RTOL, f"{setting} final weights")
        close([js["b"]], [py.b], REGRESSION_RTOL, f"{setting} final bias")


def test_l1_zeroes_the_same_weights_in_both(regression_results):
    setting, js, py = regression_results[2]
    zeros_js = np.flatnonzero(np.asarray(js["result"]["w"]) == 0)
    assert len(zeros_js) >= 10, f"L1 with λ = 0.1 should set some of the 200 weights exactly to 0; got {len(zeros_js)}"
    assert np.array_equal(zeros_js, np.flatnonzero(py.w == 0))


def classifier_case(task, num_epochs=None, record_every=None, **setting):
    """A case for Node and the same run in reglab: the explorer's classifier, optionally shorter."""
    settings = dict(presets.CLASSIFIER_SETTINGS if task == "classification" else presets.DROPOUT_SETTINGS)
    settings.update({k: v for k, v in (("num_epochs", num_epochs), ("record_every", record_every)) if v})
    data = presets.default_data(task)
    spec = browser_trainers.classifier_spec(data, splits=("train", "val", "test"), **settings)
    case = {"spec": spec, "setting": setting}
    rate = setting.get("drop_rate", 0.0)
    if rate:
        # the uniform numbers reglab's trainer draws for its masks: one (examples, width) block per layer and step
        rng = rng_for(0, "train.dropout_masks")
        blocks = [rng.random((len(data.train.y), width)).ravel()
                  for _ in range(settings["num_epochs"] + 1) for width in settings["hidden_sizes"]]
        case["uniforms"] = browser_trainers.array_field(np.concatenate(blocks))
    run = train.train_classifier(data, weight_decay=setting.get("weight_decay", 0.0), l1=setting.get("l1", 0.0),
                                 drop_rate=rate, **settings)
    return case, run


CLASSIFIER_CASES = {
    "lambda-L2-0.003": ("classification", None, None, {"weight_decay": 0.003}),
    "lambda-L1-0.001": ("classification", None, None, {"l1": 0.001}),
    "lambda-0": ("classification", None, None, {}),
    "dropout-0.5-first-60-epochs": ("dropout", 60, 10, {"drop_rate": 0.5}),
    "dropout-0": ("dropout", None, None, {}),
}


KERNELS = ("webassembly", "javascript")   # reglab-live.js's two ways to run the passes: both must match reglab


@pytest.fixture(scope="module")
def classifier_results(tmp_path_factory):
    pairs = {name: classifier_case(task, epochs, every, **setting)
             for name, (task, epochs, every, setting) in CLASSIFIER_CASES.items()}
    cases = [dict(case, kernels=kernels) for kernels in KERNELS for case, _ in pairs.values()]
    js = iter(run_node(tmp_path_factory.mktemp("classifier"), cases))
    return {(name, kernels): (next(js), run) for kernels in KERNELS for name, (_, run) in pairs.items()}


@pytest.mark.parametrize("kernels", KERNELS)
@pytest.mark.parametrize("name", CLASSIFIER_CASES)
def test_classifier_trainer_matches_reglab(classifier_results, name, kernels):
    js, py = classifier_results[name, kernels]
    assert "error" not in js, js
    assert js["wasm"] == (kernels == "webassembly"), f"the {kernels} kernels did not run"
    js, rtol = js["result"], L1_CLASSIFIER_RTOL if "L1" in name else CLASSIFIER_RTOL
    assert js["epochs"] == py.epochs.tolist()
    for curve in ("train_loss", "masked_loss", "val_loss", "test_loss", "w_norm"):
        close(js[curve], getattr(py, curve), rtol, f"{name} {curve}")
    for curve in ("train_acc", "val_acc", "test_acc"):   # a point or two may sit on the boundary under L1
        assert js[curve] == pytest.approx(getattr(py, curve).tolist(), abs=2 / 2000 if "L1" in name else 1e-12), \
            f"{name} {curve}"
    flat = np.concatenate([a.ravel() for layer in py.params for a in layer])
    # parameters near 0 are compared on the scale of the largest one
    close(js["params"], flat, rtol, f"{name} final parameters", atol=rtol * np.abs(flat).max())


def test_both_kernels_draw_the_same_dropout_masks(tmp_path):
    """The browser's own masks (WebAssembly's mulberry32 and JavaScript's) agree, so both kernels train alike."""
    spec = browser_trainers.explorer_classifier_spec("dropout", splits=("test",), evaluation_precision="f64")
    cases = [{"spec": spec, "setting": {"drop_rate": 0.5}, "kernels": kernels} for kernels in KERNELS]
    wasm, plain = (item["result"] for item in run_node(tmp_path, cases))
    for curve in ("masked_loss", "train_loss", "test_loss", "w_norm"):
        close(wasm[curve], plain[curve], 1e-9, f"dropout 0.5 {curve}")
    assert wasm["test_acc"] == plain["test_acc"]


def test_the_webassembly_tanh_is_as_accurate_as_math_tanh(tmp_path):
    """The kernels' table-driven tanh (one lane at a time, and pairs) within 1e-15 of Math.tanh, ±1 beyond ±19.5, and the
    two loops give the same bits."""
    script = tmp_path / "tanh.js"
    script.write_text(f"""
        const live = require({json.dumps(str(LIVE_JS))});
        if (!live.useWasm(true)) throw new Error("no WebAssembly SIMD in this Node");
        const x = [0, -0.5, 1e-300, -1e-12, 19.4, -19.6, 40, -1e6];
        for (let i = 0; i < 20000; i++) x.push((i / 20000 - 0.5) * 50);
        let worst = 0, differ = 0;
        const outputs = [];
        for (const m of [1, 2]) {{   // odd rows: the one-lane loop; even: the pairs
            const n = Math.floor(x.length / m), arena = new live.Arena([n * m, m]);
            const [z, bias] = arena.arrays;
            z.set(x.slice(0, n * m));
            arena.biasAct(z, bias, 0, n, m, 2);
            for (let i = 0; i < n * m; i++) worst = Math.max(worst, Math.abs(z[i] - Math.tanh(x[i])));
            outputs.push(Array.from(z));
        }}
        for (let i = 0; i < outputs[1].length; i++) differ += outputs[0][i] !== outputs[1][i];
        console.log(JSON.stringify({{worst, differ}}));""")
    run = subprocess.run([shutil.which("node"), str(script)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["worst"] <= 1e-15, found
    assert found["differ"] == 0, f"the one-lane and the pairs' tanh differ on {found['differ']} numbers"


def test_the_embedded_webassembly_is_its_source(node_packages):
    """_static/reglab-live.js's KERNELS_WASM is wasm/kernels.wat assembled (by wabt), so the source is what runs."""
    run = subprocess.run([shutil.which("node"), str(ROOT / "wasm" / "build.js"), "--check"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def capacity_results(tmp_path_factory):
    spec = browser_trainers.capacity_spec(train_sizes=(8, 20, 200))
    sizes = [8, 20, 200]
    js = run_node(tmp_path_factory.mktemp("capacity"), [{"spec": spec, "setting": {"num_train": n}} for n in sizes])
    py = [capacity.capacity_curve(capacity.make_curve_data(num_train=n, seed=0)) for n in sizes]
    return list(zip(sizes, js, py))


def test_polynomial_fits_match_reglab_at_every_degree(capacity_results):
    """Least squares (and the minimum-norm fit when 8 points meet up to 16 coefficients) as numpy's lstsq."""
    for n, js, py in capacity_results:
        assert "error" not in js, js
        close(js["result"]["train_error"], py.train_error, CAPACITY_RTOL, f"{n} points, training error")
        close(js["result"]["val_error"], py.val_error, CAPACITY_RTOL, f"{n} points, dev error")


def test_bad_settings_get_clear_errors(tmp_path):
    regression = browser_trainers.regression_spec(num_epochs=2)
    classifier = browser_trainers.classifier_spec(presets.default_data("dropout"), (4,), "relu", 0.01, 2, 1)
    results = run_node(tmp_path, [{"spec": regression, "setting": {"weight_decay": -1}},
                                  {"spec": classifier, "setting": {"drop_rate": 1.5}},
                                  {"spec": classifier, "setting": {"l1": "0.1"}}])
    assert results[0]["error"] == "weight_decay must be a number from 0 to Infinity; got -1"
    assert results[1]["error"] == "drop_rate must be a number from 0 to 0.99; got 1.5"
    assert results[2]["error"] == 'l1 must be a number from 0 to Infinity; got "0.1"'


def test_the_shipped_module_stays_tiny_and_runs_as_its_source(tmp_path):
    """The website ships reglab-live.js without its whole-line comments: under 50 KB, and the same results."""
    shipped = tmp_path / "reglab-live.js"
    shipped.write_text(reader_site.strip_js_comments(LIVE_JS.read_text()))
    assert shipped.stat().st_size < 50_000, f"the shipped {shipped.name} is {shipped.stat().st_size} bytes (budget 50 KB)"
    assert LIVE_JS.stat().st_size < 64_000, f"{LIVE_JS.name}'s source is {LIVE_JS.stat().st_size} bytes"
    case = {"spec": browser_trainers.explorer_classifier_spec("classification", splits=("test",)),
            "setting": {"weight_decay": 0.003}}
    source, stripped = run_node(tmp_path, [case]), run_node(tmp_path, [case], module=shipped)
    assert stripped[0]["result"] == source[0]["result"]


def test_the_websites_lighter_regression_data_changes_no_shown_digit(tmp_path):
    """The website sends the test inputs in float32: the test losses it shows stay within 1e-6 of reglab's."""
    spec = browser_trainers.regression_spec(evaluation_precision="f32")
    assert "f32" in spec["test"]["X"] and "f64" in spec["train"]["X"]
    js = run_node(tmp_path, [{"spec": spec, "setting": {"weight_decay": 3.0}}])[0]["result"]
    py = train.train_linear_regression(presets.default_data("regression"), weight_decay=3.0)
    close(js["train_loss"], py.train_loss, REGRESSION_RTOL, "training loss (float64 inputs)")
    close(js["test_loss"], py.test_loss, 1e-6, "test loss (float32 inputs)")


def test_the_websites_lighter_classifier_data_changes_no_shown_digit(tmp_path):
    """The website's classifier spec (float32 test inputs, labels as bytes) gives reglab's accuracies exactly."""
    spec = browser_trainers.explorer_classifier_spec("classification")
    assert "f32" in spec["test"]["X"] and "u8" in spec["test"]["y"] and "u8" in spec["train"]["y"]
    js = run_node(tmp_path, [{"spec": spec, "setting": {"weight_decay": 0.003}}])[0]["result"]
    py = train.train_classifier(presets.default_data("classification"), weight_decay=0.003,
                                **presets.CLASSIFIER_SETTINGS)
    assert js["test_acc"] == py.test_acc.tolist() and js["train_acc"] == py.train_acc.tolist()
    close(js["test_loss"], py.test_loss, 1e-6, "test loss (float32 inputs)")


@pytest.mark.parametrize("values, precision", [([0.5], "u8"), ([256], "u8"), ([-1], "u8"), ([1.0], "f16")])
def test_array_fields_refuse_what_they_cannot_hold(values, precision):
    with pytest.raises(ValueError, match="u8|precision"):
        browser_trainers.array_field(values, precision)
