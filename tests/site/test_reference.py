"""The API reference, one page per chapter: every old link into the single page still lands.

Until the reference was split, every module lived on ``/reference/``, so links in the wild read
``/reference/#snippets.<module>.<name>``. The section's index page lists each module with a link
to its new page, and a small script there sends such a link on to that page (the longest module
name that prefixes the anchor wins). These tests check the rule covers every anchor of every
reference page, and that the script follows it in the browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit.build import LANGUAGES

pytestmark = pytest.mark.browser

ID = re.compile(r'\bid="(snippets\.[^"]+)"')
MODULE_LINK = re.compile(r'<a href="([\w-]+/)#(snippets\.\w+)"')


def module_pages(site: Path, prefix: str) -> dict[str, str]:
    """Module name -> the page (relative to the index) that its link on the index points to."""
    html = (site / prefix / "reference" / "index.html").read_text(encoding="utf-8")
    return {module: page for page, module in MODULE_LINK.findall(html)}


def reference_anchors(site: Path, prefix: str) -> dict[str, str]:
    """Every ``snippets.*`` anchor of the reference section -> the page that holds it."""
    anchors = {}
    for html_file in sorted((site / prefix / "reference").glob("*/index.html")):
        page = html_file.parent.name + "/"
        for anchor in ID.findall(html_file.read_text(encoding="utf-8")):
            assert anchor not in anchors, f"{anchor} is on both {anchors[anchor]} and {page}"
            anchors[anchor] = page
    return anchors


def redirect_target(anchor: str, modules: dict[str, str]) -> str | None:
    """The page the index's script sends ``#anchor`` to (the rule it implements)."""
    matches = [m for m in modules if anchor == m or anchor.startswith(m + ".")]
    return modules[max(matches, key=len)] if matches else None


@pytest.mark.parametrize("prefix", LANGUAGES.values())
def test_every_old_anchor_has_a_page_that_holds_it(built_site, prefix):
    modules = module_pages(built_site, prefix)
    anchors = reference_anchors(built_site, prefix)
    assert len(modules) == 11 and set(modules) < set(anchors), (modules, len(anchors))
    wrong = {a: (p, redirect_target(a, modules)) for a, p in anchors.items()}
    wrong = {a: pages for a, pages in wrong.items() if pages[0] != pages[1]}
    assert not wrong, f"anchor: (its page, where the index sends it): {wrong}"


@pytest.mark.parametrize("prefix", LANGUAGES.values())
def test_an_old_link_goes_on_to_the_new_page(browser, site_url, built_site, prefix):
    anchors = reference_anchors(built_site, prefix)
    samples = {}  # one anchor of a function per page, deepest names first
    for anchor, page in sorted(anchors.items(), key=lambda item: -item[0].count(".")):
        samples.setdefault(page, anchor)
    context = browser.new_context()
    try:
        tab = context.new_page()
        for page, anchor in samples.items():
            tab.goto(f"{site_url}{prefix}reference/#{anchor}")
            tab.wait_for_url(f"{site_url}{prefix}reference/{page}#{anchor}", timeout=10_000)
        tab.goto(f"{site_url}{prefix}reference/#api-reference")  # its own anchor: it stays
        tab.wait_for_load_state("load")
        assert tab.url == f"{site_url}{prefix}reference/#api-reference"
    finally:
        context.close()
