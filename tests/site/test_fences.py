"""Gate: every Python block on every page is executed, or is an include of tested code."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitekit.testing.build import DOCS, ROOT
from sitekit.testing.fences import account, account_docs

FIXTURE = Path(__file__).parent / "fixtures" / "fences" / "page.md"


def test_every_python_block_is_executed_or_a_tested_include():
    accounting = account_docs(DOCS, ROOT)
    assert set(accounting) == {"zh", "en"}
    for language, result in accounting.items():
        print(
            f"{language}: {result.total} Python blocks, {len(result.executed)} executed, "
            f"{len(result.included)} tested includes"
        )
        assert result.unchecked == [], f"{language}: Python blocks nobody checks"
        assert len(result.executed) >= 20, f"{language}: suspiciously few executed blocks"
    assert len(accounting["zh"].executed) == len(accounting["en"].executed)


def test_the_gate_fails_on_blocks_nobody_checks(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets" / "tested.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "tests" / "test_tested.py").write_text("def test(): pass\n", encoding="utf-8")
    (tmp_path / "snippets" / "untested.py").write_text("y = 2\n", encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    shutil.copy(FIXTURE, page)

    result = account(page, tmp_path)

    assert result.executed == ["docs/page.md:5", "docs/page.md:30"]
    assert result.included == ["docs/page.md:12", "docs/page.md:59"]
    assert result.marked == ["docs/page.md:75"]
    assert result.unchecked == [
        "docs/page.md:18 (notest, not an include of a tested snippets module)",
        "docs/page.md:24 (notest, not an include of a tested snippets module)",
        "docs/page.md:40 (not collected by pytest-markdown-docs)",
        "docs/page.md:46 (not collected by pytest-markdown-docs)",
        "docs/page.md:68 (notest, not an include of a tested snippets module)",
    ]


def test_a_block_the_runner_would_cut_short_is_not_counted_as_executed(tmp_path, monkeypatch):
    """mdit-py-plugins alone ends an admonition at two blank lines in a row, inside a fence too;
    the gate compares what would run with what the page shows."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.admon import admon_plugin

    from sitekit.testing import fences

    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    shutil.copy(FIXTURE, page)
    monkeypatch.setattr(
        fences, "markdown_parser", lambda: MarkdownIt("commonmark").use(admon_plugin)
    )

    result = account(page, tmp_path)

    assert "docs/page.md:30 (collected by pytest-markdown-docs only in part)" in result.unchecked
