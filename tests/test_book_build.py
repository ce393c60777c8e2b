"""The website: a strict build of a copy of the book, every page and figure present, nothing fetched online.

The build itself is the session fixture `site` in conftest.py, shared with the browser tests of test_browser_site.py;
it builds the chapters executed once this session by the fixture `executed_book` (shared with the output comparison).
"""

import html
import importlib.util
import re
from types import SimpleNamespace

import nbformat
import pytest
import yaml

from conftest import CHAPTERS, ROOT, copy_and_build, toc_pages


def test_strict_build_succeeds_with_zero_warnings(site):
    warnings = [line for line in site.log.splitlines() if re.search(r"WARNING:|ERROR:|Traceback", line)]
    assert site.code == 0 and not warnings, "\n".join(warnings) or site.log[-3000:]


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_exists_with_its_figures(site, page):
    path = site.html / f"{page}.html"
    assert path.exists(), f"{page} was not built"
    text = path.read_text()
    for src in re.findall(r'<img[^>]+src="([^"]+)"', text):
        if not src.startswith("data:"):
            assert (path.parent / src).exists(), f"{page}: missing image {src}"


@pytest.mark.parametrize("page", toc_pages())
def test_pages_request_nothing_from_the_internet(site, page):
    text = (site.html / f"{page}.html").read_text()
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', text)
    assert not [url for url in external if "fonts" not in url], external
    # MathJax from the site itself, loaded as components (TeX input, HTML output) without the 0.4 MB menu bundle
    assert "_static/mathjax/startup.js" in text, "MathJax must be served from the site itself"
    assert (site.html / "_static" / "mathjax" / "input" / "tex.js").exists()
    # no button may point at someone else's repository (the prose may still name Binder and Colab)
    assert "executablebooks/jupyter-book" not in text
    assert 'href="https://mybinder.org/v2/' not in text
    assert 'href="https://colab.research.google.com/github/' not in text


def test_norms_page_has_math_solutions_and_a_scrubber_instead_of_a_widget(site):
    text = (site.html / "chapters" / "01_norms.html").read_text()
    assert text.count('class="math') >= 10
    assert text.count("tag_hide-cell") >= 3, "solution code cells are hidden behind a toggle"
    assert text.count("dropdown") >= 2, "written solutions are dropdowns"
    assert "reglab-scrubber" in text and 'type="range"' in text
    assert "widget-view+json" not in text, "a live widget would render blank on the website"
    assert text.count("<img") >= 4


def test_only_the_outputs_of_this_build_are_published(site):
    """The README's build executes every notebook (force); the test build uses the notebooks executed this session."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "force"
    assert config["execute"]["allow_errors"] is False
    assert set(site.executed.runs) == {p.stem for p in CHAPTERS}, "every chapter executed in this session"
    for name, (seconds, code, log) in site.executed.runs.items():
        assert code == 0, f"{name} did not run:\n{log[-2000:]}"
        cells = [c for c in nbformat.read(site.executed.chapters[name], as_version=4).cells if c.cell_type == "code"]
        unexpected = [c.source[:200] for c in cells if any(o.output_type == "error" for o in c.outputs)
                      and "raises-exception" not in c.metadata.get("tags", [])]
        assert not unexpected, f"{name}: a cell raised, which the README's build (allow_errors false) refuses"
        published = (site.html / "chapters" / f"{name}.html").read_text()
        # a kernel may send a line's end as a chunk of its own (under load): whitespace-only chunks are left out
        printed = [o.text.strip() for c in cells for o in c.outputs
                   if o.output_type == "stream" and o.name == "stdout" and "remove-output" not in c.metadata.get(
                       "tags", []) and "remove-cell" not in c.metadata.get("tags", []) and 0 < len(o.text) < 200
                   and o.text.strip()]
        assert all(html.escape(text.splitlines()[0], quote=False) in published for text in printed[:5]), (
            f"{name}: the website does not show this session's outputs")


def test_one_repository_url_turns_on_every_button(tmp_path):
    def publish(config):
        config["repository"]["url"] = "https://github.com/example-org/regularization-book"
        config["execute"]["execute_notebooks"] = "off"

    html, code, log = copy_and_build(tmp_path, publish)
    assert code == 0, log[-3000:]
    text = (html / "chapters" / "01_norms.html").read_text()
    assert 'href="https://mybinder.org/v2/gh/example-org/regularization-book/main' in text
    assert "colab.research.google.com/github/example-org/regularization-book/blob/main" in text
    assert 'href="https://github.com/example-org/regularization-book"' in text


def test_repository_extension_switches_buttons_from_the_url():
    spec = importlib.util.spec_from_file_location("repository_buttons", ROOT / "_ext" / "repository_buttons.py")
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    launch = {"binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com"}
    for url, expected in [("", False), ("https://github.com/a/b", True)]:
        config = SimpleNamespace(html_theme_options={"repository_url": url, "launch_buttons": dict(launch)})
        ext.enable_repository_buttons(None, config)
        options = config.html_theme_options
        assert options["use_repository_button"] is expected and options["use_issues_button"] is expected
        assert ("binderhub_url" in options["launch_buttons"]) is expected


@pytest.mark.parametrize("page, scrubbers", [("00_generalization", 2), ("05_toolbox", 1)])
def test_new_chapters_show_scrubbers_math_and_hidden_solutions(site, page, scrubbers):
    text = (site.html / "chapters" / f"{page}.html").read_text()
    assert text.count("reglab-scrubber") >= scrubbers and 'type="range"' in text
    assert "widget-view+json" not in text, "the live explorer's output must be removed from the website"
    assert text.count('class="math') >= 3 and text.count("tag_hide-cell") >= 3 and "dropdown" in text
