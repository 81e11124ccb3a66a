"""Project-wide pytest set-up (applies to snippets/, tests/ and docs/)."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.site.fence_runner  # noqa: F401  (registers the `#>` output-checking runner)

DOCS = Path(__file__).resolve().parent / "docs"


def pytest_collection_finish(session: pytest.Session) -> None:
    """An empty collection of page code blocks must not pass quietly."""
    ran_docs = any(
        DOCS.is_relative_to(Path(arg.split("::")[0]).resolve()) for arg in session.config.args
    )
    fences = [item for item in session.items if DOCS in item.path.parents]
    if ran_docs and not fences:
        raise pytest.UsageError(f"no Python code block was collected from {DOCS}")
