"""A published page links to its source file and to a new issue that names it; a local one not.

The Pages workflow builds with ``REPO_URL`` (the repository) and ``REPO_BRANCH`` set;
``overrides/main.html`` then ends every page with the two links, in the page's language. The
site these tests build for it is small (two pages in each language, configured by
``INHERIT: mkdocs.yml``), not a second build of the whole site.
"""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from mkdocs.config import load_config

from sitekit.testing.build import LANGUAGES, ROOT, build_site, derived_project
from sitekit.testing.links import check_site

pytestmark = pytest.mark.xdist_group("report-links")  # one worker builds the small site

REPOSITORY = "https://github.com/example-owner/cnn-study-questions"
SITE_URL = "https://example-owner.github.io/cnn-study-questions/"  # as GitHub Pages serves it
REPORT = 'class="md-source-file page-report"'

# (language, source under docs/, site path, page title: the nav's, translated for English)
PAGES = [
    ("zh", "zh/index.md", "", "首页"),
    ("zh", "zh/losses/segmentation.md", "losses/segmentation/", "语义分割与焦点损失"),
    ("en", "en/index.md", "en/", "Home"),
    ("en", "en/losses/segmentation.md", "en/losses/segmentation/", "Segmentation and focal loss"),
]
ISSUE_TITLE = {"zh": "页面问题：{}", "en": "Problem on the page: {}"}  # noqa: RUF001 (Chinese text)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site built as the Pages workflow builds: with the repository and the branch."""
    project = tmp_path_factory.mktemp("published")
    pages = {
        source: f"# {title}\n\n## Part {{ #part }}\n\nText.\n" for _, source, _, title in PAGES
    }
    derived_project(
        project,
        pages,
        "nav: [{首页: index.md}, {损失函数: [{语义分割与焦点损失: losses/segmentation.md}]}]\n"
        "plugins:\n"  # what these pages do not need: no math, no wheel, no notebook, no glossary
        "  sitekit-katex: {enabled: false}\n"
        "  sitekit-wheel: {enabled: false}\n"
        "  sitekit-notebooks: {enabled: false}\n"
        "  sitekit-terms: {enabled: false}\n",
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REPO_URL", REPOSITORY)
        env.setenv("SITE_URL", SITE_URL)
        env.delenv("REPO_BRANCH", raising=False)  # mkdocs.yml's default: main
        build_site(project / "site", cache=project / "cache", root=project)
    return project / "site"


def page_links(html: str) -> list[str]:
    """The targets of the links in the page's report block, in order."""
    start = html.index(REPORT)
    block = html[start : html.index("</div>", start)]
    return [unescape(href) for href in re.findall(r'<a href="([^"]*)"', block)]


@pytest.mark.parametrize(("language", "source", "path", "title"), PAGES)
def test_a_published_page_links_to_its_source_and_to_an_issue_naming_it(
    published, language, source, path, title
):
    html = (published / path / "index.html").read_text(encoding="utf-8")
    assert html.count(REPORT) == 1
    source_link, issue_link = page_links(html)
    assert source_link == f"{REPOSITORY}/blob/main/docs/{source}"
    issue = urlsplit(issue_link)
    assert f"{issue.scheme}://{issue.netloc}{issue.path}" == f"{REPOSITORY}/issues/new"
    query = parse_qs(issue.query, strict_parsing=True)
    assert query["title"] == [ISSUE_TITLE[language].format(title)]
    (body,) = query["body"]
    assert f"{SITE_URL}{path}" in body
    assert f"docs/{source}" in body
    label = {"zh": "报告问题", "en": "Report a problem"}[language]
    assert f">{label}</a>" in html


def test_the_links_leave_the_site_only_when_followed(published):
    """No link is broken, the two per page are outside links (counted, not fetched), and
    Material's repository widget, which would ask the GitHub API, is not on the page."""
    report = check_site(published, SITE_URL, LANGUAGES)
    assert report.broken == [], "\n".join(report.broken)
    assert report.counts["external links (not fetched)"] >= 2 * len(PAGES)
    home = (published / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="source"' not in home
    assert load_config(str(ROOT / "mkdocs.yml")).repo_url is None


def test_the_404_page_has_no_links(published):
    assert REPORT not in (published / "404.html").read_text(encoding="utf-8")


def test_a_build_without_a_repository_has_no_links(built_site):
    assert "REPO_URL" not in os.environ, "the test build is the local one: REPO_URL unset"
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 12
    assert [page for page in pages if REPORT in page.read_text(encoding="utf-8")] == []
