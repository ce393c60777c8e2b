"""Shared fixtures: the project root, a non-interactive matplotlib backend, one build of the website, a browser."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts"  # screenshots of the browser tests (ignored by git)

JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")
IGNORE = shutil.ignore_patterns("_build", ".venv", "venv", ".git", ".pytest_cache", ".hypothesis", "__pycache__",
                                "*.egg-info", ".ipynb_checkpoints", "test-artifacts", "node_modules")

CHROMIUM = "/usr/bin/chromium"
INSTALL_BROWSER = (f"The browser tests need Chromium at {CHROMIUM} and the Python package playwright: install "
                   "Chromium with `apt-get install -y chromium` (as root, or with sudo); playwright==1.64.1 comes from "
                   "`pip install -r requirements.txt`. Do not run `playwright install`: the tests use the system "
                   "Chromium.")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def toc_pages(toc_file=ROOT / "_toc.yml") -> list:
    """Every page of the table of contents: the root, then each `file:` entry at any depth, in order."""
    toc = yaml.safe_load(Path(toc_file).read_text())
    pages = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                pages.append(re.sub(r"\.(md|ipynb|rst)$", "", node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    return pages


def copy_and_build(tmp_path, config_edit=None):
    """Copy the book into tmp_path and build it strictly; returns (html folder, exit code, log)."""
    book = tmp_path / "book"
    shutil.copytree(ROOT, book, ignore=IGNORE)
    if config_edit:
        config = yaml.safe_load((book / "_config.yml").read_text())
        config_edit(config)
        (book / "_config.yml").write_text(yaml.safe_dump(config))
    run = subprocess.run([JUPYTER_BOOK, "build", "-W", "-n", "--keep-going", str(book)],
                         capture_output=True, text=True, timeout=1200)
    return book / "_build" / "html", run.returncode, run.stdout + run.stderr


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The website, built once per test session (about 3 minutes) and shared by every test that needs it.

    REGLAB_SITE_HTML=<a built _build/html folder> reuses that build instead (while working on the site's HTML/CSS/JS).
    """
    if os.environ.get("REGLAB_SITE_HTML"):
        return SimpleNamespace(html=Path(os.environ["REGLAB_SITE_HTML"]), code=0, log="(reused build)")
    html, code, log = copy_and_build(tmp_path_factory.mktemp("site"))
    return SimpleNamespace(html=html, code=code, log=log)


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium driven by Playwright. A missing or broken browser fails the test, never skips it."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as err:
        pytest.fail(f"playwright is not importable ({err}). {INSTALL_BROWSER}", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing. {INSTALL_BROWSER}", pytrace=False)
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        except Error as err:
            pytest.fail(f"{CHROMIUM} did not launch: {err}\n{INSTALL_BROWSER}", pytrace=False)
        yield chromium
        chromium.close()


INSTALL_NODE = ("The accessibility test needs Node's npm to install axe-core from package.json (`npm ci` in the project "
                "root; .ci/run installs Debian's nodejs and npm when they are missing).")


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's source, installed from package-lock.json with `npm ci` on first use."""
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"npm is missing. {INSTALL_NODE}", pytrace=False)
        run = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, capture_output=True, text=True,
                             timeout=600)
        if run.returncode or not path.exists():
            pytest.fail(f"`npm ci` failed:\n{run.stdout}\n{run.stderr}\n{INSTALL_NODE}", pytrace=False)
    return path.read_text()
