"""ruff keeps the Python of the project clean (the same command as `make lint`)."""

from __future__ import annotations

import subprocess
import sys

from tests.site.conftest import ROOT

PATHS = ["snippets", "tests", "hooks", "tools", "conftest.py"]


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
