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
  blocks (``doc-signature``) are counted as signatures. Given a ``ReaderPython``, the new
  interpreter is a process forked from one that has imported PyTorch (``ReaderPython.run``):
  a fresh interpreter's first second goes to importing PyTorch, and a test session runs many
  pages.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitekit import ROOT
from sitekit.copy_button import NO_RUN, copied_blocks
from sitekit.plugins import build_cache
from sitekit.plugins.notebooks import install_lines
from sitekit.plugins.wheel import extras_requirement, project_metadata
from sitekit.testing.build import clone, site_wheel
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
    optional = project_metadata(ROOT)["optional-dependencies"]
    return [requirement for extra in optional.values() for requirement in extra]


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3.*/site-packages"))


def _run(command: list[str], **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


def made_once(lock: Path, done: Path, make: Callable[[], object]) -> None:
    """Run ``make`` unless the marker file ``done`` exists, then create it.

    Under an exclusive lock on the file ``lock``: of the processes that get here at once (the
    pytest-xdist workers of a run, or two test runs), one makes it and the others wait, then
    find it made. A ``make`` that raises leaves no marker.
    """
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not done.exists():
            make()
            done.touch()


def _install_pinned(python: Path, target: Path, names: Sequence[str]) -> None:
    """``pip install`` of ``names`` at their ``requirements.lock`` pins into the directory
    ``target``, with ``python``'s pip."""
    lock_file = ROOT / "requirements.lock"
    pip = [str(python), "-m", "pip", "install", "--quiet", "-c", str(lock_file)]
    _run([*pip, "--target", str(target), *_pins(*names)])


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
    torch_venv, extras_dir = home / "torch", home / "extras"

    def make() -> None:
        shutil.rmtree(torch_venv, ignore_errors=True)
        shutil.rmtree(extras_dir, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(torch_venv)])
        python = torch_venv / "bin" / "python"
        _run(
            [str(python), "-m", "pip", "install", "--quiet", "-c", str(lock_file), *_pins("torch")]
        )
        # The extras go to their own directory, so the plain reader never sees them.
        _install_pinned(python, extras_dir, names)

    made_once(home / "lock", home / "done", make)
    return torch_venv, extras_dir


@dataclass
class ReaderPython:
    """A fresh virtual environment as the home page sets one up; ``python`` is its interpreter."""

    venv: Path
    python: Path
    _server: subprocess.Popen | None = field(default=None, repr=False, compare=False)

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

    def run(self, stdin: str, cwd: Path, env: dict[str, str], timeout: float) -> Ran:
        """What ``python -I -c <copy_harness.py>`` makes of ``stdin`` in ``cwd``, as a fork.

        The first call starts the harness's fork server (``copy_harness.serve``) in ``env``;
        each call then runs in a new process forked from it: a fresh interpreter's start,
        PyTorch already imported. ``close`` stops the server.
        """
        if self._server is None:
            self._server = subprocess.Popen(
                [str(self.python), "-I", "-c", HARNESS.read_text(encoding="utf-8"), "serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # PyTorch's import warnings; a page's go to its answer
                env=env,
                text=True,
            )
        request = {"input": stdin, "cwd": str(cwd), "timeout": timeout}
        self._server.stdin.write(json.dumps(request) + "\n")
        self._server.stdin.flush()
        answer = self._server.stdout.readline()
        if not answer:
            raise RuntimeError(f"the fork server of {self.python} stopped")
        return Ran(**json.loads(answer))

    def close(self) -> None:
        """Stop the fork server, if ``run`` started one."""
        if self._server is not None:
            self._server.stdin.close()
            self._server.wait(timeout=60)
            self._server.stdout.close()
            self._server = None


@dataclass
class Ran:
    """What an interpreter run did: ``subprocess.run``'s answer, as far as ``run_page`` reads it."""

    returncode: int
    stdout: str
    stderr: str


def _pip_arguments(command: str) -> list[str]:
    """``pip install X`` (as printed on the page) as pip's arguments."""
    import shlex

    words = shlex.split(command)
    if words[:2] != ["pip", "install"] or len(words) < 3:
        raise ValueError(f"not a pip install command: {command!r}")
    return [*words[1:], "--quiet"]


# --- What the home page says to install ---------------------------------------------------------

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
INSTALL_FROM = "SITEKIT_READER_INSTALL"  # "site" (the default) or "clone"


def page_html(site: Path, url: str) -> str:
    """The built HTML of the page at ``url`` (``""``, ``"en/losses/"``, ...)."""
    return (site / url / "index.html").read_text(encoding="utf-8")


def install_commands(site: Path, url: str) -> list[str]:
    """The ``pip install`` lines of a page's blocks that name the site's wheel, as the
    notebook plugin reads them (its first is the notebook's install cell)."""
    return install_lines(copied_blocks(page_html(site, url)), site_wheel(site).name)


@functools.cache
def documented_installs(site: Path) -> tuple[str, str]:
    """The home page's two commands: the package, and the package with the extras (read once
    per built site)."""
    commands = install_commands(site, "")
    assert install_commands(site, "en/") == commands, "both home pages give the same commands"
    root = CANONICAL.search(page_html(site, ""))[1]
    name = site_wheel(site).name
    plain = f"pip install {root}downloads/{name}"
    extras = f'pip install "{extras_requirement()} @ {root}downloads/{name}"'
    assert commands == [plain, extras], f"the home page's install commands: {commands}"
    return plain, extras


def needs_extras(site: Path, url: str) -> bool:
    """Whether the page's install command (the first it shows) installs the extras too.

    Its reader then runs the page with the extras, as its notebook's first cell sets it up; a
    page that shows no install command, or the plain one first (the home page), runs without.
    """
    shown = install_commands(site, url)
    return bool(shown) and shown[0] == documented_installs(site)[1]


def reader_installs(site: Path, site_url: str, shared: Path) -> dict[bool, str]:
    """The command that installs the package, plain (``False``) and with the extras (``True``).

    The home page's commands against the site served at ``site_url``; or, with
    ``SITEKIT_READER_INSTALL=clone`` in the environment, ``pip install`` of a clone of the
    repository made in ``shared``.
    """
    plain, extras = documented_installs(site)
    install_from = os.environ.get(INSTALL_FROM, "site")
    if install_from == "clone":
        source = clone(shared / "clone")
        wanted = "[" + extras_requirement().split("[", 1)[1]  # the extras, e.g. "[a,b]"
        return {False: f"pip install {source}", True: f'pip install "{source}{wanted}"'}
    if install_from != "site":
        raise ValueError(f"{INSTALL_FROM} is site or clone, not {install_from!r}")
    root = CANONICAL.search(page_html(site, ""))[1]
    return {False: plain.replace(root, site_url), True: extras.replace(root, site_url)}


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


def run_page(
    page: str, html: str, python: Path | ReaderPython, workdir: Path, timeout: float = 900
) -> PageResult:
    """Run the copied Python blocks of ``html`` in page order in one fresh ``python``.

    ``python`` is an interpreter, started anew; or a ``ReaderPython``, whose fork server gives
    the fresh process (``ReaderPython.run``).
    """
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
    request = json.dumps({"blocks": to_run})
    if isinstance(python, ReaderPython):
        process = python.run(request, workdir, env, timeout)
    else:
        process = subprocess.run(
            [str(python), "-I", "-c", HARNESS.read_text(encoding="utf-8")],
            input=request,
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
