"""Write the student edition: every cell tagged `solution` becomes a stub that restates the task; checks stay.

Usage (from the book's root): python -m reglab.student_edition --output student-edition
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
import textwrap
from pathlib import Path

import nbformat

__all__ = ["EXERCISE", "HIDING_TAGS", "SOLUTION_TAG", "code_stub", "is_check", "is_solution", "main", "prose_stub",
           "student_notebook", "write_student_edition"]

SOLUTION_TAG = "solution"
HIDING_TAGS = {"hide-cell", "hide-input", "hide-output", "remove-cell", "remove-input", "remove-output"}
EXERCISE = re.compile(r"\*\*(Exercise \d+)(?: \(([^)]*)\))?\.\*\*\s*(.*)", re.S)


def is_solution(cell) -> bool:
    """True for a cell tagged as a solution."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def is_check(cell) -> bool:
    """True for a code cell that calls a reglab.checks helper."""
    return cell.cell_type == "code" and re.search(r"\bchecks\.check_\w+\(", cell.source) is not None


def _plain(markdown: str) -> str:
    """Markdown of a task, flattened to one line of plain text for a comment."""
    text = re.sub(r"\*\*?([^*]+)\*\*?", r"\1", markdown)
    return " ".join(text.split())


def _defined_names(source: str) -> list:
    """Top-level names a solution defines (functions, classes, assignments), in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names))


def _used_later(names, later_cells) -> list:
    text = "\n".join(cell.source for cell in later_cells if cell.cell_type == "code" and not is_solution(cell))
    return [name for name in names if re.search(rf"\b{re.escape(name)}\b", text)]


def code_stub(exercise: str, task: str, names, checked: bool) -> str:
    """The code that replaces a solution: the task as comments, the names to define, and a NotImplementedError."""
    lines = [f"# {exercise}: your code here."]
    lines += textwrap.wrap(f"Task: {task}", width=84, initial_indent="# ", subsequent_indent="#   ",
                           break_on_hyphens=False)
    if names:
        them = "this name" if len(names) == 1 else "these names"
        lines.append(f"# Define {', '.join(names)}: the check below needs {them}.")
    then = "then run the check" if checked else "then run it"
    lines.append(f'raise NotImplementedError("{exercise}: write your answer in this cell, {then}")')
    return "\n".join(lines)


def prose_stub(exercise: str) -> str:
    """The Markdown that replaces a written solution."""
    return (f"*{exercise}: write your answer here. (The worked solution is not part of the student edition; "
            f"it is discussed in class.)*")


def student_notebook(nb):
    """A copy of a notebook with every solution cell replaced by a stub and the outputs of checks removed."""
    nb = nbformat.from_dict(copy.deepcopy(nb))
    exercise, task = "Exercise", ""
    cells = nb.cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and not is_solution(cell):
            match = EXERCISE.search(cell.source)
            if match:
                exercise, task = match.group(1), _plain(match.group(3))
        if is_solution(cell):
            tags = [t for t in cell.metadata.get("tags", []) if t != SOLUTION_TAG and t not in HIDING_TAGS]
            if cell.cell_type == "code":
                later = cells[index + 1:index + 4]
                checked = any(is_check(c) for c in later[:1])
                cell.source = code_stub(exercise, task, _used_later(_defined_names(cell.source), later), checked)
                cell.outputs, cell.execution_count = [], None
            else:
                cell.source = prose_stub(exercise)
            cell.metadata["tags"] = tags
            if not tags:
                del cell.metadata["tags"]
        elif is_check(cell):
            cell.outputs, cell.execution_count = [], None
    nb.metadata["reglab"] = {"edition": "student"}
    return nb


def write_student_edition(source: Path, output: Path) -> list:
    """Write the student edition of every notebook in source/chapters to output/chapters; return the paths."""
    source, output = Path(source), Path(output)
    chapters = sorted((source / "chapters").glob("*.ipynb"))
    if not chapters:
        raise FileNotFoundError(f"no notebooks in {source / 'chapters'}: run this from the book's root "
                                f"or pass --source")
    if output.resolve() == source.resolve():
        raise ValueError("--output must differ from the book's own folder: the student edition would "
                         "overwrite the solutions")
    (output / "chapters").mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapters:
        target = output / "chapters" / path.name
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


def main(argv=None) -> int:
    """Command line: python -m reglab.student_edition [--source BOOK] [--output FOLDER]."""
    parser = argparse.ArgumentParser(prog="python -m reglab.student_edition", description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=".", help="the book's root folder (default: the current folder)")
    parser.add_argument("--output", default="student-edition", help="where to write (default: student-edition)")
    args = parser.parse_args(argv)
    written = write_student_edition(Path(args.source), Path(args.output))
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} chapters; hand out the folder {args.output}/ and keep the solutions in this book.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
