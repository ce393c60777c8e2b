"""The project's own set-up: pinned requirements and the README's two commands, which CI runs."""

import re
import subprocess

from conftest import ROOT


def readme_commands():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_requirements_pin_every_package_and_install_reglab():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    packages = [line for line in lines if line and not line.startswith("#")]
    assert "-e ." in packages
    for line in packages:
        assert line == "-e ." or re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.+]*", line), line
    assert "torch==2.13.0" in packages, "torch must be pinned exactly (unpinned pulls a CUDA build)"


def test_readme_opens_with_the_build_and_test_commands():
    build, test = readme_commands()[:2]
    assert "pip install -r requirements.txt" in build and "jupyter-book build -W -n --keep-going ." in build
    assert "pip install -r requirements.txt" in test and test.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    printed = subprocess.run(["bash", str(ROOT / ".ci" / "run"), "--print-command"], capture_output=True, text=True)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == readme_commands()[1]
