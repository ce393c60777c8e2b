"""Notebook hygiene: every chapter is executed, in order, clean, small, portable and follows the skeleton."""

import json
import re

import nbformat
import pytest
import yaml

from conftest import CHAPTERS, ROOT

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def load(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def tags(cell):
    return set(cell.metadata.get("tags", []))


def test_there_are_chapters_and_the_toc_lists_exactly_them():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    on_disk = {f"chapters/{p.stem}" for p in CHAPTERS}
    assert on_disk, "no chapter notebooks found"
    assert {f for f in files if f.startswith("chapters/")} == on_disk
    assert all(any((ROOT / f"{f}{ext}").exists() for ext in (".ipynb", ".md")) for f in files), files


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_executed_top_to_bottom_in_one_fresh_kernel(path):
    counts = [c.execution_count for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook from a fresh kernel (see README)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_has_outputs_and_only_expected_errors(path):
    cells = code_cells(load(path))
    assert sum(bool(c.outputs) for c in cells) >= len(cells) // 2, "outputs are missing: keep them in the notebook"
    for cell in cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" in tags(cell):
            assert errors, f"cell tagged raises-exception did not raise:\n{cell.source}"
        else:
            assert not errors, f"unexpected error output in:\n{cell.source}"
        assert "execution" not in cell.metadata, "timing metadata: execute with record_timing=False"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_small_and_free_of_local_paths(path):
    assert path.stat().st_size < 2_000_000
    text = path.read_text()
    for leak in ("/work/", "/tmp/", "/root/", "/home/", "file://", "C:\\\\"):
        assert leak not in text, f"{path.name} contains a local path ({leak})"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_widget_cells_are_ignored_by_nbval_and_removed_from_the_website(path):
    for cell in code_cells(load(path)):
        if any(WIDGET_MIME in o.get("data", {}) for o in cell.outputs):
            assert {"nbval-ignore-output", "remove-output"} <= tags(cell), cell.source
    assert "widgets" not in load(path).metadata, "widget state is not stored (model ids change every run)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_follows_the_chapter_skeleton(path):
    nb = load(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for heading in ("**Learning goals.**", "**Prerequisites.**", "## Exercises", "## Summary", "## References"):
        assert heading in markdown, f"{path.name} lacks {heading}"
    assert "from reglab import" in code_cells(nb)[0].source, "the first code cell imports reglab"
    exercises = exercise_groups(nb)
    assert len(exercises) >= 4, f"{path.name} has {len(exercises)} exercises"
    for name, cells in exercises.items():
        solutions = [c for c in cells if "solution" in tags(c)]
        assert solutions, f"{path.name}, {name}: every exercise needs a solution (a cell tagged 'solution')"
        for cell in solutions:
            if cell.cell_type == "code":
                assert "hide-cell" in tags(cell), f"{name}: solution code must be hidden on the website"
            else:
                assert ":class: dropdown" in cell.source, f"{name}: a written solution must be a dropdown"
        if any(c.cell_type == "code" for c in solutions):
            assert any(is_check(c) for c in cells), f"{path.name}, {name}: a coding exercise needs a check cell"


def exercise_groups(nb) -> dict:
    """The cells of each exercise, from its statement to the next exercise or the summary."""
    groups, current = {}, None
    for cell in nb.cells:
        statement = re.search(r"\*\*(Exercise \d+)", cell.source) if cell.cell_type == "markdown" else None
        if statement and "solution" not in tags(cell):
            current = groups.setdefault(statement.group(1), [])
        elif cell.cell_type == "markdown" and "## Summary" in cell.source:
            current = None
        if current is not None:
            current.append(cell)
    return groups


def is_check(cell) -> bool:
    return cell.cell_type == "code" and "checks.check_" in cell.source


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_check_passes_on_the_teachers_solutions(path):
    checks = [c for c in load(path).cells if is_check(c)]
    assert checks, f"{path.name} has no check cells"
    for cell in checks:
        shown = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)
        assert shown.startswith("✓"), f"{cell.source!r} shows {shown!r}"
        assert "hide-output" in tags(cell), "a check's output names the answer: hide it on the website"


def test_every_check_helper_is_used_by_a_chapter():
    from reglab import checks

    used = " ".join(c.source for path in CHAPTERS for c in load(path).cells if is_check(c))
    helpers = [name for name in dir(checks) if name.startswith("check_")]
    assert helpers and all(f"checks.{name}(" in used for name in helpers), [
        name for name in helpers if f"checks.{name}(" not in used]


def test_notebooks_use_the_kernel_of_this_environment():
    for path in CHAPTERS:
        assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_code_fits_the_page_without_scrolling(path):
    long_lines = [line for cell in code_cells(load(path)) for line in cell.source.splitlines() if len(line) > 88]
    assert not long_lines, long_lines
