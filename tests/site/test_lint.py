"""ruff keeps the project's Python clean: the commands and paths of `make lint`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sitekit.testing.build import ROOT

MAKEFILE_PATHS = re.search(r"^LINTED := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
PATHS = MAKEFILE_PATHS[1].split()


def test_make_lint_covers_every_python_file_of_the_project():
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    missed = [name for name in listed if not any(Path(name).is_relative_to(p) for p in PATHS)]
    assert missed == [], f"add their directories to LINTED in the Makefile: {missed}"
    assert all((ROOT / path).exists() for path in PATHS), PATHS


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
