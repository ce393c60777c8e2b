"""Every chapter, executed once this session, prints what its stored outputs say: nbval's own comparison, cell by cell.

The chapters are executed by the session fixture `executed_book` (conftest.py), which the website build shares, so
each chapter runs once per test session. The comparison is nbval's (`IPyNbCell.compare_outputs`) with nbval's
defaults (images and widget ids are not compared) and tests/sanitize.cfg, and nbval's cell tags: `nbval-ignore-output`
skips the comparison, `nbval-skip` the cell, and an error is allowed only in a cell tagged `raises-exception`.
To run nbval itself on one notebook: python -m pytest -o addopts="--nbval --nbval-current-env
--nbval-sanitize-with=tests/sanitize.cfg" chapters/NAME.ipynb
"""

from types import SimpleNamespace

import nbformat
import pytest
from nbval.plugin import (IPyNbCell, coalesce_streams, find_comment_markers, find_metadata_tags,
                          get_sanitize_patterns, nocolors)

from conftest import CHAPTERS, ROOT

# nbval's skip list without --nbdime: these keys are never compared.
SKIP_COMPARE = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg")


class Comparison:
    """Stands in for one of nbval's cell items, so its comparison and sanitising code runs unchanged."""

    colors = nocolors
    compare_outputs = IPyNbCell.compare_outputs
    format_output_compare = IPyNbCell.format_output_compare
    sanitize = IPyNbCell.sanitize

    config = None
    ihook = SimpleNamespace(pytest_assertrepr_compare=lambda **kwargs: [])  # nbval's plain report of a mismatch

    def __init__(self, patterns):
        self.parent = SimpleNamespace(skip_compare=SKIP_COMPARE, sanitize_patterns=patterns)
        self.comparison_traceback = []


def nbval_options(cell) -> dict:
    """nbval's options for a cell, from its tags and its comment markers (the comments win, as in nbval)."""
    options = dict(find_metadata_tags(cell.metadata) or {})
    options.update(dict(find_comment_markers(cell.source)))
    return options


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_nbval_comparison_catches_a_changed_number():
    """The stand-in really compares: a different number fails, a different memory address does not."""
    patterns = dict(get_sanitize_patterns((ROOT / "tests" / "sanitize.cfg").read_text()))
    stored = [nbformat.v4.new_output("stream", name="stdout", text="loss 0.25 at 0x7f00aa\n")]
    same = [nbformat.v4.new_output("stream", name="stdout", text="loss 0.25 at 0x7f11bb\n")]
    other = [nbformat.v4.new_output("stream", name="stdout", text="loss 0.26 at 0x7f00aa\n")]
    assert Comparison(patterns).compare_outputs(same, stored)
    comparison = Comparison(patterns)
    assert not comparison.compare_outputs(other, stored) and comparison.comparison_traceback


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_outputs_match_the_stored_ones(executed_book, path):
    seconds, code, log = executed_book.runs[path.stem]
    assert code == 0, f"{path.name} did not run ({seconds:.0f} s):\n{log[-3000:]}"
    patterns = dict(get_sanitize_patterns((ROOT / "tests" / "sanitize.cfg").read_text()))
    stored, fresh = code_cells(path), code_cells(executed_book.chapters[path.stem])
    assert [c.source for c in stored] == [c.source for c in fresh]
    failures = []
    for number, (reference, cell) in enumerate(zip(stored, fresh)):
        options = nbval_options(reference)
        if options.get("skip"):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors and not options.get("check_exception"):
            failures.append(f"Cell {number} raised {errors[0].ename}: {errors[0].evalue}\n{reference.source[:300]}")
            continue
        if options.get("check", True) and reference.execution_count is not None:
            comparison = Comparison(patterns)
            if not comparison.compare_outputs(coalesce_streams(cell.outputs), coalesce_streams(reference.outputs)):
                failures.append(f"Cell {number} outputs differ:\n{reference.source[:300]}\n"
                                + "\n".join(comparison.comparison_traceback))
    assert not failures, f"{path.name} (executed in {seconds:.0f} s):\n\n" + "\n\n".join(failures)
