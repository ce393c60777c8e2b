"""Sphinx extension: write each inline script once.

Sphinx 7.4 re-adds every script registered after Builder.init() when it starts writing, passing the file name as ""
where the first copy has None, so its duplicate check misses inline (body-only) scripts. sphinx-thebe's
`const THEBE_JS_URL = ...` then appears twice on every page and the browser reports
"Identifier 'THEBE_JS_URL' has already been declared" (sphinx-togglebutton's `var togglebuttonSelector` is doubled too).
"""


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Keep the first of scripts equal up to None vs "" as file name (the builder restores its list after the page)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
