"""The website in a real browser: every page of the table of contents, served from the session's build on 127.0.0.1.

Each page must load with no console error, no failed local request and no request off 127.0.0.1; its math must be
typeset by the bundled MathJax, every image must load, every solution toggle must open on click, and every
kernel-free scrubber must move and change its image. A full-page screenshot of each page goes to
test-artifacts/site/.
"""

import base64
import functools
import http.server
import json
import re
import struct
import threading
from urllib.parse import urlsplit

import numpy as np
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
    """Every <img> on the page loads with a non-zero natural width (lazy ones are asked now); returns the count."""
    page.evaluate("() => [...document.images].forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=TIMEOUT_MS)
    broken = page.evaluate("() => [...document.images].filter(i => !(i.naturalWidth > 0))"
                           ".map(i => i.src.slice(0, 100))")
    assert not broken, f"{name}: images that did not load: {broken}"
    return page.evaluate("() => document.images.length")


LIVE_DONE = "e => e.dataset.state === 'done'"  # a live explorer has painted its picture (after loading its data)


def live_ready(page, explorer):
    """Scroll a live explorer into view (its data loads as it nears the screen) and wait for its first picture."""
    explorer.scroll_into_view_if_needed()
    page.wait_for_function(LIVE_DONE, arg=explorer.element_handle(), timeout=TIMEOUT_MS)
# A live explorer's picture: its canvas's pixels (the frame image of a precomputed scrubber).
PICTURE = "e => e.classList.contains('reglab-live-on') ? e.querySelector('canvas').toDataURL() : e.querySelector('img').src"


def check_scrubbers(page, name):
    """Move each scrubber and live explorer with the keyboard: the value, its label and its picture change."""
    scrubbers = page.locator(".reglab-scrubber")
    for i in range(scrubbers.count()):
        scrubber = scrubbers.nth(i)
        live = scrubber.evaluate("e => e.classList.contains('reglab-live')")
        if live:
            live_ready(page, scrubber)
        slider, label = scrubber.locator("input[type=range]"), scrubber.locator("output")
        before = (slider.input_value(), label.inner_text(), scrubber.evaluate(PICTURE))
        key = "ArrowLeft" if before[0] == slider.get_attribute("max") else "ArrowRight"
        slider.scroll_into_view_if_needed()
        slider.focus()
        slider.press(key)
        if live:
            page.wait_for_function(LIVE_DONE, arg=scrubber.element_handle(), timeout=TIMEOUT_MS)
        after = (slider.input_value(), label.inner_text(), scrubber.evaluate(PICTURE))
        assert after[0] != before[0], f"{name}: scrubber {i} did not move on {key}"
        assert after[1] != before[1], f"{name}: scrubber {i} label stayed {before[1]!r}"
        assert after[2] != before[2], f"{name}: scrubber {i} picture did not change ({before[1]} -> {after[1]})"
        if not live:
            image = scrubber.locator("img")
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


# ---------------------------------------------------------------------------------------------------------------
# The website as readers use it (issue 13): a laptop and a phone, each check at both sizes.

VIEWPORTS = {"laptop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
CHAPTER_PAGES = [name for name in toc_pages() if name.startswith("chapters/")]
SMALLEST_READABLE_PX = 9
# axe-core rules allowed to report serious/critical violations, with the reason. Keep this list short.
AXE_ALLOWED = {}


def open_page(browser, base, name, viewport, **options):
    """A new context at the viewport, the page loaded and typeset; returns (context, page, watch)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], service_workers="block", **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = PageWatch(context, page, base) if base.startswith("http") else None
    response = page.goto(f"{base}/{name}.html", wait_until="load")
    assert response is None or response.ok, f"{name}: HTTP {response.status}"
    if options.get("java_script_enabled", True):
        wait_for_math(page)
    return context, page, watch


def shot(page, name, viewport, what, full_page=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name.replace('/', '__')}--{what}-{viewport}.png", full_page=full_page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind,panel", [("primary-toggle", "#pst-primary-sidebar .bd-links a, "
                                                            "#pst-primary-sidebar-modal .bd-links a"),
                                        ("secondary-toggle", "#pst-secondary-sidebar .page-toc a, "
                                                             "#pst-secondary-sidebar-modal .page-toc a")])
def test_navigation_buttons_open_their_panel(browser, server, viewport, kind, panel):
    """The ☰ button shows the chapter list, the contents button the page's sections (or the panel is already shown)."""
    name = "chapters/02_weight_decay"
    context, page, watch = open_page(browser, server, name, viewport)
    try:
        links = page.locator(panel)

        def shown():
            return any(links.nth(i).is_visible() for i in range(links.count()))

        buttons = [b for b in page.locator(f"button.{kind}").all() if b.is_visible()]
        if not buttons:
            assert shown(), f"{viewport}: no visible {kind} button and its panel is not shown either"
            return
        before = shown()
        buttons[0].click()
        page.wait_for_timeout(400)  # the theme animates the panel
        assert shown() != before, f"{viewport}: the {kind} button did nothing (panel shown: {before} before the click)"
        if not before:
            shot(page, name, viewport, kind)
        watch.check(name)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_page_is_wider_than_the_screen(browser, server, viewport):
    """Wide code, outputs, tables and equations scroll inside their own box; the page itself never scrolls sideways."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], service_workers="block")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    wide = {}
    try:
        for name in toc_pages():
            page.goto(f"{server}/{name}.html", wait_until="load")
            wait_for_math(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > VIEWPORTS[viewport]["width"]:
                wide[name] = width
            shot(page, name, viewport, "page", full_page=True)
    finally:
        context.close()
    assert not wide, f"pages wider than the {VIEWPORTS[viewport]['width']} px screen: {wide}"


DRAG_STEPS = 16  # mouse moves across a slider: about as many as its values, so some values are skipped


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_dragging_a_scrubber_moves_its_value_steadily(browser, server, viewport):
    """Drag each scrubber's thumb from left to right: the value never jumps back and the slider never moves sideways."""
    dragged = 0
    for name in CHAPTER_PAGES:
        context, page, watch = open_page(browser, server, name, viewport)
        try:
            sliders = page.locator(".reglab-scrubber input[type=range]")
            for i in range(sliders.count()):
                slider = sliders.nth(i)
                slider.scroll_into_view_if_needed()
                box = slider.bounding_box()
                top = max(int(slider.get_attribute("max")), 1)
                y = box["y"] + box["height"] / 2
                page.mouse.move(box["x"] + 1, y)
                page.mouse.down()
                values, lefts = [], []
                for step in range(DRAG_STEPS + 1):
                    page.mouse.move(box["x"] + 1 + (box["width"] - 2) * step / DRAG_STEPS, y)
                    values.append(int(slider.input_value()))
                    lefts.append(round(slider.bounding_box()["x"]))
                page.mouse.up()
                assert values == sorted(values), f"{name} ({viewport}) scrubber {i}: a drag jumped: {values}"
                assert values[0] == 0 and values[-1] == top, f"{name} ({viewport}) scrubber {i}: {values}"
                assert len(set(lefts)) == 1, f"{name} ({viewport}) scrubber {i}: the slider moved sideways: {lefts}"
                text = slider.get_attribute("aria-valuetext") or ""
                label = page.locator(".reglab-scrubber output").nth(i).inner_text()
                assert text.endswith(label), f"{name}: aria-valuetext {text!r} does not announce {label!r}"
                dragged += 1
            if sliders.count():
                shot(page, name, viewport, "scrubber")
            watch.check(name)
        finally:
            context.close()
    assert dragged >= 3, f"expected the scrubbers of chapters 1-3, dragged {dragged}"


SOLUTIONS = ".tag_solution, .admonition.dropdown"
SOLUTION_BODIES = (".tag_solution .cell_input, .tag_solution .cell_output, "
                   ".admonition.dropdown > :not(.admonition-title)")


def hidden_solution_text(page, name, what):
    """Assert no solution body is visible; returns how many solutions the page holds."""
    bodies = page.locator(SOLUTION_BODIES)
    shown = [i for i in range(bodies.count()) if bodies.nth(i).is_visible()]
    assert not shown, f"{name} ({what}): {len(shown)} solution bodies visible: {bodies.nth(shown[0]).inner_text()[:80]!r}"
    return page.locator(SOLUTIONS).count()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_solutions_stay_hidden_without_javascript(browser, server, viewport):
    """With JavaScript off, every solution is folded and its toggle says "Solution"."""
    total = 0
    for name in CHAPTER_PAGES:
        context, page, _ = open_page(browser, server, name, viewport, java_script_enabled=False)
        try:
            total += hidden_solution_text(page, name, "no JavaScript")
            labels = page.locator(".tag_solution summary").all_inner_texts()
            assert all("solution" in label.lower() for label in labels), f"{name}: toggles labelled {labels}"
        finally:
            context.close()
    assert total >= 4, f"expected the chapters' solutions, found {total}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_chapters_print_as_handouts(browser, server, viewport):
    """In print: no solution, no navigation, code wraps instead of being cut off."""
    for name in CHAPTER_PAGES:
        context, page, _ = open_page(browser, server, name, viewport)
        try:
            page.emulate_media(media="print")
            solutions = hidden_solution_text(page, name, "print")
            assert solutions == 0 or not page.locator(SOLUTIONS).first.is_visible(), f"{name}: solution toggle printed"
            assert not page.locator(".bd-sidebar-primary, .bd-header").first.is_visible(), f"{name}: prints the nav"
            wraps = page.evaluate("""() => [...document.querySelectorAll('article pre')]
                .filter(e => e.offsetParent).every(e => getComputedStyle(e).whiteSpace === 'pre-wrap')""")
            assert wraps, f"{name}: printed code does not wrap"
            overflow = page.evaluate("""() => [...document.querySelectorAll('article pre')]
                .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).length""")
            assert overflow == 0, f"{name}: {overflow} printed code blocks are cut off"
            shot(page, name, viewport, "print")
        finally:
            context.close()


def index_terms(html_root):
    """The search index's terms: {stemmed word: set of page numbers}, and the page names."""
    text = (html_root / "searchindex.js").read_text()
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    terms = {}
    for key in ("terms", "titleterms"):
        for word, pages in index[key].items():
            terms.setdefault(word, set()).update([pages] if isinstance(pages, int) else pages)
    return terms, index["docnames"]


def test_solutions_are_not_in_the_search_index(browser, server, site):
    """Words that appear only inside a chapter's solutions are not indexed for that chapter."""
    from sphinx.search.en import SearchEnglish

    stem = SearchEnglish({}).stem
    terms, docnames = index_terms(site.html)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    checked = 0
    try:
        for name in CHAPTER_PAGES:
            page.goto(f"{server}/{name}.html")
            solution = page.evaluate(f"""() => [...document.querySelectorAll('{SOLUTIONS}')]
                .map(e => e.textContent).join(' ')""")
            rest = page.evaluate(f"""() => {{ const a = document.querySelector('article').cloneNode(true);
                a.querySelectorAll('{SOLUTIONS}').forEach(e => e.remove()); return a.textContent; }}""")
            def words(text):
                return {stem(w.lower()) for w in re.findall(r"[A-Za-z]+", text)}
            only = words(solution) - words(rest)
            doc = docnames.index(name)
            leaked = sorted(w for w in only if doc in terms.get(w, ()))
            assert not leaked, f"{name}: solution-only words in the search index: {leaked[:10]}"
            checked += len(only)
    finally:
        context.close()
    assert checked > 0, "no solution-only words to check: the test would pass vacuously"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_offline_search_shows_snippets_from_disk(browser, site, viewport):
    """search.html opened from file:// finds pages, shows a snippet for each, logs no error, and has one search box."""
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((site.html / "search.html").as_uri() + "?q=penalty")
        page.locator("#search-results li p.context").first.wait_for(timeout=TIMEOUT_MS)
        # results and their snippets appear one by one: wait until the search has finished and every result has one
        page.wait_for_function("""() => {
            const items = document.querySelectorAll('#search-results li');
            const done = /finished/i.test(document.querySelector('#search-results')?.innerText || '');
            return done && items.length > 0 && document.querySelectorAll('#search-results li p.context').length
                === items.length;
        }""", timeout=TIMEOUT_MS)
        snippets = page.locator("#search-results li p.context").all_inner_texts()
        results = page.locator("#search-results li").count()
        assert len(snippets) == results and all(len(s) > 40 for s in snippets), f"{results} results, {snippets}"
        boxes = [b for b in page.locator("input[name=q], input[type=search], .search-button-field").all()
                 if b.is_visible()]
        assert len(boxes) == 1, f"{viewport}: {len(boxes)} search boxes shown on the search page"
        shot(page, "search", viewport, "file")
        assert not errors, f"search over file:// logged errors: {errors}"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_no_serious_accessibility_violation(browser, server, axe_script, viewport):
    """axe-core on every page: no violation of serious or critical impact (outside the short allow-list above).

    Colour contrast, four fifths of axe's time, is checked at laptop size only: the phone layout shows no text of other
    colours (its media queries move and hide things, they do not recolour them).
    """
    found = {}
    options = {"resultTypes": ["violations"]}
    if viewport == "phone":
        options["rules"] = {"color-contrast": {"enabled": False}}
    for name in toc_pages():
        context, page, _ = open_page(browser, server, name, viewport)
        try:
            page.add_script_tag(content=axe_script)
            results = page.evaluate("options => axe.run(document, options)", options)
            for rule in results["violations"]:
                if rule["impact"] in ("serious", "critical") and rule["id"] not in AXE_ALLOWED:
                    targets = [node["target"] for node in rule["nodes"][:3]]
                    found.setdefault(name, []).append(f"{rule['id']} ({len(rule['nodes'])}x, e.g. {targets})")
        finally:
            context.close()
    assert not found, f"{viewport}: axe-core violations: {found}"


def test_static_figures_have_sentences_as_alt_text(browser, server):
    """Every figure's alt text is a sentence (words, ending with a full stop), never a file path."""
    context, page, _ = open_page(browser, server, CHAPTER_PAGES[0], "laptop")
    bad = {}
    try:
        for name in CHAPTER_PAGES:
            page.goto(f"{server}/{name}.html", wait_until="load")
            alts = page.evaluate("() => [...document.querySelectorAll('article img')].map(i => i.alt)")
            wrong = [a for a in alts if not re.fullmatch(r"[A-Z][^/\\]{10,}[.!?]", a or "") or ".png" in a]
            if wrong:
                bad[name] = wrong[:3]
    finally:
        context.close()
    assert not bad, f"alt texts that are not sentences: {bad}"


PAGE_BUDGET = 1.5e6  # bytes a page downloads on a first load, everything included


def later_bytes(html_root, name, fetched):
    """Bytes a page fetches only as the reader scrolls: its lazy images and its live explorers' data not yet fetched."""
    page = html_root / f"{name}.html"
    sources = re.findall(r'<img loading="lazy" [^>]*?src="([^"]+)"', page.read_text())
    sources += re.findall(r'class="reglab-live-spec" data-src="([^"]+)"', page.read_text())
    seen = {url.split("?")[0].rsplit("/", 1)[-1] for url in fetched}
    return sum((page.parent / src).stat().st_size for src in set(sources) if src.rsplit("/", 1)[-1] not in seen)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_are_light(browser, server, site, viewport):
    """Bytes downloaded on a first load, page, figures and shared assets together: at most 1.5 MB a page."""
    report, heavy = [], {}
    timings = {}
    for name in toc_pages():
        context = browser.new_context(viewport=VIEWPORTS[viewport], service_workers="block")
        page = context.new_page()
        sizes = {}
        page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
        try:
            page.goto(f"{server}/{name}.html", wait_until="load")
            wait_for_math(page)
            page.wait_for_load_state("networkidle")
            ready = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        finally:
            context.close()
        own = sum(size for url, size in sizes.items() if url.split("?")[0].endswith(f"/{name}.html")
                  or "/_images/" in url)
        shared = sum(sizes.values()) - own
        whole = sum(sizes.values()) + later_bytes(site.html, name, sizes)
        report.append(f"{name}: {sum(sizes.values()) / 1e6:.2f} MB ({shared / 1e6:.2f} MB shared, "
                      f"{own / 1e6:.2f} MB page and figures), DOMContentLoaded {ready:.0f} ms; "
                      f"{whole / 1e6:.2f} MB once read to the end")
        timings[name] = {"bytes": sum(sizes.values()), "shared_bytes": shared, "dom_content_loaded_ms": round(ready),
                         "bytes_once_read_to_the_end": whole}
        if sum(sizes.values()) > PAGE_BUDGET:
            heavy[name] = sum(sizes.values())
    print(f"\n{viewport}:\n  " + "\n  ".join(report))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"page-weight-{viewport}.json").write_text(json.dumps(timings, indent=1))
    assert not heavy, f"pages over {PAGE_BUDGET / 1e6} MB on a first load: {heavy}"


CRITICAL_PATH = """() => {
    const scripts = [...document.querySelectorAll('script[src]')].map(s => s.src);
    return {theme_at_dcl: window.REGLAB_THEME_AT_DCL, theme_now: typeof window.bootstrap === 'object',
            nested_css: performance.getEntriesByType('resource').filter(r => r.initiatorType === 'css'
                          && r.name.split('?')[0].endsWith('.css')).map(r => r.name),
            theme_scripts: scripts.filter(s => /scripts\/(bootstrap|pydata-sphinx-theme)\.js/.test(s)).length};
}"""


def test_dom_content_loaded_waits_for_no_theme_script(browser, server):
    """The parsed page is ready without the theme's Bootstrap scripts, which still load and run right after it; no
    style sheet waits for another one (@import)."""
    for name in ("index", "chapters/02_weight_decay"):
        context = browser.new_context(viewport=VIEWPORTS["laptop"], service_workers="block")
        # runs before the page's own scripts: notes whether Bootstrap had run when DOMContentLoaded fired
        context.add_init_script("document.addEventListener('DOMContentLoaded', () => "
                                "{ window.REGLAB_THEME_AT_DCL = typeof window.bootstrap === 'object'; }, true);")
        page = context.new_page()
        try:
            page.goto(f"{server}/{name}.html", wait_until="load")
            found = page.evaluate(CRITICAL_PATH)
        finally:
            context.close()
        assert found["theme_scripts"] == 2, f"{name}: the theme's two scripts are not in the page: {found}"
        assert found["theme_at_dcl"] is False, f"{name}: DOMContentLoaded waited for the theme's scripts: {found}"
        assert found["theme_now"], f"{name}: the theme's scripts did not run after DOMContentLoaded: {found}"
        assert not found["nested_css"], f"{name}: style sheets loaded only after another one: {found['nested_css']}"


def png_dpi(data: bytes) -> float:
    """The resolution a PNG was rendered at, from its pHYs chunk (pixels per metre)."""
    position = data.find(b"pHYs")
    per_metre = struct.unpack(">I", data[position + 4:position + 8])[0]
    return per_metre * 0.0254


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_figures_are_legible_and_fit_a_phone(browser, server, site, viewport):
    """Figure text ≥ 9 px on screen: smallest font (pt) × dpi / 72 × displayed width / natural width. On a phone every
    figure wider than rendering.NARROW_ABOVE_PX shows its narrow rendering (panels stacked) and nothing scrolls
    sideways; on a laptop the wide rendering shows."""
    from reglab import rendering

    small, unfit, narrow_count = {}, {}, 0
    for name in CHAPTER_PAGES:
        context, page, _ = open_page(browser, server, name, viewport)
        try:
            check_images(page, name)
            # a live explorer's canvas draws its text at 13 CSS px; its hidden start-value image is not shown;
            # currentSrc is the file the browser chose (a phone's narrow rendering, where a figure has one)
            images = page.evaluate("""() => [...document.querySelectorAll('article .cell_output img, article .reglab-scrubber img')]
                .filter(i => i.getBoundingClientRect().width > 0)
                .map(i => ({src: i.getAttribute('src'),
                            chosen: i.currentSrc.startsWith('data:') ? i.currentSrc : new URL(i.currentSrc).pathname,
                            shown: i.getBoundingClientRect().width, natural: i.naturalWidth,
                            scrolls: i.parentElement.closest('.cell_output, .reglab-scrubber').scrollWidth >
                                     i.parentElement.closest('.cell_output, .reglab-scrubber').clientWidth + 1}))""")
            for image in images:
                chosen = image["chosen"]
                data = (base64.b64decode(chosen.split(",", 1)[1]) if chosen.startswith("data:")
                        else site.html.joinpath(chosen.lstrip("/")).read_bytes())
                if b"pHYs" not in data:
                    small.setdefault(name, []).append(f"a PNG without its resolution (pHYs): {chosen[:60]}")
                    continue
                px = rendering.SMALLEST_TEXT_PT * png_dpi(data) / 72 * image["shown"] / image["natural"]
                if px < SMALLEST_READABLE_PX:
                    small.setdefault(name, []).append(f"{px:.1f} px ({image['natural']} px shown at "
                                                      f"{image['shown']:.0f})")
                if image["src"].startswith("data:"):
                    continue
                wide = rendering.png_size((site.html / name).parent.joinpath(image["src"]).read_bytes())[0]
                narrow = chosen.endswith("-narrow.png")
                narrow_count += narrow
                if viewport == "laptop" and narrow:
                    unfit.setdefault(name, []).append(f"{image['src']}: the narrow rendering on a laptop")
                elif viewport == "phone" and wide > rendering.NARROW_ABOVE_PX and (not narrow or image["scrolls"]):
                    unfit.setdefault(name, []).append(f"{image['src']} ({wide} px): " + (
                        "scrolls sideways" if narrow else "no narrow rendering shown"))
            shot(page, name, viewport, "figures")
        finally:
            context.close()
    assert not small, f"{viewport}: figure text below {SMALLEST_READABLE_PX} px: {small}"
    assert not unfit, f"{viewport}: {unfit}"
    if viewport == "phone":
        assert narrow_count >= 20, f"only {narrow_count} narrow renderings shown on a phone"


# ---------------------------------------------------------------------------------------------------------------
# Live explorers: the website retrains the models in the browser (_static/reglab-live.js).

LIVE_REPORT = ARTIFACTS / "live-explorers.json"
COLD_PRESSES = 3   # key presses timed with nothing trained ahead, per explorer
LOOK_MS = 800  # a reader's look at a figure before the next key press (the next value is trained meanwhile)


NEIGHBOURS_TRAINED = """e => { const x = e.reglabExplorer, i = Number(x.range.value), n = x.spec.values.length;
    const near = [i - 1, i + 1].filter(j => j >= 0 && j < n).map(j => x.key(x.settingAt(j)));
    return near.every(key => x.cache[key]) && Object.keys(x.cache).length === near.length + 1; }"""


def first_look(page, explorer):
    """A reader's first look at a live explorer: it trains the start value's two neighbours meanwhile, and no more."""
    page.wait_for_function(NEIGHBOURS_TRAINED, arg=explorer.element_handle(), timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)
    return explorer.evaluate(NEIGHBOURS_TRAINED)


# Two moves one step to the right, from cold: the second comes as soon as the first is painted and the value after it
# has started training ahead (a microtask after the painted event runs after that training's first slice).
QUICK_SECOND_MOVE = """e => new Promise(resolve => {
    const x = e.reglabExplorer, r = x.range;
    const move = () => { r.value = String(Number(r.value) + 1); r.dispatchEvent(new Event('input')); };
    e.addEventListener('reglab-painted', () => queueMicrotask(() => {
        const started = x.started, paused = x.paused && x.paused.key;
        e.addEventListener('reglab-painted', event => resolve({started, paused, after: x.started,
            wanted: x.key(x.settingAt(Number(r.value))), cached: event.detail.cached, ms: event.detail.ms}),
            {once: true});
        move();
    }), {once: true});
    x.forget();
    move();
})"""


def press_and_time(page, explorer, key):
    """Press key on the explorer's slider; wait for the new picture to be painted; returns the explorer's record."""
    count = explorer.evaluate("e => e.reglabExplorer.timings.length")
    explorer.locator("input[type=range]").press(key)
    page.wait_for_function("([e, n]) => e.reglabExplorer.timings.length > n && e.dataset.state === 'done'",
                           arg=[explorer.element_handle(), count], timeout=TIMEOUT_MS)
    return explorer.evaluate("e => e.reglabExplorer.timings.at(-1)")


def test_live_explorers_retrain_in_the_page(browser, server):
    """Each slider move retrains the model in the browser: the readout, status line and canvas show the new value;
    at phone width the explorer stacks its panels and stays within the screen.

    Before the reader touches the slider, only the start value's two neighbours are trained ahead; a quick second
    press finishes the training ahead of it instead of starting again.

    Reported (test-artifacts/live-explorers.json), never asserted: key press -> new picture painted, cold (nothing
    prefetched; after the reader's first look, as on a real visit) and after a reader's look at the figure (the next
    value was trained meanwhile).
    """
    report, explorers = {}, 0
    for name in CHAPTER_PAGES:
        context, page, watch = open_page(browser, server, name, "laptop")
        try:
            live = page.locator(".reglab-live")
            for i in range(live.count()):
                explorer = live.nth(i)
                live_ready(page, explorer)
                assert explorer.evaluate("e => e.classList.contains('reglab-live-on')"), f"{name}: explorer {i} is not live"
                assert not explorer.locator("img").is_visible(), f"{name}: the fallback figure is shown beside the canvas"
                canvas, slider = explorer.locator("canvas"), explorer.locator("input[type=range]")
                assert first_look(page, explorer), f"{name}: explorer {i} trained more than its two neighbours"
                explorer.evaluate("e => e.reglabExplorer.forget()")   # cold: nothing prefetched
                slider.focus()
                before = (explorer.locator(".reglab-live-status").inner_text(), canvas.evaluate("c => c.toDataURL()"))
                key = "ArrowLeft" if slider.input_value() == slider.get_attribute("max") else "ArrowRight"
                cold = press_and_time(page, explorer, key)
                after = (explorer.locator(".reglab-live-status").inner_text(), canvas.evaluate("c => c.toDataURL()"))
                readout = explorer.locator("output").inner_text()
                assert not cold["cached"] and after[0] != before[0] and after[1] != before[1], f"{name}: {cold}"
                assert readout in after[0], f"{name}: the status line {after[0]!r} does not name the value {readout}"
                assert readout in canvas.get_attribute("aria-label"), f"{name}: the canvas's label misses {readout}"
                colds, back = [cold["ms"]], "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
                for press in range(COLD_PRESSES - 1):   # more cold moves, back and forth, for a median
                    explorer.evaluate("e => e.reglabExplorer.forget()")
                    colds.append(press_and_time(page, explorer, back if press % 2 == 0 else key)["ms"])
                warm = []
                for _ in range(2):
                    page.wait_for_timeout(LOOK_MS)
                    warm.append(press_and_time(page, explorer, key)["ms"])
                title = explorer.locator("p b").inner_text()
                report[f"{name}: {title}"] = {"cold_ms": [round(ms, 1) for ms in colds],
                                              "cold_median_ms": round(float(np.median(colds)), 1),
                                              "after_a_look_ms": [round(ms, 1) for ms in warm]}
                if explorer.evaluate("e => e.reglabExplorer.spec.kind") == "classifier":
                    quick = explorer.evaluate(QUICK_SECOND_MOVE)
                    finished = quick["paused"] is None and quick["cached"]  # a machine that trained it in one slice
                    assert finished or (quick["paused"] == quick["wanted"] and quick["after"] == quick["started"]), (
                        f"{name}: a quick second move restarted the training that was ahead of it: {quick}")
                    report[f"{name}: {title}"]["quick_second_move_ms"] = round(quick["ms"], 1)
                explorers += 1
            if live.count():
                shot(page, name, "laptop", "live")
                page.set_viewport_size(VIEWPORTS["phone"])
                page.wait_for_timeout(300)   # the explorers redraw on resize
                for i in range(live.count()):
                    box = live.nth(i).locator("canvas").bounding_box()
                    assert box["width"] <= VIEWPORTS["phone"]["width"], f"{name}: canvas {i} wider than a phone"
                    assert box["height"] > box["width"], f"{name}: explorer {i} does not stack its panels on a phone"
                shot(page, name, "phone", "live")
            watch.check(name)
        finally:
            context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    LIVE_REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print("\nkey press -> new picture painted in the page (laptop viewport):")
    for what, figures in report.items():
        quick = figures.get("quick_second_move_ms")
        quick = f", a quick second move {quick} ms" if quick is not None else ""
        print(f"  {what:<90} cold {figures['cold_ms']} ms (median {figures['cold_median_ms']:.0f}), "
              f"after a look {figures['after_a_look_ms']} ms{quick}")
    assert explorers >= 5, f"expected the live explorers of chapters 0, 2 and 3, found {explorers}"


def test_live_explorers_work_from_disk_and_without_javascript(browser, site):
    """From file:// the explorers go live; with JavaScript off the start value's figure is shown and the slider hidden."""
    page_file = (site.html / "chapters" / "02_weight_decay.html").as_uri()
    for javascript in (True, False):
        context = browser.new_context(viewport=VIEWPORTS["laptop"], java_script_enabled=javascript)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(page_file, wait_until="load")
            explorer = page.locator(".reglab-live").first
            if javascript:
                live_ready(page, explorer)
                explorer.locator("input[type=radio][value=L1]").check()
                page.wait_for_function(LIVE_DONE, arg=explorer.element_handle(), timeout=TIMEOUT_MS)
                status = explorer.locator(".reglab-live-status").inner_text()
                assert status.startswith("L1, λ = 3:") and "exactly 0" in status, status
                assert not errors, errors
            else:
                assert explorer.locator("img").is_visible()
                assert not explorer.locator("input[type=range]").is_visible()
                assert "With JavaScript on" in explorer.inner_text()
            shot(page, "chapters/02_weight_decay", "laptop", "file-js" if javascript else "no-js")
        finally:
            context.close()
