"""Do what a reader does: copy every code block of a built page and run them in a fresh Python.

* ``copied_blocks`` (``sitekit/copy_button.py``) reads a built page's HTML and returns the text
  that Material's copy button puts on the clipboard for each block.
* ``ReaderPython`` is the reader's interpreter: a virtual environment set up only as the home page
  says (PyTorch, then ``pip install`` of the wheel that the built site publishes), nothing from
  the project tree on ``sys.path``. The slow part, PyTorch (and the published extras), is
  installed once into a cache keyed by its pins (``environments``); each test run makes a fresh
  environment on top of it and installs the wheel with the page's own command.
* ``run_page`` runs a page's blocks in page order in one new interpreter (``copy_harness.py``)
  and checks each block's output against its ``#>`` lines with ``sitekit/testing/fence_runner.py``.
  Blocks whose fence has the class ``no-run`` are counted, not run; mkdocstrings' signature
  blocks (``doc-signature``) are counted as signatures.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sitekit import ROOT
from sitekit.copy_button import NO_RUN, copied_blocks
from sitekit.plugins import build_cache
from sitekit.testing.fence_runner import check_printed

HARNESS = Path(__file__).with_name("copy_harness.py")
SUMMARY_PROPERTY = "copy_blocks"  # each page's counts, printed after the run (pytest_plugin.py)


# --- The reader's Python ---------------------------------------------------------------------


def _pins(*names: str) -> list[str]:
    """The lines of requirements.lock that pin ``names`` (and nothing else)."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    wanted = {name.lower().replace("_", "-") for name in names}
    return [line for line in lock if line.split("==")[0].lower().replace("_", "-") in wanted]


def _extras_requirements() -> list[str]:
    from sitekit.plugins.wheel import project_metadata

    optional = project_metadata(ROOT)["optional-dependencies"]
    return [requirement for extra in optional.values() for requirement in extra]


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3.*/site-packages"))


def _run(command: list[str], **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


def environments() -> tuple[Path, Path]:
    """The cached layers: a venv with PyTorch, and a directory with the extras' packages.

    Both are installed with ``requirements.lock`` as constraints (PyTorch from its pin there),
    once per key (the Python version, the lock file, the extras' requirements) under the build
    cache (``sitekit/plugins/build_cache.py``); concurrent test runs wait on a lock while one
    makes them.
    """
    lock_file = ROOT / "requirements.lock"
    names = [re.split(r"[<>=!~;\[ ]", requirement)[0] for requirement in _extras_requirements()]
    names = [name for name in names if name != "torch"]  # the venv below already holds it
    lock_text = lock_file.read_text(encoding="utf-8")
    key = build_cache.key(sys.version, lock_text, _extras_requirements())
    home = build_cache.directory("reader") / key
    torch_venv, extras_dir, done = home / "torch", home / "extras", home / "done"
    home.mkdir(parents=True, exist_ok=True)
    with (home / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(torch_venv, ignore_errors=True)
            shutil.rmtree(extras_dir, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(torch_venv)])
            python = str(torch_venv / "bin" / "python")
            pip = [python, "-m", "pip", "install", "--quiet", "-c", str(lock_file)]
            _run([*pip, *_pins("torch")])
            # The extras go to their own directory, so the plain reader never sees them.
            _run([*pip, "--target", str(extras_dir), *_pins(*names)])
            done.touch()
    return torch_venv, extras_dir


@dataclass
class ReaderPython:
    """A fresh virtual environment as the home page sets one up; ``python`` is its interpreter."""

    venv: Path
    python: Path

    @classmethod
    def create(cls, venv: Path, install: str, with_extras: bool) -> ReaderPython:
        """Make ``venv`` and run the page's ``install`` command (``pip install ...``) in it.

        PyTorch (and, ``with_extras``, the extras' packages) come from the cached layers
        through a ``.pth`` file, as if installed before; the command then finds them installed.
        """
        torch_venv, extras_dir = environments()
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
        layers = [_site_packages(torch_venv)] + ([extras_dir] if with_extras else [])
        (_site_packages(venv) / "_reader_layers.pth").write_text(
            "".join(f"{layer}\n" for layer in layers), encoding="utf-8"
        )
        python = venv / "bin" / "python"
        arguments = _pip_arguments(install)
        pip = [str(torch_venv / "bin" / "python"), "-m", "pip", "--python", str(python)]
        _run([*pip, *arguments], cwd=venv)
        return cls(venv, python)


def _pip_arguments(command: str) -> list[str]:
    """``pip install X`` (as printed on the page) as pip's arguments."""
    import shlex

    words = shlex.split(command)
    if words[:2] != ["pip", "install"] or len(words) < 3:
        raise ValueError(f"not a pip install command: {command!r}")
    return [*words[1:], "--quiet"]


# --- Running a page ----------------------------------------------------------------------------


@dataclass
class PageResult:
    """What happened to one page's blocks."""

    page: str
    blocks: int = 0
    ran: int = 0
    matched: int = 0
    marked: int = 0
    signatures: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.page}: {self.blocks} blocks, ran {self.ran}, matched {self.matched}, "
            f"marked {self.marked}, signatures {self.signatures}"
        )

    def counts(self) -> str:
        """The counts as JSON, for the end-of-run summary (``pytest_plugin.py``)."""
        fields = ("page", "blocks", "ran", "matched", "marked", "signatures")
        return json.dumps({name: getattr(self, name) for name in fields})


def run_page(page: str, html: str, python: Path, workdir: Path, timeout: float = 900) -> PageResult:
    """Run the copied Python blocks of ``html`` in page order in one fresh ``python``."""
    result = PageResult(page)
    blocks = copied_blocks(html)
    result.blocks = len(blocks)
    to_run: list[tuple[int, str]] = []
    for number, block in enumerate(blocks, start=1):
        if block.kind == "marked":
            result.marked += 1
        elif block.kind == "signature":
            result.signatures += 1
        elif block.kind == "python":
            to_run.append((number, block.text))
        else:
            result.problems.append(
                f"block {number} ({block.language or 'no language'}) is not Python and not "
                f"marked {NO_RUN}: {block.text[:60]!r}"
            )
    if not to_run:
        return result
    workdir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["MPLBACKEND"] = "Agg"
    process = subprocess.run(
        [str(python), "-I", "-c", HARNESS.read_text(encoding="utf-8")],
        input=json.dumps({"blocks": to_run}),
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
        timeout=timeout,
    )
    if process.returncode != 0:
        result.problems.append(f"the interpreter failed:\n{process.stderr[-3000:]}")
        return result
    report = json.loads(process.stdout)
    leaks = [entry for entry in report["sys_path"] if entry and Path(entry).is_relative_to(ROOT)]
    if leaks:
        result.problems.append(f"the project tree is on sys.path: {leaks}")
    for (number, text), outcome in zip(to_run, report["blocks"], strict=True):
        if outcome["error"] is not None:
            result.problems.append(f"block {number} raised:\n{outcome['error'].rstrip()}")
            continue
        result.ran += 1
        printed: dict[int | None, list[str]] = {}
        for line, written in outcome["printed"]:
            printed.setdefault(line, []).append(written)
        try:
            check_printed(text, printed, f"{page} block {number}")
        except AssertionError as mismatch:
            result.problems.append(str(mismatch))
        else:
            result.matched += 1
    return result


if __name__ == "__main__":  # `make setup`: install the reader's PyTorch and extras ahead of tests
    print(*environments(), sep="\n")
