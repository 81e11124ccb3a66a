"""sitekit/plugins/moved_anchors.py: a page split into a section keeps every old link working.

``/reference/`` was one page until the API reference was split into one page per chapter, so
links in the wild read ``/reference/#snippets.<module>.<name>``; the section index sends them on
to the sub-page that now holds the anchor.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitekit.plugins.moved_anchors import SCRIPT_ID, anchors, moved_map, sections, with_script
from sitekit.testing.build import LANGUAGES

# The pages that became sections, with anchors their old single page had (links in the wild).
SECTIONS = {
    "losses/": ["focal-loss", "likelihood", "mistakes", "bce-autocast"],
    "reference/": ["snippets.losses.mse", "snippets.hdc", "snippets.resnet.BasicBlock"],
}
STUB = "<!doctype html><title>a sub-page</title>"
MAP = re.compile(rf'<script id="{SCRIPT_ID}">\(\(\) => \{{const moved = (\{{.*?\}});')


def test_sections_are_pages_with_pages_right_under_them():
    urls = ["", "losses/", "losses/why/", "losses/why/deep/", "glossary/", "reference/"]
    assert sections(urls) == {"losses/": ["losses/why/"], "losses/why/": ["losses/why/deep/"]}
    assert sections(["en/", "en/losses/", "en/glossary/"]) == {}  # the home is not a section


def test_the_map_holds_only_anchors_that_left_the_index():
    index = '<h1 id="top"></h1><h2 id="kept"></h2>'
    sub_pages = {
        "a/": '<h2 id="kept"></h2><h2 id="moved"></h2><p id="twice">',
        "b/": '<p id="twice">',
    }
    assert moved_map(index, sub_pages) == {"moved": "a/"}  # an anchor on two pages: nowhere


def test_the_script_is_replaced_not_added_again():
    html = "<article><h1 id='x'></h1></article>"
    once = with_script(html, {"moved": "a/"})
    twice = with_script(once, {"moved": "b/"})
    assert twice.count(f'id="{SCRIPT_ID}"') == 1 and '"b/"' in twice and '"a/"' not in twice
    assert with_script(once, {}) == html
    assert "<\\/script>" in with_script(html, {"</script>": "a/"})  # cannot close the script


def site_map(site: Path, index: str) -> dict[str, str]:
    html = (site / index / "index.html").read_text(encoding="utf-8")
    found = MAP.search(html)
    assert found, f"/{index}: no moved-anchors script"
    return json.loads(found[1])


@pytest.mark.parametrize(
    "index", [prefix + url for prefix in LANGUAGES.values() for url in SECTIONS]
)
def test_every_anchor_of_a_sub_page_is_reached_from_the_index(built_site, index):
    moved = site_map(built_site, index)
    own = anchors((built_site / index / "index.html").read_text(encoding="utf-8"))
    holders: dict[str, list[str]] = {}
    for html_file in sorted((built_site / index).glob("*/index.html")):
        for anchor in anchors(html_file.read_text(encoding="utf-8")) - own:
            holders.setdefault(anchor, []).append(html_file.parent.name + "/")
    unique = {anchor: pages[0] for anchor, pages in holders.items() if len(pages) == 1}
    assert moved == unique
    old = SECTIONS[index.removeprefix("en/")]
    assert all(anchor in moved for anchor in old), old


@pytest.fixture(scope="module")
def tab(browser):
    """One browser tab for the old links of every index (the tests are one xdist_group)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.xdist_group("moved-anchors")
@pytest.mark.parametrize(
    "index", [prefix + url for prefix in LANGUAGES.values() for url in SECTIONS]
)
def test_an_old_link_goes_on_to_the_new_page(tab, site_url, built_site, index):
    moved = site_map(built_site, index)
    samples = {}  # one anchor per sub-page, deepest names first
    for anchor, page in sorted(moved.items(), key=lambda item: -item[0].count(".")):
        samples.setdefault(page, anchor)
    # Where the index sends the reader is this test's question, not what is drawn there (the
    # test above checks the anchors there): each sub-page is answered with an empty page.
    sub_pages = {f"{site_url}{index}{page}" for page in samples}

    def others(url: str) -> bool:  # all but the index page's HTML and the sub-pages
        return url != f"{site_url}{index}" and url not in sub_pages

    tab.route(lambda url: url in sub_pages, lambda route: route.fulfill(body=STUB))
    try:
        for number, (page, anchor) in enumerate(samples.items()):
            if number == 1:
                # The first old link went through a whole page load. The script that sends the
                # reader on runs while the index's HTML is read, before anything the page loads
                # could run: for the other links the index's HTML alone is loaded.
                tab.route(others, lambda route: route.abort())
            tab.goto(f"{site_url}{index}#{anchor}")
            tab.wait_for_url(f"{site_url}{index}{page}#{anchor}", timeout=10_000)
        html = (built_site / index / "index.html").read_text(encoding="utf-8")
        own = re.search(r'<h1 id="([^"]+)"', html)[1]
        for staying in (own, "constructor"):  # its own anchor; not a sub-page's; inherited name
            tab.goto("about:blank")  # so that the index is loaded anew, its script run again
            tab.goto(f"{site_url}{index}#{staying}")
            tab.wait_for_load_state("load")
            assert tab.url == f"{site_url}{index}#{staying}"
    finally:
        tab.unroute_all()
