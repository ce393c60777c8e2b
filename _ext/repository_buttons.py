"""Sphinx extension: the repository, issues and launch buttons all follow the one URL in _config.yml.

With `repository.url` empty (an unpublished book) no button is shown, so none points at someone
else's repository; sphinx-book-theme itself would crash on launch buttons without a URL.
"""

LAUNCH_KEYS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url", "thebe")


def enable_repository_buttons(app, config):
    """Turn the buttons on or off from the one repository URL."""
    options = config.html_theme_options
    has_url = bool(options.get("repository_url", "").strip())
    options["use_repository_button"] = has_url
    options["use_issues_button"] = has_url
    if not has_url:
        launch = dict(options.get("launch_buttons", {}))
        for key in LAUNCH_KEYS:
            launch.pop(key, None)
        options["launch_buttons"] = launch


def setup(app):
    app.connect("config-inited", enable_repository_buttons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
