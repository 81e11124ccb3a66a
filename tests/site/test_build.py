"""The strict build, and what both languages of every page must share."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitekit.testing.build import DOCS, page_urls, twin_url

ZH_PAGES = page_urls("zh")


class _HeadingIds(HTMLParser):
    """Collect the ``id`` of every heading inside the article."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if re.fullmatch(r"h[1-6]", tag) and attributes.get("id"):
            self.ids.append(attributes["id"])


def _parse(built_site: Path, url: str) -> _HeadingIds:
    parser = _HeadingIds()
    parser.feed((built_site / url / "index.html").read_text(encoding="utf-8"))
    return parser


def test_every_page_has_a_twin():
    zh = {p.relative_to(DOCS / "zh") for p in (DOCS / "zh").rglob("*.md")}
    en = {p.relative_to(DOCS / "en") for p in (DOCS / "en").rglob("*.md")}
    assert zh == en, f"only in zh: {sorted(zh - en)}; only in en: {sorted(en - zh)}"
    assert len(zh) >= 3


@pytest.mark.parametrize("url", ZH_PAGES)
def test_twins_share_heading_anchors(built_site, url):
    zh, en = _parse(built_site, url), _parse(built_site, twin_url(url))
    assert zh.ids, f"{url} has no heading anchors"
    assert zh.ids == en.ids
    generated = [anchor for anchor in zh.ids if re.fullmatch(r"_\d*", anchor)]
    assert not generated, f"{url}: headings without an explicit anchor: {generated}"


@pytest.mark.parametrize("url", ZH_PAGES)
def test_html_lang_matches_the_language(built_site, url):
    assert _parse(built_site, url).lang == "zh"
    assert _parse(built_site, twin_url(url)).lang == "en"


@pytest.mark.parametrize(("index", "language"), [("search", "zh"), ("en/search", "en")])
def test_each_language_has_its_own_search_index(built_site, index, language):
    data = json.loads((built_site / index / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in data["docs"]]
    expected = {twin_url(url) if language == "en" else url for url in ZH_PAGES}
    expected = {url.removeprefix("en/") for url in expected}
    assert {location.split("#")[0] for location in locations} == expected
    has_chinese = [bool(re.search(r"[\u4e00-\u9fff]", doc["title"])) for doc in data["docs"]]
    assert any(has_chinese) if language == "zh" else not any(has_chinese)


@pytest.mark.parametrize(
    ("url", "label"), [("reference/losses/", "参数"), ("en/reference/losses/", "Parameters")]
)
def test_api_reference_labels_follow_the_page_language(built_site, url, label):
    html = (built_site / url / "index.html").read_text(encoding="utf-8")
    assert f'doc-section-title">{label}' in html


@pytest.mark.parametrize("url", ZH_PAGES)
def test_theme_labels_follow_the_page_language(built_site, url):
    zh = (built_site / url / "index.html").read_text(encoding="utf-8")
    en = (built_site / twin_url(url) / "index.html").read_text(encoding="utf-8")
    assert 'placeholder="搜索"' in zh and 'aria-label="目录"' in zh
    assert 'placeholder="Search"' in en and 'aria-label="Table of contents"' in en


@pytest.mark.parametrize(
    "include", ['--8<-- "snippets/params.py:no_such_section"', '--8<-- "snippets/no_such_file.py"']
)
def test_a_missing_include_fails_the_build(include):
    import markdown
    from mkdocs.config import load_config
    from pymdownx.snippets import SnippetMissingError

    config = load_config(str(DOCS.parent / "mkdocs.yml"))
    md = markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"]
    )
    with pytest.raises(SnippetMissingError):
        md.convert(f"```python\n{include}\n```\n")
