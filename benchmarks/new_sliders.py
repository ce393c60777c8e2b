"""Speed budgets of Chapter 0's and Chapter 5's live sliders and of running the two chapters.

Run from the project root:  python benchmarks/new_sliders.py            (sliders, about 30 s)
                            python benchmarks/new_sliders.py --chapters (also executes both chapters, about 1 min)
Each latency is the median over 20 slider moves, each recomputing from scratch (the app's result cache is emptied
before every move): from setting the slider to the new PNG being in the image widget. The load average is printed
because this machine is shared: the figures scale with it.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reglab import widgets

MOVES = 20
BUDGET_MS = 150
CHAPTER_BUDGET_S = 30
ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ["chapters/00_generalization.ipynb", "chapters/05_toolbox.ipynb"]


def move_latency_ms(app, name, values):
    """Median time of MOVES slider moves through values (cycled), none of them answered from the cache."""
    slider, times = app.controls[name], []
    values = [v for v in values if v != slider.value]
    for i in range(MOVES):
        value = values[i % len(values)]
        if value == slider.value:
            value = values[(i + 1) % len(values)]
        app.cache.clear()
        before = bytes(app.image.value)
        start = time.perf_counter()
        slider.value = value
        times.append(time.perf_counter() - start)
        assert app.error is None and bytes(app.image.value) != before, (name, value)
    return 1000 * statistics.median(times)


def report(name, measured, budget, unit):
    verdict = "ok" if measured <= budget else "OVER BUDGET"
    print(f"{name:<66} {measured:8.1f} {unit}   (budget {budget:4.0f} {unit})  {verdict}")


def chapter_seconds(path):
    """Wall time of executing a copy of one chapter from a fresh kernel, as the README's command does."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / Path(path).name
        shutil.copy(ROOT / path, copy)
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                        "--inplace", "--ExecutePreprocessor.record_timing=False", str(copy)],
                       check=True, capture_output=True, cwd=ROOT / "chapters")
        return time.perf_counter() - start


def main():
    print(f"load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    capacity = widgets.capacity_explorer(degree=3, num_train=20)
    report("capacity explorer: degree slider to redrawn figure",
           move_latency_ms(capacity, "degree", [d for d in widgets.DEGREES if d != 3]), BUDGET_MS, "ms")
    report("capacity explorer: training-size slider to redrawn figure",
           move_latency_ms(capacity, "num_train", list(widgets.TRAIN_SIZES)), BUDGET_MS, "ms")
    init = widgets.init_explorer(scale=1.0, depth=20)
    report("initialisation explorer: scale slider (depth 20) to redrawn figure",
           move_latency_ms(init, "scale", list(widgets.INIT_SCALES)), BUDGET_MS, "ms")
    init.controls["scale"].value = 1.0
    report("initialisation explorer: depth slider (2 to 50) to redrawn figure",
           move_latency_ms(init, "depth", list(widgets.DEPTHS)), BUDGET_MS, "ms")
    if "--chapters" in sys.argv:
        for path in CHAPTERS:
            report(f"execute {path}", chapter_seconds(path), CHAPTER_BUDGET_S, "s")
    print(f"load average after:  {' '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
