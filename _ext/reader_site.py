"""Sphinx extension: the website as readers use it (solutions labelled and kept out of search, lighter pages).

- Code cells tagged `solution` are labelled "Show solution" / "Hide solution" instead of "Show code cell content".
- Solutions (cells tagged `solution`, dropdown admonitions) are left out of the search index; the search page gets its
  result snippets from `_static/reglab-search-text.js` (text without solutions), so snippets work from file:// too.
- After the build, each page loses the 1.5 MB Font Awesome script (the theme's CSS already draws the icons from its
  web fonts) and the saved widget state (the live widgets are removed from the website), and the collapsible cells'
  accessible name becomes their visible label.
"""

import copy
import json
import re
from pathlib import Path

from docutils import nodes

SOLUTION_CLASS = "tag_solution"
SEARCH_TEXT = "reglab-search-text.js"
FONT_AWESOME = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
WIDGET_STATE = re.compile(r'\s*<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>', re.S)
HIDDEN_NAME = '<summary aria-label="Toggle hidden content">'


def is_solution(node) -> bool:
    """A cell tagged `solution` or a dropdown admonition (a written solution)."""
    classes = node.get("classes", []) if isinstance(node, nodes.Element) else []
    return SOLUTION_CLASS in classes or ("dropdown" in classes and isinstance(node, nodes.Admonition))


def label_solutions(app, doctree):
    """Name the toggle of every solution cell "Solution" (myst-nb's default says "Show code cell content")."""
    for node in doctree.findall(nodes.container):
        if SOLUTION_CLASS not in node.get("classes", []):
            continue
        for inner in node.findall(lambda n: isinstance(n, nodes.Element) and "prompt_show" in n.attributes):
            inner["prompt_show"], inner["prompt_hide"] = "Show solution", "Hide solution"
        if "prompt_show" in node.attributes:
            node["prompt_show"], node["prompt_hide"] = "Show solution", "Hide solution"


def without_solutions(doctree):
    """A copy of the doctree with every solution removed."""
    pruned = copy.deepcopy(doctree)
    for node in list(pruned.findall(is_solution)):
        if node.parent is not None:
            node.parent.remove(node)
    return pruned


def patch_indexer(app):
    """Index each page without its solutions and keep that text for the search snippets."""
    builder = app.builder
    if not hasattr(builder, "index_page"):
        return
    original = builder.index_page
    app.env.reglab_search_text = {}

    def index_page(pagename, doctree, title):
        pruned = without_solutions(doctree)
        for node in list(pruned.findall(nodes.raw)):  # scrubber scripts and HTML outputs
            node.parent.remove(node)
        app.env.reglab_search_text[pagename] = re.sub(r"\s+", " ", pruned.astext())
        original(pagename, pruned, title)

    builder.index_page = index_page


def finish_pages(app, exception):
    """Strip what no page needs and write the search snippets' text."""
    if exception or app.builder.format != "html":
        return
    out = Path(app.outdir)
    text = getattr(app.env, "reglab_search_text", {})
    (out / "_static" / SEARCH_TEXT).write_text("window.REGLAB_SEARCH_TEXT = " + json.dumps(text) + ";\n")
    for page in out.rglob("*.html"):
        html = page.read_text()
        new = FONT_AWESOME.sub("", html)
        new = WIDGET_STATE.sub("", new)
        new = new.replace(HIDDEN_NAME, "<summary>")
        if page.name == "search.html" and SEARCH_TEXT not in new:
            new = new.replace("</head>", f'<script src="_static/{SEARCH_TEXT}"></script>\n</head>', 1)
        if new != html:
            page.write_text(new)
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (out / "_static" / "scripts" / name).unlink(missing_ok=True)


def setup(app):
    app.connect("doctree-read", label_solutions)
    app.connect("builder-inited", patch_indexer)
    app.connect("build-finished", finish_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
