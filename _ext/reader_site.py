"""Sphinx extension: the website as readers use it (solutions labelled and kept out of search, lighter pages).

- Code cells tagged `solution` are labelled "Show solution" / "Hide solution" instead of "Show code cell content".
- Solutions (cells tagged `solution`, dropdown admonitions) are left out of the search index; the search page gets its
  result snippets from `_static/reglab-search-text.js` (text without solutions), so snippets work from file:// too.
- MathJax loads its TeX input and HTML output as components instead of the 1.2 MB bundle with a context menu.
- Figures in cell outputs get a sentence as alt text (the PNG's Description, else a generic sentence), not a path.
- After the build, each page loses the 1.5 MB Font Awesome script (the theme's CSS already draws the icons from its
  web fonts, subset to the icons used) and the saved widget state (the live widgets are removed from the website);
  non-search pages lose the search-as-you-type scripts; collapsible cells are named by their visible label; the
  citation lists lose ARIA roles axe-core rejects.
- Lighter first loads: the theme's style sheets keep only the rules whose classes and ids some page or script names;
  images load lazily (as the reader scrolls to them); each live explorer's data moves out of the page into
  `_static/live/<hash>.js`, which `_static/reglab-live.js` loads when the explorer comes near the screen (a script
  tag, so it works from file:// too); pages without an explorer do not load reglab-live.js. The shipped
  reglab-live.js loses its whole-line comments.
- Phones get their own rendering of every wide figure: the build sets reglab.rendering.NARROW_ENV, so the notebooks'
  kernels put a narrow rendering (panels stacked) inside each wide PNG; here it becomes `_images/<name>-narrow.png`,
  chosen by a `<picture>` below 700 px of screen width.
"""

import copy
import hashlib
import json
import os
import re
from pathlib import Path

from docutils import nodes

SOLUTION_CLASS = "tag_solution"
SEARCH_TEXT = "reglab-search-text.js"
FONT_AWESOME = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
WIDGET_STATE = re.compile(r'\s*<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>', re.S)
HIDDEN_NAME = '<summary aria-label="Toggle hidden content">'
# Scripts for the theme's search-as-you-type (off here): only the search page needs Sphinx's search tools.
SEARCH_SCRIPTS = re.compile(r'\s*<script src="[^"]*(?:_static/searchtools|_static/language_data|searchindex)\.js"></script>')
DESIGN_CSS = re.compile(r'\s*<link rel="stylesheet" type="text/css" href="[^"]*_static/sphinx-design\.min\.css[^"]*" />')
# docutils marks a citation list role="list" with role="doc-biblioentry" items, which axe-core rejects.
CITATION_ROLES = (('<div role="list" class="citation-list">', '<div class="citation-list">'),
                  (' role="doc-biblioentry"', ''))
ICON_CLASS = re.compile(r'\bfa-[a-z0-9-]+')
LIVE_SPEC = re.compile(r'<script type="application/json" class="reglab-live-spec">(.*?)</script>', re.S)
LIVE_SCRIPT = re.compile(r'\s*<script src="[^"]*_static/reglab-live\.js[^"]*"></script>')
PNG_IMG = re.compile(r'<img [^>]*?src="(?!data:)([^"]+\.png)"[^>]*>')
NARROW_MEDIA = "(max-width: 700px)"   # as the phone rules of _static/reglab.css
IMG_TAG = re.compile(r'<img (?![^>]*\bloading=)(?![^>]*src="data:)')  # files only: a data: image is in the page
# Style sheets whose unused rules are dropped (Bootstrap and the themes' rules for widgets this book never shows).
PURGED_CSS = ("styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css", "basic.css", "mystnb.*.css")
FIGURE_ALT = "A figure drawn by the code cell above."
# The theme's Bootstrap and pydata scripts (about 100 kB, 60-90 ms to run on a laptop) are loaded once the page is
# parsed, in order, instead of as deferred scripts that DOMContentLoaded waits for; they only wire up menus and
# tooltips, and both start whether or not the document is still loading.
THEME_SCRIPTS = re.compile(r'\s*<script defer src="([^"]*_static/scripts/(?:bootstrap|pydata-sphinx-theme)\.js[^"]*)">'
                           r'</script>')
THEME_SCRIPT_LOADER = ('\n<script>document.addEventListener("DOMContentLoaded", function () {{ {sources}.forEach('
                       'function (src) {{ var s = document.createElement("script"); s.src = src; s.async = false; '
                       'document.head.appendChild(s); }}); }});</script>')
# The theme's theme.css only @imports Sphinx's basic.css: linking basic.css itself saves a round trip that every
# script and the first paint wait for.
THEME_CSS = re.compile(r'<link href="([^"]*_static/)styles/theme\.css(?:\?[^"]*)?" rel="stylesheet" />')


def slim_mathjax(app, config):
    """Load MathJax's TeX input and HTML output only, without its 430 kB context menu (saves 0.4 MB per page), and
    asynchronously: MathJax waits for the page itself, and the page's DOMContentLoaded no longer waits for MathJax
    (about 50 ms sooner)."""
    if config.mathjax_path == "mathjax/tex-chtml.js":  # the bundled copy from sphinx-mathjax-offline
        config.mathjax_path = "mathjax/startup.js"
        settings = dict(config.mathjax3_config or {})
        settings["loader"] = {"load": ["core", "input/tex", "output/chtml", "a11y/assistive-mml"]}
        config.mathjax3_config = settings
    config.mathjax_options = {**(config.mathjax_options or {}), "async": "async"}


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


def figure_alt_text(app, doctree, docname):
    """Give every cell-output image a sentence as alt text: the PNG's Description (written by reglab.plotting), else a
    generic sentence; never the file path docutils falls back to. Alt text set in cell metadata is kept."""
    from PIL import Image

    for node in doctree.findall(nodes.image):
        if node.get("alt"):
            continue
        uri = node.get("candidates", {}).get("*") or node.get("uri", "")
        path = Path(app.srcdir, uri)
        description = ""
        if path.suffix == ".png" and path.is_file():
            with Image.open(path) as image:
                description = getattr(image, "text", {}).get("Description", "").strip()
        node["alt"] = description or FIGURE_ALT


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


def subset_icon_font(out, pages):
    """Keep only the icons the pages name: in the theme's Font Awesome solid font (156 kB -> 2 kB) and its CSS."""
    from fontTools import subset

    css = (out / "_static" / "styles" / "pydata-sphinx-theme.css").read_text()
    font = out / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
    if not font.exists():
        return
    used = set()
    for html in pages:
        used.update(ICON_CLASS.findall(html))
    codes = set()
    for rule in re.finditer(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}', css):
        if used & set(re.findall(r"fa-[a-z0-9-]+", rule.group(1))):
            codes.add(int(rule.group(2), 16))
    if not codes:
        return
    # The theme's stylesheet names every Font Awesome icon (about 100 kB of rules): keep the rules of the icons used.
    def keep(rule):
        return rule.group(0) if used & set(re.findall(r"fa-[a-z0-9-]+", rule.group(1))) else ""
    css_path = out / "_static" / "styles" / "pydata-sphinx-theme.css"
    css_path.write_text(re.sub(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\[0-9a-f]+"\}', keep, css))
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    face = subset.load_font(str(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(face)
    subset.save_font(face, str(font), options)


def finish_pages(app, exception):
    """Strip what no page needs and write the search snippets' text."""
    if exception or app.builder.format != "html":
        return
    out = Path(app.outdir)
    text = getattr(app.env, "reglab_search_text", {})
    (out / "_static" / SEARCH_TEXT).write_text("window.REGLAB_SEARCH_TEXT = " + json.dumps(text) + ";\n")
    written = []
    for page in out.rglob("*.html"):
        html = page.read_text()
        new = FONT_AWESOME.sub("", html)
        new = WIDGET_STATE.sub("", new)
        new = new.replace(HIDDEN_NAME, "<summary>")
        for old, replacement in CITATION_ROLES:
            new = new.replace(old, replacement)
        if page.name != "search.html" and not app.config.html_theme_options.get("search_as_you_type"):
            new = SEARCH_SCRIPTS.sub("", new)
        if 'class="sd-' not in new:
            new = DESIGN_CSS.sub("", new)
        if "reglab-live-spec" in new:
            new = move_live_specs(page, new, out)
        else:
            new = LIVE_SCRIPT.sub("", new)
        new = add_narrow_sources(page, new)
        new = load_theme_scripts_after_parsing(new)
        new = THEME_CSS.sub(r'<link href="\1basic.css" rel="stylesheet" />', new)
        new = IMG_TAG.sub('<img loading="lazy" ', new)
        written.append(new)
        if page.name == "search.html" and SEARCH_TEXT not in new:
            new = new.replace("</head>", f'<script src="_static/{SEARCH_TEXT}"></script>\n</head>', 1)
        if new != html:
            page.write_text(new)
    live = out / "_static" / "reglab-live.js"
    if live.exists():
        live.write_text(strip_js_comments(live.read_text()))
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (out / "_static" / "scripts" / name).unlink(missing_ok=True)
    subset_icon_font(out, written + [(out / "_static" / "scripts" / "pydata-sphinx-theme.js").read_text()])
    scripts = [path.read_text(errors="ignore") for path in (out / "_static").rglob("*.js")
               if "mathjax" not in path.parts and path.parent.name != "live"]
    purge_css(out, used_names(written + scripts))


def load_theme_scripts_after_parsing(html: str) -> str:
    """The page with the theme's deferred scripts loaded by one loader once DOMContentLoaded has fired."""
    sources = THEME_SCRIPTS.findall(html)
    if not sources:
        return html
    return THEME_SCRIPTS.sub("", html).replace("</head>", THEME_SCRIPT_LOADER.format(sources=json.dumps(sources))
                                               + "\n</head>", 1)


def strip_js_comments(source: str) -> str:
    """The shipped reglab-live.js: its source without whole-line comments and indentation (readers need neither).

    Only whole lines go: a line that is a // comment, or part of a /* */ comment that starts the line. The source has
    no template literal or multi-line string (refused below), so no code line can look like a comment.
    """
    if "`" in source:
        raise ValueError("strip_js_comments cannot strip a source with template literals")
    kept, in_block = [], False
    for line in source.splitlines():
        text = line.strip()
        if in_block or text.startswith("/*"):
            in_block = "*/" not in text
            continue
        if text and not text.startswith("//"):
            kept.append(text)
    return "\n".join(kept) + "\n"


def add_narrow_sources(page, html):
    """Each figure whose PNG carries a narrow rendering gets it as a file and a <picture> source for phones."""
    from reglab import rendering

    def wrap(match):
        src = match.group(1)
        path = page.parent / src
        if not path.is_file():
            return match.group(0)
        narrow = path.with_name(path.stem + "-narrow.png")
        png = path.read_bytes()
        data = rendering.png_chunk(png, rendering.NARROW_CHUNK)
        if data:   # the wide file keeps only itself; the narrow one becomes its own file
            narrow.write_bytes(data)
            path.write_bytes(rendering.without_png_chunk(png, rendering.NARROW_CHUNK))
        if not narrow.exists():
            return match.group(0)
        source = src[:len(src) - len(path.name)] + narrow.name
        return f'<picture><source media="{NARROW_MEDIA}" srcset="{source}">{match.group(0)}</picture>'

    return PNG_IMG.sub(wrap, html)


def move_live_specs(page, html, out):
    """Each live explorer's inline data becomes _static/live/<hash>.js, loaded by reglab-live.js when needed."""
    def move(match):
        key = hashlib.sha1(match.group(1).encode()).hexdigest()[:16]
        path = out / "_static" / "live" / f"{key}.js"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"(window.reglabLiveSpecs = window.reglabLiveSpecs || {{}})[{key!r}] = {match.group(1)};\n")
        source = os.path.relpath(path, page.parent).replace(os.sep, "/")
        return f'<script type="application/json" class="reglab-live-spec" data-src="{source}"></script>'

    return LIVE_SPEC.sub(move, html)


def used_names(texts) -> set:
    """Every word that could name a class or an id in the pages and scripts (a generous superset)."""
    names = set()
    for text in texts:
        names.update(re.findall(r"[A-Za-z0-9_-]+", text))
    return names


def purge_rules(rules, names):
    """Serialised CSS of rules, without those whose every selector names a class or id outside names."""
    import tinycss2

    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in tinycss2.serialize(rule.prelude).split(",")
                         if set(re.findall(r"[.#]([A-Za-z0-9_-]+)", s)) <= names]
            if selectors:
                kept.append(",".join(s.strip() for s in selectors) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer", "container") \
                and rule.content is not None:
            inner = purge_rules(tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True),
                                names)
            if inner:
                kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        elif rule.type not in ("whitespace", "comment"):
            kept.append(tinycss2.serialize([rule]))
    return kept


def purge_css(out, names):
    """Drop the rules of the themes' style sheets that no page or script can use."""
    import tinycss2

    for pattern in PURGED_CSS:
        for path in (out / "_static").glob(pattern):
            rules = tinycss2.parse_stylesheet(path.read_text(), skip_whitespace=True, skip_comments=True)
            path.write_text("".join(purge_rules(rules, names)))


def setup(app):
    from reglab import rendering

    os.environ[rendering.NARROW_ENV] = "1"   # the notebooks' kernels, started by this build, inherit it
    app.connect("config-inited", slim_mathjax)
    app.connect("doctree-read", label_solutions)
    app.connect("doctree-resolved", figure_alt_text)
    app.connect("builder-inited", patch_indexer)
    app.connect("build-finished", finish_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
