"""Shared fixtures: the project root, a non-interactive matplotlib backend, one build of the website, a browser."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts"  # screenshots of the browser tests (ignored by git)

JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")
JUPYTER = str(Path(sys.executable).parent / "jupyter")
IGNORE = shutil.ignore_patterns("_build", ".venv", "venv", ".git", ".pytest_cache", ".hypothesis", "__pycache__",
                                "*.egg-info", ".ipynb_checkpoints", "test-artifacts", "node_modules")

CHROMIUM = "/usr/bin/chromium"
INSTALL_BROWSER = (f"The browser tests need Chromium at {CHROMIUM} and the Python package playwright: install "
                   "Chromium with `apt-get install -y chromium` (as root, or with sudo); playwright==1.64.1 comes from "
                   "`pip install -r requirements.txt`. Do not run `playwright install`: the tests use the system "
                   "Chromium.")


# The suite runs on two pytest-xdist workers (pyproject's addopts), a unit of work at a time: a test module, or one
# viewport's half of the website's browser tests. The executed book and the website are built once per run and shared
# by the workers (shared_once). The long units go first, in this order: each worker starts with two and takes the next
# when one is done. So one worker builds the book, then runs the website's browser tests (light on the CPU); the other
# runs the JupyterLab tests, then the student edition (heavy), then the small modules.
FIRST = ("test_book_build.py", "test_browser_lab.py", "test_browser_site.py", "test_student_edition.py",
         "test_browser_site.py[phone]")


def unit_of_work(nodeid: str) -> str:
    """The xdist unit a test belongs to: its file, the website's browser tests split by viewport."""
    name = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    if name == "test_browser_site.py":
        return name + ("[phone]" if "phone" in nodeid.split("::", 1)[-1] else "")
    return name


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's
def pytest_xdist_make_scheduler(config, log):
    """Schedule whole units of work (see unit_of_work), in collection order."""
    # xdist's own --dist loadgroup marks groups in item._nodeid, which pytest 9 no longer reads
    from xdist.scheduler import LoadScopeScheduling

    class ByUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return unit_of_work(nodeid)

    return ByUnit(config, log)


def pytest_collection_modifyitems(config, items):
    """The long units first (FIRST), so that the two workers finish together."""
    def rank(item):
        unit = unit_of_work(item.nodeid)
        return FIRST.index(unit) if unit in FIRST else len(FIRST)

    items.sort(key=rank)  # stable: collection order within each unit


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


def copy_and_build(tmp_path, config_edit=None, source=ROOT):
    """Copy the book (from source) into tmp_path and build it strictly; returns (html folder, exit code, log)."""
    book = tmp_path / "book"
    shutil.copytree(source, book, ignore=IGNORE)
    if config_edit:
        config = yaml.safe_load((book / "_config.yml").read_text())
        config_edit(config)
        (book / "_config.yml").write_text(yaml.safe_dump(config))
    run = subprocess.run([JUPYTER_BOOK, "build", "-W", "-n", "--keep-going", str(book)],
                         capture_output=True, text=True, timeout=1200)
    return book / "_build" / "html", run.returncode, run.stdout + run.stderr


EXECUTORS = 2  # chapters executed at the same time (one kernel each): this machine has 2 cores


# Two kernels share 2 cores: their torch/OpenMP threads must sleep, not spin, while they wait (thread counts and
# therefore the numbers printed stay as they are).
QUIET_THREADS = {"OMP_WAIT_POLICY": "PASSIVE"}
NARROW_ENV = "REGLAB_NARROW_FIGURES"   # reglab.rendering.NARROW_ENV (test_rendering checks the two agree)


def execute_in_place(path, timeout=600):
    """Execute a notebook in its folder as the README says (errors kept as outputs); returns (seconds, code, log).

    As in the website's build, wide figures also carry their phone rendering (rendering.NARROW_ENV), since the
    website the tests check is built from these outputs.
    """
    start = time.monotonic()
    run = subprocess.run([JUPYTER, "nbconvert", "--to", "notebook", "--execute", "--inplace", "--allow-errors",
                          "--ExecutePreprocessor.record_timing=False",
                          "--ExecutePreprocessor.store_widget_state=False",
                          f"--ExecutePreprocessor.timeout={timeout}", path.name],
                         cwd=path.parent, capture_output=True, text=True, timeout=3 * timeout,
                         env={**os.environ, **QUIET_THREADS, NARROW_ENV: "1"})
    return time.monotonic() - start, run.returncode, run.stdout + run.stderr


def shared_once(tmp_path_factory, name, make):
    """make(folder) run once per test run, its JSON-able result shared by both xdist workers (a file lock, a cache).

    The folder lies in the run's temporary root, which the workers share; the worker that comes second waits for the
    first and reads its result.
    """
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder, result = root / name, root / f"{name}.json"
    with FileLock(str(root / f"{name}.lock")):
        if not result.exists():
            folder.mkdir(exist_ok=True)
            result.write_text(json.dumps(make(folder)))
    return folder, json.loads(result.read_text())


def execute_book(folder):
    """Copy the book into folder and execute its chapters in place, two at a time; returns the runs by chapter."""
    book = folder / "book"
    shutil.copytree(ROOT, book, ignore=IGNORE)
    paths = sorted((book / "chapters").glob("*.ipynb"), key=lambda p: -p.stat().st_size)  # big ones first
    with ThreadPoolExecutor(EXECUTORS) as pool:
        return dict(zip([p.stem for p in paths], pool.map(execute_in_place, paths)))


@pytest.fixture(scope="session")
def executed_book(tmp_path_factory):
    """A copy of the book whose chapters were executed once in this test run, two at a time.

    Shared by the output comparison (tests/test_chapter_outputs.py, nbval's comparison) and the website build, so
    each chapter runs once per test run instead of once per check (and once, not once per xdist worker).
    """
    folder, runs = shared_once(tmp_path_factory, "executed", execute_book)
    book = folder / "book"
    return SimpleNamespace(root=book, chapters={p.stem: p for p in (book / "chapters").glob("*.ipynb")},
                           runs={name: tuple(run) for name, run in runs.items()})


@pytest.fixture(scope="session")
def site(tmp_path_factory, executed_book):
    """The website, built once per test run from the chapters executed in this run (no second execution).

    The README's build command executes every notebook itself (execute_notebooks: force); this build gets the same
    notebooks already executed, so it is told not to execute them again.
    """
    if os.environ.get("REGLAB_SITE_HTML"):  # reuse a built _build/html while working on the site's HTML/CSS/JS
        return SimpleNamespace(html=Path(os.environ["REGLAB_SITE_HTML"]), code=0, log="(reused build)",
                               executed=executed_book)

    def from_executed(config):
        config["execute"]["execute_notebooks"] = "off"

    def build(folder):
        html, code, log = copy_and_build(folder, from_executed, source=executed_book.root)
        return {"html": str(html), "code": code, "log": log}

    _, built = shared_once(tmp_path_factory, "site", build)
    return SimpleNamespace(html=Path(built["html"]), code=built["code"], log=built["log"], executed=executed_book)


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


INSTALL_NODE = ("The accessibility and WebAssembly tests need Node's npm to install package.json's packages (`npm ci` "
                "in the project root; .ci/run installs Debian's nodejs and npm when they are missing).")


@pytest.fixture(scope="session")
def node_packages() -> Path:
    """The project's node_modules (axe-core, wabt), installed from package-lock.json with `npm ci` on first use."""
    from filelock import FileLock

    with FileLock(str(ROOT / "node_modules.lock")):   # both xdist workers may ask at once
        install_node_packages()
    return ROOT / "node_modules"


@pytest.fixture(scope="session")
def axe_script(node_packages) -> str:
    """axe-core's source."""
    return (node_packages / "axe-core" / "axe.min.js").read_text()


def install_node_packages():
    """`npm ci` in the project root unless every package of package.json is already there."""
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    if not all((ROOT / "node_modules" / name / "package.json").exists() for name in wanted):
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"npm is missing. {INSTALL_NODE}", pytrace=False)
        run = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, capture_output=True, text=True,
                             timeout=600)
        if run.returncode or not all((ROOT / "node_modules" / name / "package.json").exists() for name in wanted):
            pytest.fail(f"`npm ci` failed:\n{run.stdout}\n{run.stderr}\n{INSTALL_NODE}", pytrace=False)
