"""The pytest side of the ``#>`` convention (``sitekit/fence_runner.py``).

Loaded by the project's ``conftest.py`` (``pytest_plugins``), or with ``-p sitekit.pytest_plugin``
for pages outside the project. Importing it registers the output-checking runner; the option
``--update-outputs`` (``make outputs``) makes the same run rewrite the ``#>`` lines instead.
"""

from __future__ import annotations

import pytest

from sitekit.fence_runner import OutputUpdates, PrintCheckRunner


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the `#>` lines of every block that runs with what it printed (make outputs)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("update_outputs"):
        return
    if config.getoption("numprocesses", default=None) not in (None, 0):
        raise pytest.UsageError("--update-outputs rewrites files: run it with -n 0")
    PrintCheckRunner.updates = OutputUpdates()


def pytest_unconfigure(config: pytest.Config) -> None:
    updates, PrintCheckRunner.updates = PrintCheckRunner.updates, None
    if updates is not None:
        written = updates.write()
        print(f"\n--update-outputs: rewrote {len(written)} blocks", *written, sep="\n  ")
