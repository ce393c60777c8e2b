"""The student edition: solutions become stubs that restate the task, checks stay, and no solution text leaks."""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import CHAPTERS, EXECUTORS, QUIET_THREADS, ROOT
from reglab import student_edition as se


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student-edition")
    assert se.main(["--source", str(ROOT), "--output", str(out)]) == 0
    return out


def pair(edition, path):
    return nbformat.read(path, as_version=4), nbformat.read(edition / "chapters" / path.name, as_version=4)


def test_every_chapter_gets_a_student_copy(edition):
    assert sorted(p.name for p in (edition / "chapters").glob("*.ipynb")) == [p.name for p in CHAPTERS]


def test_refuses_to_overwrite_the_teachers_book(tmp_path):
    with pytest.raises(ValueError, match="overwrite the solutions"):
        se.write_student_edition(ROOT, ROOT)
    with pytest.raises(FileNotFoundError, match="run this from the book's root"):
        se.write_student_edition(tmp_path, tmp_path / "out")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_solutions_become_stubs_and_everything_else_stays(edition, path):
    teacher, student = pair(edition, path)
    assert len(teacher.cells) == len(student.cells)
    stubs = 0
    for ours, theirs in zip(teacher.cells, student.cells):
        if se.is_solution(ours):
            stubs += 1
            assert not se.is_solution(theirs) and "hide-cell" not in theirs.metadata.get("tags", [])
            if ours.cell_type == "code":
                assert theirs.source.splitlines()[-1].startswith("raise NotImplementedError(")
                assert "# Task: " in theirs.source and theirs.outputs == []
            else:
                assert "write your answer here" in theirs.source
        else:
            assert theirs.source == ours.source
            if se.is_check(ours):
                assert theirs.outputs == [], "a check's output would give the answer away"
    assert stubs >= 4


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_text_leaks_into_the_student_edition(edition, path):
    teacher, student = pair(edition, path)
    elsewhere = json.dumps([c for c in teacher.cells if not se.is_solution(c)
                            and not se.is_check(c)], ensure_ascii=False)
    secrets = set()
    for cell in filter(se.is_solution, teacher.cells):
        pieces = cell.source.splitlines() + [str(o.get("text", "")) for o in cell.get("outputs", [])]
        pieces += [str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", [])]
        secrets |= {line.strip() for piece in pieces for line in piece.splitlines() if len(line.strip()) >= 8}
    secrets = {s for s in secrets if json.dumps(s, ensure_ascii=False)[1:-1] not in elsewhere}
    assert len(secrets) > 20
    text = json.dumps(student, ensure_ascii=False)
    leaked = [s for s in secrets if json.dumps(s, ensure_ascii=False)[1:-1] in text]
    assert not leaked, leaked[:5]


def test_a_stub_names_what_the_check_needs():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("**Exercise 7 (cubes).** Write `cube(x)`, the cube of `x`."),
        nbformat.v4.new_code_cell("def cube(x):\n    return x ** 3\n\n\nhelper = 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("checks.check_cube(cube)"),
    ])
    stub = se.student_notebook(nb).cells[1].source
    assert "# Exercise 7: your code here." in stub and "Write `cube(x)`, the cube of `x`." in stub
    assert "# Define cube: the check below needs this name." in stub and "helper" not in stub
    assert stub.endswith('raise NotImplementedError("Exercise 7: write your answer in this cell, then run the check")')


def run_up_to_the_first_stub(edition, name):
    """Execute a student chapter in a fresh kernel of this environment; returns (notebook, index of first stub, error)."""
    student = nbformat.read(edition / "chapters" / name, as_version=4)
    first_stub = next(i for i, c in enumerate(student.cells) if "raise NotImplementedError(" in c.source)
    client = NotebookClient(student, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(edition / "chapters")}})
    try:
        client.execute()
    except CellExecutionError as err:
        return student, first_stub, err
    return student, first_stub, None


@pytest.fixture(scope="module")
def student_runs(edition):
    """Every student chapter executed up to its first stub, two chapters at a time (one kernel each)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # this environment's kernel
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", path)
        for name, value in QUIET_THREADS.items():
            patch.setenv(name, value)
        with ThreadPoolExecutor(EXECUTORS) as pool:
            runs = pool.map(lambda p: run_up_to_the_first_stub(edition, p.name), CHAPTERS)
            return dict(zip([p.stem for p in CHAPTERS], runs))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_runs_up_to_the_first_stub_and_stops_with_its_error(student_runs, path):
    student, first_stub, error = student_runs[path.stem]
    assert error is not None and "NotImplementedError" in str(error), f"the run did not stop at a stub: {error}"
    failed = [i for i, c in enumerate(student.cells) if c.cell_type == "code"
              and "raises-exception" not in c.metadata.get("tags", [])
              and any(o.output_type == "error" for o in c.outputs)]
    assert failed == [first_stub]
    ran = [c.execution_count is not None for c in student.cells[:first_stub + 1] if c.cell_type == "code"]
    assert all(ran), "every cell before the first stub must run"
    assert all(c.execution_count is None for c in student.cells[first_stub + 1:] if c.cell_type == "code")
