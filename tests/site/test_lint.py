"""ruff keeps the Python of the project clean (the same command as `make lint`)."""

from __future__ import annotations

import subprocess
import sys

from tests.site.conftest import ROOT

PATHS = ["snippets", "sitekit", "tests", "hooks", "tools", "conftest.py"]


def test_ruff_check_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *PATHS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_ruff_fails_on_a_violation(tmp_path):
    """The lint gate can fail: ruff, with the project's settings, rejects a bad file."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx = {'a':1}\n", encoding="utf-8")  # unused import, unformatted
    settings = ["--config", str(ROOT / "pyproject.toml")]
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *settings, str(bad)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1 and "F401" in check.stdout, check.stdout
    form = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *settings, str(bad)],
        capture_output=True,
        text=True,
    )
    assert form.returncode == 1 and "would be reformatted" in form.stdout, form.stdout
