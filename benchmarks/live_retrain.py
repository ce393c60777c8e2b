"""The website's live explorers: key press -> new picture painted, many times, with the machine's speed beside it.

Run from the project root after a build:  python benchmarks/live_retrain.py [path/to/_build/html] [presses]
For every live explorer (laptop viewport, served from localhost), after a reader's first look: `presses` cold
presses (nothing trained ahead; a pause of 0.8 s before each, as a reader's), then the training alone timed in the
page the same number of times (the control: it shows how fast the machine was in that minute, since a shared VM's
speed can vary by half from one minute to the next). Prints median, 90th percentile and worst, and writes
test-artifacts/live-retrain.json. The budget is 100 ms from the key press to the painted picture.
"""

import json
import math
import statistics
import sys

from local_site import CHROMIUM, ROOT, load_average, serve_site

BUDGET_MS = 100
PAGES = ("chapters/00_generalization", "chapters/02_weight_decay", "chapters/03_dropout")
PAUSE_MS = 800
NEIGHBOURS_TRAINED = """e => { const x = e.reglabExplorer; if (!x || e.dataset.state !== "done") return false;
    const i = Number(x.range.value), n = x.spec.values.length;
    return [i - 1, i + 1].filter(j => j >= 0 && j < n).every(j => x.cache[x.key(x.settingAt(j))]); }"""
PAINTED = "([e, n]) => e.reglabExplorer.timings.length > n && e.dataset.state === 'done'"
# The training alone, as a move trains it (classifiers: training and the decision grid), timed in the page.
CONTROL = """(e, times) => {
    const x = e.reglabExplorer, api = window.reglabLive, setting = x.settingAt(Number(x.range.value)), out = [];
    for (let r = 0; r < times; r++) {
        const t = performance.now();
        if (x.spec.kind === 'classifier') {
            const run = new api.Classifier(x.spec, setting);
            run.step(Infinity);
            run.gridProbs();
        }
        else if (x.spec.kind === 'regression') api.trainRegression(x.spec, setting);
        else { const d = x.spec.sets[String(setting.num_train)]; api.capacityCurve(d, x.spec.max_degree); }
        out.push(performance.now() - t);
    }
    return out; }"""


def summary(times):
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 1),
            "p90_ms": round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1),  # nearest rank
            "worst_ms": round(ordered[-1], 1), "all_ms": [round(t, 1) for t in times]}


def main():
    from playwright.sync_api import sync_playwright

    url = serve_site(sys.argv)
    presses = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    report = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name in PAGES:
            context = browser.new_context(viewport={"width": 1366, "height": 800}, service_workers="block")
            page = context.new_page()
            page.goto(f"{url}/{name}.html", wait_until="load")
            live = page.locator(".reglab-live")
            for i in range(live.count()):
                explorer = live.nth(i)
                explorer.scroll_into_view_if_needed()
                page.wait_for_function(NEIGHBOURS_TRAINED, arg=explorer.element_handle(), timeout=60_000)
                slider = explorer.locator("input[type=range]")
                top = slider.get_attribute("max")
                cold = []
                for press in range(presses):
                    page.wait_for_timeout(PAUSE_MS)
                    explorer.evaluate("e => e.reglabExplorer.forget()")
                    key = "ArrowRight" if press % 2 == 0 else "ArrowLeft"
                    if slider.input_value() == (top if key == "ArrowRight" else "0"):
                        key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
                    count = explorer.evaluate("e => e.reglabExplorer.timings.length")
                    slider.press(key)
                    page.wait_for_function(PAINTED, arg=[explorer.element_handle(), count], timeout=60_000)
                    cold.append(explorer.evaluate("e => e.reglabExplorer.timings.at(-1).ms"))
                control = explorer.evaluate(CONTROL, presses)
                title = explorer.locator("p b").inner_text()
                row = {"press_to_paint": summary(cold), "training_alone": summary(control)}
                report[f"{name}: {title}"] = row
                over = sum(t > BUDGET_MS for t in cold)
                print(f"{name}: {title}\n  press -> painted: median {row['press_to_paint']['median_ms']} ms, "
                      f"90th percentile {row['press_to_paint']['p90_ms']} ms, "
                      f"worst {row['press_to_paint']['worst_ms']} ms "
                      f"({over} of {presses} over {BUDGET_MS} ms)\n  training alone: median "
                      f"{row['training_alone']['median_ms']} ms, worst {row['training_alone']['worst_ms']} ms")
            context.close()
        browser.close()
    print(f"load average after: {load_average()}")
    out = ROOT / "test-artifacts" / "live-retrain.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
