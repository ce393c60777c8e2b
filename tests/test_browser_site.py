"""The website in a real browser: every page of the table of contents, served from the session's build on 127.0.0.1.

Each page must load with no console error, no failed local request and no request off 127.0.0.1; its math must be
typeset by the bundled MathJax, every image must load, every solution toggle must open on click, and every
kernel-free scrubber must move and change its image. A full-page screenshot of each page goes to
test-artifacts/site/.
"""

import functools
import http.server
import threading
from urllib.parse import urlsplit

import pytest

from conftest import ARTIFACTS, toc_pages

SHOTS = ARTIFACTS / "site"
TIMEOUT_MS = 60_000

# Text the typesetter should have consumed: raw TeX delimiters left in the prose mean MathJax did not run.
RAW_TEX = ("\\(", "\\)", "\\[", "$$")
PROSE_TEXT = """() => {
  const article = document.querySelector("article.bd-article").cloneNode(true);
  article.querySelectorAll("pre, code, script, style, mjx-container").forEach(e => e.remove());
  return article.textContent;
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    """The built site over HTTP on 127.0.0.1, a free port, in a background thread; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(site.html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


class PageWatch:
    """Records a page's console errors, page errors, failed local requests and blocked outside requests."""

    def __init__(self, context, page, base):
        self.host = urlsplit(base).netloc
        self.errors, self.failed, self.outside = [], [], []
        context.route("**/*", self._route)
        page.on("console", self._console)
        page.on("pageerror", lambda err: self.errors.append(f"page error: {err}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _local(self, url):
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.netloc == self.host

    def _route(self, route):
        if self._local(route.request.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _request_failed(self, request):
        if self._local(request.url):
            self.failed.append(f"{request.url} ({request.failure})")

    def _response(self, response):
        if self._local(response.url) and response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def check(self, page_name):
        assert not self.outside, f"{page_name} requested outside its 127.0.0.1 server (blocked): {self.outside}"
        assert not self.failed, f"{page_name}: failed local requests: {self.failed}"
        assert not self.errors, f"{page_name}: console errors: {self.errors}"


def test_toc_pages_are_found_at_any_depth(tmp_path):
    """Pages added to the toc at any depth are tested too (suffixes dropped, external urls skipped)."""
    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\nroot: index\nparts:\n  - caption: A\n    chapters:\n      - file: a/one\n"
                   "        sections:\n          - file: a/two.ipynb\n            sections:\n"
                   "              - file: a/three\n      - url: https://example.org\n")
    assert toc_pages(toc) == ["index", "a/one", "a/two", "a/three"]


def wait_for_math(page):
    """Wait until MathJax has finished its first typesetting pass (a no-op on a page without MathJax)."""
    page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)",
                           timeout=TIMEOUT_MS)
    page.evaluate("() => window.MathJax ? MathJax.startup.promise.then(() => true) : true")


def check_math(page, name):
    """Every formula in the article holds MathJax output, none a MathJax error, no raw TeX left; returns the count."""
    math = page.locator("article.bd-article .math")
    count = math.count()
    if count:
        untypeset = page.evaluate("""() => [...document.querySelectorAll("article.bd-article .math")]
            .filter(e => !e.querySelector("mjx-container")).map(e => e.textContent.slice(0, 80))""")
        assert not untypeset, f"{name}: {len(untypeset)} of {count} formulas not typeset: {untypeset[:5]}"
        errors = page.locator("article.bd-article mjx-merror")
        assert errors.count() == 0, f"{name}: MathJax errors: {errors.all_text_contents()[:5]}"
    prose = page.evaluate(PROSE_TEXT)
    raw = [token for token in RAW_TEX if token in prose]
    assert not raw, f"{name}: raw TeX {raw} left in the text"
    return count


def open_toggles(page, name):
    """Click every closed solution toggle in the article and check its content became visible; returns the count."""
    opened = 0
    details = page.locator("article.bd-article details")
    for i in range(details.count()):
        block = details.nth(i)
        if block.evaluate("e => e.open"):
            continue
        body = block.locator(":scope > :not(summary)").first
        assert not body.is_visible(), f"{name}: toggle {i} shows its content before a click"
        block.locator(":scope > summary").click()
        assert block.evaluate("e => e.open"), f"{name}: toggle {i} did not open"
        body.wait_for(state="visible", timeout=5_000)
        opened += 1
    dropdowns = page.locator("article.bd-article .admonition.dropdown")
    for i in range(dropdowns.count()):
        block = dropdowns.nth(i)
        button = block.locator(".toggle-button")
        button.wait_for(state="attached", timeout=10_000)  # added by sphinx-togglebutton's script
        body = block.locator(":scope > :not(.admonition-title)").first
        assert button.get_attribute("aria-expanded") == "false" and not body.is_visible(), \
            f"{name}: dropdown {i} is not closed at first"
        block.locator(":scope > .admonition-title").click()
        body.wait_for(state="visible", timeout=5_000)
        assert button.get_attribute("aria-expanded") == "true", f"{name}: dropdown {i} did not report it opened"
        opened += 1
    return opened


def check_images(page, name):
    """Every <img> on the page has loaded with a non-zero natural width; returns the count."""
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=TIMEOUT_MS)
    broken = page.evaluate("() => [...document.images].filter(i => !(i.naturalWidth > 0))"
                           ".map(i => i.src.slice(0, 100))")
    assert not broken, f"{name}: images that did not load: {broken}"
    return page.evaluate("() => document.images.length")


def check_scrubbers(page, name):
    """Use each kernel-free scrubber's range input with the keyboard: the value, its label and its image change."""
    scrubbers = page.locator(".reglab-scrubber")
    for i in range(scrubbers.count()):
        scrubber = scrubbers.nth(i)
        slider, label = scrubber.locator("input[type=range]"), scrubber.locator("output")
        image = scrubber.locator("img")
        before = (slider.input_value(), label.inner_text(), image.get_attribute("src"))
        key = "ArrowLeft" if before[0] == slider.get_attribute("max") else "ArrowRight"
        slider.scroll_into_view_if_needed()
        slider.focus()
        slider.press(key)
        after = (slider.input_value(), label.inner_text(), image.get_attribute("src"))
        assert after[0] != before[0], f"{name}: scrubber {i} did not move on {key}"
        assert after[1] != before[1], f"{name}: scrubber {i} label stayed {before[1]!r}"
        assert after[2] != before[2], f"{name}: scrubber {i} image did not change ({before[1]} -> {after[1]})"
        image.evaluate("i => i.decode()")
        assert image.evaluate("i => i.naturalWidth") > 0, f"{name}: scrubber {i} shows a broken frame"
    return scrubbers.count()


@pytest.mark.parametrize("name", toc_pages())
def test_page_works_in_a_browser(browser, server, name):
    """Load, typeset, open the toggles, check the images, move the scrubbers: no error, nothing fetched online."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch(context, page, server)
    try:
        response = page.goto(f"{server}/{name}.html", wait_until="load")
        assert response.ok, f"{name}: HTTP {response.status}"
        wait_for_math(page)
        page.wait_for_load_state("networkidle")
        formulas = check_math(page, name)
        toggles = open_toggles(page, name)
        images = check_images(page, name)
        scrubbers = check_scrubbers(page, name)
        page.wait_for_load_state("networkidle")
        watch.check(name)
        print(f"{name}: {formulas} formulas typeset, {toggles} toggles opened, {images} images loaded, "
              f"{scrubbers} scrubbers moved")
    finally:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name.replace('/', '__')}.png", full_page=True)
        context.close()
