"""Do what a reader does: copy every code block of a built page and run them in a fresh Python.

* ``copied_blocks`` reads a built page's HTML and returns the text that Material's copy button
  puts on the clipboard for each block. Material (``content.code.copy``) puts a button on every
  ``pre > code``; a click copies the ``code`` element's ``innerText`` while the element carries
  ``data-md-copying``, whose stylesheet rule hides code annotations (``.md-annotation``), and
  trims trailing whitespace (``text.trimEnd()``); a ``data-copy`` attribute on an enclosing
  element replaces the text (Material 9.8, ``bundle.js``: ``hs``). Here: the same, from the HTML.
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
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sitekit import ROOT
from sitekit.plugins import build_cache
from sitekit.testing.fence_runner import check_printed

HARNESS = Path(__file__).with_name("copy_harness.py")
PYTHON_LANGUAGES = {"python", "py", "python3", "pycon"}
HIDDEN = {"md-annotation"}  # display: none while Material copies
NO_RUN = "no-run"
SIGNATURE = "doc-signature"
SUMMARY_PROPERTY = "copy_blocks"  # each page's counts, printed after the run (pytest_plugin.py)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Block:
    """One code block as a reader copies it."""

    text: str
    classes: set[str]

    @property
    def language(self) -> str | None:
        for name in self.classes:
            if name.startswith("language-"):
                return name.removeprefix("language-")
        return None

    @property
    def kind(self) -> str:
        """``marked`` (no-run), ``signature``, ``python`` (to run) or ``other``."""
        if NO_RUN in self.classes:
            return "marked"
        if SIGNATURE in self.classes:
            return "signature"
        if self.language in PYTHON_LANGUAGES:
            return "python"
        return "other"


class _CodeBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], str | None]] = []
        self.blocks: list[Block] = []
        self.code_depth: int | None = None  # stack depth of the open pre > code
        self.hidden_depth: int | None = None
        self.parts: list[str] = []
        self.classes: set[str] = set()
        self.data_copy: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag in _VOID:
            return
        if tag == "code" and self.code_depth is None and self.stack and self.stack[-1][0] == "pre":
            self.code_depth = len(self.stack)
            self.parts = []
            # The fence's classes sit on the block's container (div.highlight) and on pre.
            self.classes = set()
            for _, outer, _ in self.stack[-2:]:
                self.classes |= outer
            given = [copy for _, _, copy in self.stack if copy is not None]
            self.data_copy = given[-1] if given else None
        elif self.code_depth is not None and self.hidden_depth is None and classes & HIDDEN:
            self.hidden_depth = len(self.stack)
        self.stack.append((tag, classes, attributes.get("data-copy")))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self.stack:
            open_tag, _, _ = self.stack.pop()
            depth = len(self.stack)
            if self.hidden_depth == depth:
                self.hidden_depth = None
            if self.code_depth == depth:
                text = "".join(self.parts) if self.data_copy is None else self.data_copy
                self.blocks.append(Block(text.rstrip(), self.classes))
                self.code_depth = None
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.code_depth is not None and self.hidden_depth is None:
            self.parts.append(data)


def copied_blocks(html: str) -> list[Block]:
    """Every code block of a built page, in page order, as its copy button copies it."""
    parser = _CodeBlocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


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
