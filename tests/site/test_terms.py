"""docs/terms.yml is the one list of terms: glossaries, search words and pages all follow it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from sitekit.plugins import terms
from sitekit.testing.build import configured

DOCS = Path(terms.ROOT) / "docs"
FIXTURES = Path(__file__).parent / "fixtures" / "terms"
# Pages that pair an English term with a Chinese wording the table does not give. Each entry
# must still occur (a fixed page fails this test until its entry is removed here).
PENDING_PAGE_FIXES: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def table() -> terms.Terms:
    return terms.load()


def pages() -> list[Path]:
    return [page for page in sorted(DOCS.glob("*/*.md")) if page.name != "glossary.md"]


@pytest.mark.parametrize("page", pages(), ids=lambda page: page.relative_to(DOCS).as_posix())
def test_every_term_a_page_introduces_is_in_the_table(table, page):
    where = page.relative_to(DOCS.parent).as_posix()
    problems = terms.unknown_uses(page.read_text(encoding="utf-8"), table, where)
    pending = PENDING_PAGE_FIXES.get(where, [])
    for known in pending:
        assert any(known in problem for problem in problems), f"{where}: {known} is fixed"
    problems = [p for p in problems if not any(known in p for known in pending)]
    assert not problems, "add the term to docs/terms.yml, or fix the page:\n" + "\n".join(problems)


def test_a_page_that_drifted_from_the_table_fails(table):
    problems = terms.unknown_uses((FIXTURES / "drifted.md").read_text("utf-8"), table, "drifted")
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "(kernal) is not in docs/terms.yml",
        "(dilated convolution) follows …错了英文；空洞率, but docs/terms.yml pairs it "
        "with 空洞卷积 / 膨胀卷积 / 扩张卷积",
        "(feature mapping) is not in docs/terms.yml",
    ]


def test_code_and_math_are_not_read_as_terms(table):
    page = "```python\nx = 形状 (N)\n```\n\n`张量 (tensor)` and $卷积 (conv)$\n"
    assert terms.introductions(page) == []


def test_the_jieba_user_dictionary_is_generated_from_the_table(table):
    written = terms.USER_DICT.read_text(encoding="utf-8")
    assert written == terms.user_dictionary(table), (
        "tools/jieba_user_dict.txt is stale: run `make terms`"
    )
    words = [line.split(" ")[0] for line in written.splitlines()]
    assert {"空洞卷积", "膨胀卷积", "感受野", "术语表"} <= set(words)
    assert "Huber" not in " ".join(words)  # jieba words hold no spaces or Latin


def test_a_changed_term_changes_both_glossaries_and_search(table):
    first = table.sections[0]
    renamed = dataclasses.replace(first.terms[0], zh="卷积神经网路", en="convnet")
    changed = dataclasses.replace(
        table, sections=(dataclasses.replace(first, terms=(renamed, *first.terms[1:])),)
    )
    for language in terms.LANGUAGES:
        glossary = terms.render(changed, language)
        assert "| 卷积神经网路 | convnet |" in glossary
        assert "卷积神经网络" not in glossary
    assert "卷积神经网路 20 n\n" in terms.user_dictionary(changed)


def test_both_glossaries_list_every_term_in_the_same_order(table):
    zh, en = terms.render(table, "zh"), terms.render(table, "en")
    rows = [line for line in zh.splitlines() if line.startswith("| ") and "---" not in line]
    en_rows = [line for line in en.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(en_rows) == len(table.all) + len(table.sections)
    for zh_row, en_row in zip(rows, en_rows, strict=True):
        assert zh_row.split(" | ")[1] == en_row.split(" | ")[1]  # the English column
    assert "## 损失函数 { #losses }" in zh and "## Loss functions { #losses }" in en
    assert "见[损失函数](losses/index.md)一章。" in zh
    assert "See the [loss functions](losses/index.md) chapter." in en


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- {zh: 卷积核, en: kernel}\n      - {zh: 卷积核, en: filter}", "listed twice"),
        ("- {zh: 卷积核, en: kernel, note_zh: 只有中文}", "both languages"),
        ("- {zh: 卷积核}", "needs zh and en"),
        ("- {zh: 卷积核, en: kernel, meaning: x}", "unknown"),
    ],
)
def test_a_malformed_table_is_rejected(tmp_path, entry, message):
    source = tmp_path / "terms.yml"
    source.write_text(
        f"sections:\n  - id: a\n    zh: 甲\n    en: A\n    terms:\n      {entry}\n", "utf-8"
    )
    with pytest.raises(ValueError, match=message):
        terms.load(source)


def test_a_glossary_page_with_rows_of_its_own_fails_the_build(table):
    plugin = configured(terms.TermsPlugin)
    plugin.terms = table
    page = type("Page", (), {"file": type("File", (), {"src_uri": "zh/glossary.md"})()})()
    config = type("Config", (), {"plugins": {}})()
    rendered = plugin.on_page_markdown(f"# 术语表\n\n{terms.MARKER}\n", page, config, None)
    assert "| 空洞卷积（又称膨胀卷积、扩张卷积） | dilated (atrous) convolution |" in rendered
    with pytest.raises(PluginError, match=r"belong in docs/terms\.yml"):
        plugin.on_page_markdown(f"{terms.MARKER}\n\n| 新 | new | x |\n", page, config, None)


@pytest.mark.parametrize(("url", "language"), [("glossary/", "zh"), ("en/glossary/", "en")])
def test_the_built_glossaries_show_the_table(built_site, table, url, language):
    html = (built_site / url / "index.html").read_text(encoding="utf-8")
    assert "<!-- terms" not in html
    assert html.count("<tr>") == len(table.all) + len(table.sections)
    for term in table.all:
        assert term.zh_forms()[0] in html
    assert not (built_site / "terms.yml").exists()


def test_a_build_warns_when_the_search_words_are_stale(table, tmp_path, caplog):
    stale = tmp_path / "user_dict.txt"
    stale.write_text("卷积 20 n\n", encoding="utf-8")
    search = type("Search", (), {"config": type("C", (), {"jieba_dict_user": str(stale)})()})()
    config = type("Config", (), {"plugins": {"search": search}})()
    config.config_file_path = str(tmp_path / "mkdocs.yml")
    plugin = configured(terms.TermsPlugin)
    with caplog.at_level("WARNING", logger="mkdocs.plugins.sitekit.plugins.terms"):
        plugin.on_files([], config)
    assert "is stale against terms.yml: run `make terms`" in caplog.text
    stale.write_text(terms.user_dictionary(table), encoding="utf-8")
    caplog.clear()
    configured(terms.TermsPlugin).on_files([], config)
    assert caplog.text == ""
