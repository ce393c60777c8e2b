"""DESIGN.md's import layering, read from the source with ast (function-level imports included), and side-effect-free
imports. A module imports only from lower layers; modules of one layer may import each other only where that layer
allows it, and never in a circle."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "reglab"

# DESIGN.md's layer table. A new module must be added here (and to DESIGN.md) before its tests pass.
LAYERS = {
    "__init__": 0,                                               # imports nothing from reglab
    "_validate": 1, "_random": 1,                                # argument checks, seeded streams
    "norms": 2, "data": 2, "models": 2, "dropout": 2, "train": 2, "torch_training": 2, "three_layer_net": 2,
    "gradcheck": 2, "planted_bugs": 2, "priors": 2, "capacity": 2, "initialisation": 2, "early_stopping": 2,
    "normalisation": 2, "softmax": 2, "studies": 2,                          # computing: no screens
    "presets": 3,                                                # the explorers' settings and data
    "rendering": 4,                                              # house style, figure -> PNG, blitting
    "browser_trainers": 4,                                       # the explorers' specs for the in-browser trainers
    "plotting": 5,                                               # draws results of layer 2
    "widgets": 6, "scrubbers": 6,                                # apps: live apps and the website's scrubbers
}
# Layers whose modules may import one another (without a cycle): computing modules build on each other, and the
# scrubbers are built from the live apps' update/draw.
SIDEWAYS = {2, 6}
# Side modules, outside the stack: what each may import.
SIDE = {"checks": {1, 2}, "student_edition": set()}
NO_SCREEN = ("matplotlib", "ipywidgets", "PIL", "IPython")     # what layers 1-3 and checks may not import
# Known violations, to delete once fixed: each is an xfail(strict) test, so it fails loudly when the edge is gone.
KNOWN_VIOLATIONS = {}


def module_files():
    """{module name: path} for every module of the package (a subpackage's modules count as the subpackage)."""
    return {".".join(path.relative_to(PACKAGE).with_suffix("").parts): path for path in sorted(PACKAGE.rglob("*.py"))}


def top(name):
    """The table entry a module belongs to: train.linear -> train; a package's __init__ -> the package."""
    parts = name.split(".")
    return parts[0] if len(parts) > 1 or parts[0] == "__init__" else name


def reglab_imports(path, name):
    """(reglab modules, other top-level packages) imported anywhere in the file, function bodies included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name.split(".")[:-1] if not path.name == "__init__.py" else name.split(".")
    ours, others = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "reglab":
                    ours.add(parts[1] if len(parts) > 1 else "__init__")
                else:
                    others.add(parts[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:                                   # relative: from . import x, from .x import y
                base = package[:len(package) - node.level + 1] if node.level > 1 else package
                parts = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module.split(".")[0] == "reglab":
                parts = node.module.split(".")[1:]
            else:
                others.add(node.module.split(".")[0])
                continue
            if parts:
                ours.add(parts[0])
            else:                                            # from reglab import a, b: a and b are modules
                ours.update(alias.name for alias in node.names if alias.name in LAYERS or alias.name in SIDE
                            or (PACKAGE / f"{alias.name}.py").exists() or (PACKAGE / alias.name).is_dir())
    ours.discard(top(name))
    return ours, others


def graph():
    return {top(name): reglab_imports(path, name) for name, path in module_files().items()}


EDGES = sorted({(module, imported) for module, (ours, _) in graph().items() for imported in ours})


def violation(module, imported):
    """Why module may not import imported, or None if it may."""
    if module in SIDE:
        layer = LAYERS.get(imported)
        return None if layer in SIDE[module] else (
            f"side module {module} may import only layers {sorted(SIDE[module])}; {imported} is layer {layer}")
    if imported in SIDE:
        return f"{imported} is a side module: no package module may import it"
    low, high = LAYERS[imported], LAYERS[module]
    if low < high or (low == high and high in SIDEWAYS):
        return None
    return f"{module} (layer {high}) imports {imported} (layer {low}): imports must point to lower layers"


def test_every_module_is_in_the_layer_table():
    unknown = sorted(top(name) for name in module_files() if top(name) not in LAYERS and top(name) not in SIDE)
    assert not unknown, (f"modules {unknown} are not in the layer table: add each to LAYERS (or SIDE) in "
                         f"tests/test_layering.py and to the layer list in DESIGN.md")


def test_the_table_names_only_modules_or_modules_still_to_come():
    present = {top(name) for name in module_files()}
    missing = sorted(set(LAYERS) - present)
    assert set(missing) <= {"rendering"}, f"{missing} are in the layer table but not in src/reglab"


@pytest.mark.parametrize("edge", [pytest.param(e, id="->".join(e), marks=pytest.mark.xfail(
    strict=True, reason=KNOWN_VIOLATIONS[e])) if e in KNOWN_VIOLATIONS else pytest.param(e, id="->".join(e))
    for e in sorted(set(EDGES) | set(KNOWN_VIOLATIONS))])
def test_imports_point_down_the_layers(edge):
    if edge not in EDGES:
        return                                               # a known violation that is gone: delete its entry
    assert violation(*edge) is None, violation(*edge)


def find_cycle(edges):
    """One import cycle [a, b, ..., a] of the graph {module: imported modules}, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, path + [nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


def test_there_is_no_import_cycle():
    edges = {m: {i for i in ours if (m, i) not in KNOWN_VIOLATIONS} for m, (ours, _) in graph().items()}
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("module", sorted(m for m in graph() if LAYERS.get(m, 9) <= 3 or m == "checks"))
def test_computing_modules_know_nothing_of_screens(module):
    _, others = graph()[module]
    assert not others & set(NO_SCREEN), f"{module} imports {sorted(others & set(NO_SCREEN))}"


def test_the_import_reader_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    source = tmp_path / "probe.py"
    source.write_text("from . import data\n\ndef f():\n    from reglab.models import init_mlp\n"
                      "    import reglab.norms\n    from reglab import plotting as p\n    import matplotlib.pyplot\n")
    ours, others = reglab_imports(source, "probe")
    assert ours == {"data", "models", "norms", "plotting"} and others == {"matplotlib"}
    assert violation("train", "plotting") and violation("checks", "widgets") and not violation("widgets", "train")


SIDE_EFFECTS = r"""
import importlib, json, random, sys
import numpy as np, torch, matplotlib

def state():
    return {"numpy": repr(np.random.get_state()[1][:8].tolist() + [np.random.get_state()[2]]),
            "torch": torch.random.get_rng_state().sum().item(), "random": hash(random.getstate()),
            "backend": repr(dict.__getitem__(matplotlib.rcParams, "backend")),
            "rc": hash(repr(sorted((k, repr(v)) for k, v in dict.items(matplotlib.rcParams) if k != "backend"))),
            "pyplot": "matplotlib.pyplot" in sys.modules}

before, changed = state(), {}
for name in ["reglab"] + ["reglab." + m for m in sys.argv[1:]]:
    importlib.import_module(name)
    after = state()
    changed.update({f"{name}: {k}": [before[k], after[k]] for k in before if before[k] != after[k]})
    before = after
print(json.dumps(changed))
"""


def test_importing_reglab_and_every_module_has_no_side_effects():
    modules = sorted(name for name in module_files() if name != "__init__")
    out = subprocess.run([sys.executable, "-c", SIDE_EFFECTS, *modules], capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {}


@pytest.mark.parametrize("module", ["rendering", "plotting"])
def test_drawing_modules_compute_nothing(module):
    """Plot helpers take computed results (runs, norms.constrained_problem, ...): they call no computing module."""
    if module not in graph():
        pytest.skip(f"reglab.{module} does not exist yet")
    computing = sorted(m for m in graph()[module][0] if LAYERS.get(m) == 2)
    assert not computing, f"{module} imports computing modules {computing}: pass their results in instead"
