"""Gate: every page and its translation share their structure (sitekit/testing/twins.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitekit.testing.build import DOCS
from sitekit.testing.twins import check_docs, format_report, outline

FIXTURE = Path(__file__).parent / "fixtures" / "twins"


def test_every_page_and_its_twin_share_their_structure():
    report = check_docs(DOCS)
    assert not report, "translation twins differ:\n" + format_report(report)


def test_the_pages_have_something_to_compare():
    # A reader that silently found nothing would pass every comparison.
    pages = [outline(p.read_text(encoding="utf-8")) for p in (DOCS / "zh").glob("*.md")]
    assert sum(len(p.anchors) for p in pages) >= 20
    assert sum(len(p.code) for p in pages) >= 20
    assert sum(len(p.includes) for p in pages) >= 10
    assert sum(p.formulas for p in pages) >= 5
    assert sum(len(p.figures) for p in pages) >= 4
    assert sum(p.tables for p in pages) >= 3
    assert sum(len(p.admonitions) for p in pages) >= 1


def test_the_gate_fails_on_a_broken_pair_and_names_what_differs():
    report = check_docs(FIXTURE)
    assert list(report) == ["page.md"]
    text = format_report(report)
    expected = [
        "heading anchors differ (#2: zh 'formula' / en 'formula-en')",
        "en: headings without a { #anchor }: ['line 37: ## Summary']",
        "include lines differ",
        "snippets/params.py:other_section",
        "code blocks: zh has 2, en has 3",
        "figures: zh has 1, en has 2",
        "display formulas ($$): zh has 1, en has 2",
        "admonitions: zh has 1, en has 2",
        "tables: zh has 1, en has 0",
        "figure without alt text",
        "alt text is not English: '一条直线'",
    ]
    for message in expected:
        assert message in text, f"{message!r} not reported in:\n{text}"
    assert all(line.startswith("docs/{zh,en}/page.md: ") for line in text.splitlines())


def test_code_is_not_read_as_headings_or_tables():
    page = outline((FIXTURE / "zh" / "page.md").read_text(encoding="utf-8"))
    assert page.anchors == ["example", "formula", "summary"]
    assert page.tables == 1
    assert [block.lang for block in page.code] == ["python", "python"]
    assert page.code[0].options == ("notest", 'title="snippets/params.py"')


def test_a_missing_twin_is_named(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "docs")
    (tmp_path / "docs" / "zh" / "page.md").rename(tmp_path / "docs" / "zh" / "other.md")
    report = check_docs(tmp_path / "docs")
    assert report["other.md"] == ["no twin: docs/en/other.md does not exist"]
    assert report["page.md"] == ["no twin: docs/zh/page.md does not exist"]


def test_python_code_must_be_identical(tmp_path):
    for language in ("zh", "en"):
        (tmp_path / language).mkdir()
        (tmp_path / language / "p.md").write_text(
            "# T { #t }\n\n```python\nprint(1)\n#> 1\n```\n", encoding="utf-8"
        )
    assert check_docs(tmp_path) == {}
    (tmp_path / "en" / "p.md").write_text(
        "# T { #t }\n\n```python\nprint(2)\n#> 2\n```\n", encoding="utf-8"
    )
    assert check_docs(tmp_path) == {
        "p.md": ["Python code differs: zh block at line 3, en block at line 3"]
    }
    (tmp_path / "en" / "p.md").write_text(
        "# T { #t }\n\n```{.python notest}\nprint(1)\n#> 1\n```\n", encoding="utf-8"
    )
    assert check_docs(tmp_path) == {
        "p.md": ["Python block options differ: zh '' at line 3, en 'notest' at line 3"]
    }
