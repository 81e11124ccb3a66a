"""Run a page's notebook as a reader does: top to bottom, in a kernel of the reader's Python.

``sitekit-notebooks`` (``sitekit/plugins/notebooks.py``) writes a notebook for each page with
Python code; ``tests/site/test_notebooks.py`` runs them here.

* ``kernel_layer`` is ipykernel and what it needs, installed once (with ``requirements.lock``
  as constraints) into a directory of the build cache, beside the reader's PyTorch
  (``sitekit/testing/reader.py``: ``environments``).
* ``kernel_python`` makes a virtual environment that is the reader's (PyTorch and the site's
  wheel, as ``ReaderPython`` installed them) with that layer after it on ``sys.path``: nothing
  is installed again, the reader's packages come first, and the project tree is not there.
* ``run_notebook`` starts a kernel of that Python with nbclient (a kernelspec of our own,
  pointing at it), runs every code cell but the install cell (the environment was made with
  the same command), and checks that what each cell writes to stdout is what its ``#>`` lines
  show, in order (``sitekit/testing/fence_runner.py``: ``expected_outputs``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from sitekit import ROOT
from sitekit.plugins import build_cache
from sitekit.testing.fence_runner import expected_outputs
from sitekit.testing.reader import (
    environments,
    install_pinned,
    made_once,
    run_command,
    site_packages,
)

KERNEL_PACKAGES = ("ipykernel",)
KERNEL_NAME = "reader"
SUMMARY_PROPERTY = "notebooks"  # each notebook's counts, printed after the run (pytest_plugin.py)
SYS_PATH_PROBE = "import json, sys\nprint(json.dumps(sys.path))"


def kernel_layer() -> Path:
    """A directory holding ipykernel and its dependencies, pinned by ``requirements.lock``.

    Made once per key (the Python version and the lock file) under the build cache; concurrent
    test runs wait on a lock while one makes it.
    """
    lock_file = ROOT / "requirements.lock"
    key = build_cache.key(sys.version, lock_file.read_text(encoding="utf-8"), KERNEL_PACKAGES)
    home = build_cache.directory("reader-kernel") / key
    layer = home / "site"

    def make() -> None:
        shutil.rmtree(layer, ignore_errors=True)
        torch_venv, _ = environments()
        install_pinned(torch_venv / "bin" / "python", layer, KERNEL_PACKAGES)

    made_once(home / "lock", home / "done", make)
    return layer


def kernel_python(reader_python: Path, venv: Path) -> Path:
    """A Python that sees the reader's environment first, then ``kernel_layer``; its path.

    A ``.pth`` line that starts with ``import`` runs at start-up: it adds the reader's
    site-packages as a site directory (so its own ``.pth`` layers, PyTorch and the extras,
    follow it), and the next line appends the kernel's layer after all of them.
    """
    reader_site = site_packages(reader_python.parent.parent)
    shutil.rmtree(venv, ignore_errors=True)
    run_command([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    (site_packages(venv) / "_reader_kernel.pth").write_text(
        f"import site; site.addsitedir({str(reader_site)!r})\n{kernel_layer()}\n",
        encoding="utf-8",
    )
    return venv / "bin" / "python"


@dataclass
class NotebookResult:
    """What happened to one notebook's code cells (the install cell is not counted)."""

    notebook: str
    cells: int = 0
    ran: int = 0
    matched: int = 0
    problems: list[str] = field(default_factory=list)

    def counts(self) -> str:
        """The counts as JSON, for the end-of-run summary (``pytest_plugin.py``)."""
        return json.dumps(
            {name: getattr(self, name) for name in ("notebook", "cells", "ran", "matched")}
        )


def _kernel_spec(python: Path, directory: Path) -> Path:
    """A kernelspec directory whose one kernel runs ipykernel in ``python``."""
    spec = directory / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "The reader's Python", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return directory / "kernels"


def install_cell(notebook: nbformat.NotebookNode) -> str:
    """The source of the notebook's first code cell, which installs the site's package."""
    return next(cell.source for cell in notebook.cells if cell.cell_type == "code")


def run_notebook(
    name: str, notebook: nbformat.NotebookNode, python: Path, workdir: Path, timeout: int = 600
) -> NotebookResult:
    """Run every code cell after the install cell in one kernel of ``python``, from ``workdir``."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    result = NotebookResult(name)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"][1:]
    result.cells = len(code)
    probe = nbformat.v4.new_code_cell(SYS_PATH_PROBE, id="sys-path-probe")
    to_run = nbformat.v4.new_notebook(cells=[*code, probe], metadata=notebook.metadata)
    workdir.mkdir(parents=True, exist_ok=True)
    specs = KernelSpecManager(kernel_dirs=[str(_kernel_spec(python, workdir))])
    manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.pop("MPLBACKEND", None)  # the kernel's own inline backend, as in Jupyter
    client = NotebookClient(
        to_run,
        km=manager,
        timeout=timeout,
        startup_timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute(env=env)
    except Exception as error:  # the kernel died or a cell timed out: the rest did not run
        result.problems.append(f"the kernel failed: {type(error).__name__}: {error}")
    finally:  # nbclient leaves running a kernel whose manager it was given; every cell has run
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
    for number, cell in enumerate(to_run.cells[:-1], start=1):
        errors = [output for output in cell.get("outputs", []) if output.output_type == "error"]
        if not cell.get("outputs") and cell.get("execution_count") is None:
            result.problems.append(f"cell {number} did not run")
            continue
        if errors:
            error = errors[0]
            result.problems.append(f"cell {number} raised {error.ename}: {error.evalue}")
            continue
        result.ran += 1
        printed = "".join(
            output.text
            for output in cell.outputs
            if output.output_type == "stream" and output.name == "stdout"
        ).splitlines()
        shown = [line for lines in expected_outputs(cell.source).values() for line in lines]
        if printed != shown:
            result.problems.append(
                f"{name} cell {number}:\n"
                f"  shown (#>):      {shown!r}\n  printed (stdout): {printed!r}"
            )
        else:
            result.matched += 1
    probe_out = "".join(o.get("text", "") for o in to_run.cells[-1].get("outputs", []))
    if probe_out:
        leaks = [p for p in json.loads(probe_out) if p and Path(p).is_relative_to(ROOT)]
        if leaks:
            result.problems.append(f"the project tree is on the kernel's sys.path: {leaks}")
    return result
