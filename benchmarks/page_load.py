"""The website's first-load time: DOMContentLoaded of every page, at laptop and phone size, each in a fresh browser
context (nothing cached), served from localhost.

Run from the project root after a build:  python benchmarks/page_load.py [path/to/_build/html] [loads per page]
Prints the median and the worst of the loads per page and writes test-artifacts/page-load.json. The budget is
400 ms; run it on a quiet machine (the load average is printed): the test suite's own figures
(test-artifacts/page-weight-*.json) are taken while the other test worker keeps a core busy.
"""

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import toc_pages  # noqa: E402
from local_site import CHROMIUM, load_average, serve_site  # noqa: E402

VIEWPORTS = {"laptop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
BUDGET_MS = 400


def main():
    from playwright.sync_api import sync_playwright

    url = serve_site(sys.argv)
    loads = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    report = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for viewport, size in VIEWPORTS.items():
            for name in toc_pages():
                times = []
                for _ in range(loads):
                    context = browser.new_context(viewport=size, service_workers="block")
                    page = context.new_page()
                    page.goto(f"{url}/{name}.html", wait_until="load")
                    times.append(page.evaluate(
                        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
                    context.close()
                row = {"median_ms": round(statistics.median(times)), "worst_ms": round(max(times)),
                       "loads_ms": [round(t) for t in times]}
                report[f"{viewport} {name}"] = row
                flag = "" if row["worst_ms"] <= BUDGET_MS else f"  (over {BUDGET_MS} ms)"
                print(f"{viewport:6} {name:32} DOMContentLoaded median {row['median_ms']:4} ms, "
                      f"worst {row['worst_ms']:4} ms{flag}")
        browser.close()
    print(f"load average after: {load_average()}")
    out = ROOT / "test-artifacts" / "page-load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
