"""The reader's Python: a virtual environment set up only as the home page says, and its checks.

* ``ReaderPython`` is the reader's interpreter: PyTorch, then ``pip install`` of the wheel that
  the built site publishes (with the extras where a page shows their command), nothing from the
  project tree on ``sys.path``. The slow part, PyTorch (and the published extras), is installed
  once into a cache keyed by its pins (``environments``); each test run makes a fresh
  environment on top of it and installs the wheel with the home page's own commands.
* ``install_commands``, ``documented_installs``, ``needs_extras``: what a built page says to
  install, read from its HTML.
* ``paste_problems`` checks what a reader copies from a page (``sitekit/copy_button.py``) for
  what running it in a plain ``python`` needs beyond what the notebooks' kernel shows
  (``sitekit/testing/kernel.py`` runs the same blocks): every block is Python or marked, every
  Python block compiles without IPython, and every module it imports is found in the reader's
  Python, without the kernel's own packages.
"""

from __future__ import annotations

import ast
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

SUMMARY_PROPERTY = "copied_blocks"  # each page's counts, printed after the run (pytest_plugin.py)


# --- The reader's Python ---------------------------------------------------------------------


def _pins(*names: str) -> list[str]:
    """The lines of requirements.lock that pin ``names`` (and nothing else)."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    wanted = {name.lower().replace("_", "-") for name in names}
    return [line for line in lock if line.split("==")[0].lower().replace("_", "-") in wanted]


def _extras_requirements() -> list[str]:
    optional = project_metadata(ROOT)["optional-dependencies"]
    return [requirement for extra in optional.values() for requirement in extra]


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3.*/site-packages"))


def run_command(command: list[str], **kwargs) -> None:
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


def install_pinned(python: Path, target: Path, names: Sequence[str]) -> None:
    """``pip install`` of ``names`` at their ``requirements.lock`` pins into the directory
    ``target``, with ``python``'s pip."""
    lock_file = ROOT / "requirements.lock"
    pip = [str(python), "-m", "pip", "install", "--quiet", "-c", str(lock_file)]
    run_command([*pip, "--target", str(target), *_pins(*names)])


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
        run_command([sys.executable, "-m", "venv", str(torch_venv)])
        python = torch_venv / "bin" / "python"
        run_command(
            [str(python), "-m", "pip", "install", "--quiet", "-c", str(lock_file), *_pins("torch")]
        )
        # The extras go to their own directory, so the plain reader never sees them.
        install_pinned(python, extras_dir, names)

    made_once(home / "lock", home / "done", make)
    return torch_venv, extras_dir


@dataclass
class ReaderPython:
    """A fresh virtual environment as the home page sets one up; ``python`` is its interpreter."""

    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @classmethod
    def create(cls, venv: Path, install: str, with_extras: bool) -> ReaderPython:
        """Make ``venv`` and run the page's ``install`` command (``pip install ...``) in it.

        PyTorch (and, ``with_extras``, the extras' packages) come from the cached layers
        through a ``.pth`` file, as if installed before; the command then finds them installed.
        """
        torch_venv, extras_dir = environments()
        shutil.rmtree(venv, ignore_errors=True)
        run_command([sys.executable, "-m", "venv", "--without-pip", str(venv)])
        layers = [site_packages(torch_venv)] + ([extras_dir] if with_extras else [])
        (site_packages(venv) / "_reader_layers.pth").write_text(
            "".join(f"{layer}\n" for layer in layers), encoding="utf-8"
        )
        reader = cls(venv)
        pip = [str(torch_venv / "bin" / "python"), "-m", "pip", "--python", str(reader.python)]
        run_command([*pip, *_pip_arguments(install)], cwd=venv)
        return reader


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


# --- What pasting a page's blocks into a plain Python needs -----------------------------------

FIND_MODULES = """import importlib.util, json, sys
names = json.loads(sys.argv[1])
print(json.dumps([name for name in names if importlib.util.find_spec(name) is None]))"""


@dataclass
class PageBlocks:
    """A page's code blocks as a reader copies them, counted, and what pasting them would meet."""

    page: str
    blocks: int = 0
    python: int = 0
    marked: int = 0
    signatures: int = 0
    problems: list[str] = field(default_factory=list)

    def counts(self) -> str:
        """The counts as JSON, for the end-of-run summary (``pytest_plugin.py``)."""
        fields = ("page", "blocks", "python", "marked", "signatures")
        return json.dumps({name: getattr(self, name) for name in fields})


def imported_modules(source: str) -> set[str]:
    """The top-level names of the modules ``source`` imports (absolute imports, anywhere)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def missing_modules(python: Path, names: set[str]) -> list[str]:
    """Those of ``names`` that ``python`` (isolated: no current directory, no PYTHON* variables)
    finds no module for, sorted."""
    command = [str(python), "-I", "-c", FIND_MODULES, json.dumps(sorted(names))]
    found = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(found.stdout)


def paste_problems(page: str, html: str, python: Path) -> PageBlocks:
    """What pasting the page's copied blocks into ``python`` needs beyond running them in its
    notebook's kernel: each block Python (or marked no-run, or a signature), plain Python (it
    compiles without IPython's ``%`` and ``!`` lines or top-level ``await``), and every module it
    imports found in ``python``, which has no kernel packages."""
    result = PageBlocks(page)
    first_block: dict[str, int] = {}  # module -> the first block that imports it
    for number, block in enumerate(copied_blocks(html), start=1):
        result.blocks += 1
        if block.kind == "marked":
            result.marked += 1
        elif block.kind == "signature":
            result.signatures += 1
        elif block.kind != "python":
            result.problems.append(
                f"block {number} ({block.language or 'no language'}) is not Python and not "
                f"marked {NO_RUN}: {block.text[:60]!r}"
            )
        else:
            result.python += 1
            try:
                compile(block.text, f"<copied block {number}>", "exec")
            except SyntaxError as error:
                result.problems.append(f"block {number} is not plain Python: {error}")
                continue
            for name in imported_modules(block.text):
                first_block.setdefault(name, number)
    if first_block:
        for name in missing_modules(python, set(first_block)):
            result.problems.append(
                f"block {first_block[name]} imports {name}, which the reader's Python does not have"
            )
    return result


if __name__ == "__main__":  # `make setup`: install the reader's PyTorch and extras ahead of tests
    print(*environments(), sep="\n")
