"""Chapter 3's Run All: time of every code cell (wall and CPU), the total against its budget, and the load.

Run from the project root:  python benchmarks/dropout_chapter_time.py
The cells run in order in this process (as a kernel would run them). On a shared machine, wall times grow with
the load average printed alongside; CPU time is the better guide to what an idle 2-core machine takes.
"""

import contextlib
import io
import os
import time
from pathlib import Path

import nbformat

os.environ.setdefault("MPLBACKEND", "Agg")
NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "03_dropout.ipynb"
RUN_ALL_BUDGET_S, CELL_WITHOUT_PROGRESS_BUDGET_S = 25.0, 5.0


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "n/a"


def main():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    namespace, rows = {}, []
    print(f"load average before: {load_average()}")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(source, f"cell {index}", "exec"), namespace)  # the cell's own prints are not shown
        rows.append((time.perf_counter() - wall, time.process_time() - cpu, index, cell.source))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(f"load average after: {load_average()}\n\nslowest cells (wall, CPU, progress bar?):")
    for cell_wall, cell_cpu, index, source in sorted(rows, reverse=True)[:8]:
        bar = "progress bar" if "progress=" in source else "no bar"
        flag = "" if bar == "progress bar" or cell_wall <= CELL_WITHOUT_PROGRESS_BUDGET_S else "  OVER 5 s"
        print(f"  cell {index:2d}: {cell_wall:6.2f} s wall {cell_cpu:6.2f} s CPU  {bar:<12} "
              f"{source.splitlines()[0][:50]}{flag}")
    print(f"\nall cells: {wall:.1f} s wall, {cpu:.1f} s CPU; budget {RUN_ALL_BUDGET_S:.0f} s "
          "(kernel start and imports outside the cells add about 2 s)")


if __name__ == "__main__":
    main()
