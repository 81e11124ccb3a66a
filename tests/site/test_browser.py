"""Every page of both languages, loaded in headless Chromium from the built site."""

from __future__ import annotations

import pytest

from tests.site.conftest import page_urls, twin_url

pytestmark = pytest.mark.browser

ALL_PAGES = page_urls("zh") + page_urls("en")

# (language prefix, what a reader types, the page that must come first)
SEARCHES = [
    ("", "损失函数", "losses/"),
    ("", "交叉熵", "losses/"),
    ("", "空洞卷积", "dilated-convolution/"),
    ("", "网格效应", "dilated-convolution/"),
    ("", "捷径连接", "residual-networks/"),
    ("", "残差", "residual-networks/"),
    ("", "残差网络", "residual-networks/"),
    ("", "术语表", "glossary/"),
    ("en/", "cross entropy", "en/losses/"),
    ("en/", "BCEWithLogitsLoss", "en/losses/"),
    ("en/", "dilated convolution", "en/dilated-convolution/"),
    ("en/", "gridding effect", "en/dilated-convolution/"),
    ("en/", "residual", "en/residual-networks/"),
    ("en/", "degradation", "en/residual-networks/"),
    ("en/", "glossary", "en/glossary/"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("url", ALL_PAGES)
def test_page_loads_cleanly_and_offline(page, site_url, url):
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(site_url) else outside.append(r.url))
    page.goto(site_url + url, wait_until="networkidle")
    assert errors == [], f"console errors on /{url}"
    assert outside == [], f"/{url} requested something outside the site"
    page.wait_for_function(  # KaTeX typesets after load; give a busy machine time to finish
        "[...document.querySelectorAll('.arithmatex')].every(e => e.querySelector('.katex'))"
    )
    text = page.inner_text("article")
    assert "\\(" not in text and "\\[" not in text, f"raw TeX left on /{url}"
    assert page.locator(".arithmatex").count() == page.locator(".arithmatex .katex").count()


@pytest.mark.parametrize("url", ALL_PAGES)
def test_language_switcher_points_to_the_twin(page, site_url, url):
    page.goto(site_url + url)
    other = "zh" if url.startswith("en/") else "en"
    link = page.locator(f"a.md-select__link[hreflang={other}]")
    href = link.evaluate("a => a.href")
    assert href == site_url + twin_url(url)
    page.goto(href)
    assert page.evaluate("document.documentElement.lang") == other


def search(page, query: str) -> str:
    """Type ``query`` into the search box and return the first result's URL (no query string).

    Material reads the box on ``keyup`` (and when its worker becomes ready), not on ``input``,
    so after filling the box a key that leaves the text alone is pressed, as a typist would.
    """
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    first = page.locator(".md-search-result__item a").first
    first.wait_for()
    return first.evaluate("a => a.origin + a.pathname")


@pytest.mark.parametrize(("prefix", "query", "expected"), SEARCHES)
def test_search_finds_the_page(page, site_url, prefix, query, expected):
    page.goto(site_url + prefix, wait_until="networkidle")
    assert search(page, query) == site_url + expected, f"searching {query!r} on /{prefix}"


def test_math_is_typeset_with_fractions_and_sums(page, site_url):
    page.goto(site_url)
    page.locator(".katex").first.wait_for()
    assert page.locator(".katex .mord").count() > 0
