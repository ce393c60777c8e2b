"""Speed budgets of the live sliders, measured on this machine; prints each figure next to its budget.

Run from the project root:  python benchmarks/slider_latency.py
"Cold" latencies are medians over 20 slider moves to values not seen before (no cache hits, no prefetching): the
worst case. "Served" latencies are what a reader of a notebook gets: the app serves moves from its worker thread
as in a kernel, the reader looks at each figure for a second (the app prefetches the neighbours meanwhile), then
presses an arrow key; measured from setting the slider to the new PNG being in the image widget, median and max over
8 moves. The browser adds its own share on top (tests/test_browser_lab.py reports key press -> painted figure:
targets median 150 ms, max 250 ms), so the kernel's budget for a served move is 60 ms median, 120 ms max.
"""

import os
import statistics
import time

import numpy as np

from reglab import data, presets, train, widgets

MOVES = 20


def median_ms(times):
    return 1000 * statistics.median(times)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def fresh_values(low, high, count):
    """count distinct λ values on a log grid, none of them a slider default (so nothing is cached)."""
    return list(np.round(np.logspace(np.log10(low), np.log10(high), count), 8))


def slider_to_figure(task, values):
    """Median time from setting the slider to the new PNG being in the image widget."""
    app = widgets.dropout_explorer() if task == "dropout" else widgets.weight_decay_explorer(task)
    slider = app.slider
    slider.options = [(str(v), v) for v in [slider.value, *values]]
    times = []
    for value in values:
        before = bytes(app.image.value)
        times.append(timed(lambda: setattr(slider, "value", value)))
        assert bytes(app.image.value) != before and app.error is None
    return median_ms(times)


def served_moves(make, presses=8, pause_s=1.0):
    """(median, max) ms of moves served by the worker thread after a reader's pause, stepping right then back."""
    app = make().serve_in_background()
    options = list(app.slider._options_values)
    app.wait(prefetched=True)
    times, step = [], 1
    for _ in range(presses):
        time.sleep(pause_s)
        here = options.index(app.slider.value)
        step = -1 if here + step >= len(options) else step
        start = time.perf_counter()
        app.slider.value = options[here + step]
        app.wait()
        times.append(time.perf_counter() - start)
    return median_ms(times), 1000 * max(times)


def report(name, measured_ms, budget_ms):
    verdict = "ok" if measured_ms <= budget_ms else "OVER BUDGET"
    print(f"{name:<58} {measured_ms:8.1f} ms   (budget {budget_ms:5.0f} ms)  {verdict}")


def main():
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures scale with it)")
    regression = data.make_high_dim_regression(seed=0)
    values = fresh_values(0.0011, 27.0, MOVES)
    retrain = [timed(lambda v=v: train.train_linear_regression(regression, weight_decay=v)) for v in values]
    report("linear regression: one retrain", median_ms(retrain), 20)
    report("linear regression: slider to redrawn figure", slider_to_figure("regression", values), 100)
    report("2-D classifier: slider to redrawn figure",
           slider_to_figure("classification", fresh_values(0.00011, 0.27, MOVES)), 300)

    report("dropout classifier: slider to redrawn figure",
           slider_to_figure("dropout", list(np.round(np.linspace(0.013, 0.887, MOVES), 4))), 300)

    explorers = {"unit ball (p)": widgets.unit_ball_explorer,
                 "linear regression (λ)": lambda: widgets.weight_decay_explorer("regression"),
                 "2-D classifier (λ)": lambda: widgets.weight_decay_explorer("classification"),
                 "dropout classifier (drop rate)": widgets.dropout_explorer}
    for name, make in explorers.items():
        median, worst = served_moves(make)
        report(f"{name}: served move, median", median, 60)
        report(f"{name}: served move, max", worst, 120)

    grid = np.concatenate([[0.0], np.logspace(-3, 2.5, 49)])
    batched = median_ms([timed(lambda: train.sweep_linear_regression(regression, grid)) for _ in range(5)])
    report("sweep over 50 λ, batched (all models at once)", batched, 500)
    loop = timed(lambda: [train.train_linear_regression(regression, weight_decay=v) for v in grid])
    print(f"{'sweep over 50 λ, Python loop over models (for comparison)':<58} {1000 * loop:8.1f} ms   "
          f"({1000 * loop / batched:.0f}x slower)")

    moons, rates = presets.default_data("dropout"), [round(0.1 * i, 1) for i in range(10)]
    batched = 1000 * timed(lambda: train.sweep_classifier(moons, drop_rates=rates, **presets.DROPOUT_SETTINGS))
    loop = 1000 * timed(lambda: [train.train_classifier(moons, drop_rate=r, **presets.DROPOUT_SETTINGS)
                                 for r in rates])
    print(f"{'sweep over 10 drop rates, batched (all models at once)':<58} {batched:8.1f} ms")
    print(f"{'sweep over 10 drop rates, Python loop over models':<58} {loop:8.1f} ms   ({loop / batched:.1f}x slower)")


if __name__ == "__main__":
    main()
