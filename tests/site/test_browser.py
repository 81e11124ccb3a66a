"""Every page of both languages, loaded in headless Chromium from the built site.

Each page is loaded once (the ``visit`` fixture, shared with ``test_a11y.py``) and every check
below reads that load; searches run in one loaded home page per language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitekit.testing.build import page_urls, twin_url
from sitekit.testing.serving import serve
from sitekit.testing.visits import Visit, visit_params, visiting

pytestmark = pytest.mark.browser

ALL_PAGES = page_urls("zh") + page_urls("en")
BROKEN_SITE = Path(__file__).parent / "fixtures" / "browser"
HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]*)\"")

# (language prefix, what a reader types, the page that must come first)
SEARCHES = [
    ("", "损失函数", "losses/"),
    ("", "交叉熵", "losses/"),
    ("", "空洞卷积", "dilated-convolution/"),
    ("", "网格效应", "dilated-convolution/"),
    ("", "输出步长", "dilated-convolution/"),
    ("", "膨胀卷积", "dilated-convolution/"),
    ("", "捷径连接", "residual-networks/"),
    ("", "残差", "residual-networks/"),
    ("", "残差网络", "residual-networks/"),
    ("", "密集预测", "dense-prediction/"),
    ("", "平均交并比", "dense-prediction/"),
    ("", "术语表", "glossary/"),
    ("", "焦点损失", "losses/segmentation/"),  # a section that moved to a sub-page
    ("", "rising_groups", "reference/dilation/"),  # an API name: its page in the reference
    ("en/", "cross entropy", "en/losses/"),
    ("en/", "BCEWithLogitsLoss", "en/losses/"),
    ("en/", "dilated convolution", "en/dilated-convolution/"),
    ("en/", "gridding effect", "en/dilated-convolution/"),
    ("en/", "output stride", "en/dilated-convolution/"),
    ("en/", "residual", "en/residual-networks/"),
    ("en/", "degradation", "en/residual-networks/"),
    ("en/", "dense prediction", "en/dense-prediction/"),
    ("en/", "mIoU", "en/dense-prediction/"),
    ("en/", "glossary", "en/glossary/"),
    ("en/", "focal loss", "en/losses/segmentation/"),
    ("en/", "data_names", "en/reference/helpers/"),
]


def load_problems(visit: Visit) -> list[str]:
    """What is wrong with how the page loaded: console errors, requests outside the site, math."""
    visit.settle()  # no request for 500 ms: everything the page asks for has been asked
    loaded, problems = visit.loaded, []
    if visit.errors:
        problems.append(f"console errors: {visit.errors}")
    if visit.outside:
        problems.append(f"requested something outside the site: {visit.outside}")
    if "\\(" in loaded.article_text or "\\[" in loaded.article_text:
        problems.append("raw TeX left in the article")
    if loaded.typeset != loaded.formulas:
        untypeset = loaded.formulas - loaded.typeset
        problems.append(f"{untypeset} of {loaded.formulas} formulas not typeset")
    if not loaded.typeset == loaded.mathml == loaded.drawn_math:
        problems.append(
            f"of {loaded.typeset} typeset formulas, {loaded.mathml} are MathML and "
            f"{loaded.drawn_math} are drawn as MathML with every symbol visible"
        )
    if loaded.katex_html:
        problems.append(f"{loaded.katex_html} KaTeX HTML boxes: math must be MathML only")
    return problems


def switcher_problems(visit: Visit, site_url: str, site: Path) -> list[str]:
    """What is wrong with the language switcher: where its link goes, what language it finds."""
    other = "zh" if visit.url.startswith("en/") else "en"
    href, twin = visit.loaded.switcher.get(other), twin_url(visit.url)
    if href != site_url + twin:
        return [f"the {other} switcher link goes to {href}, not to /{twin}"]
    page_file = site / twin / "index.html"  # the page the link leads to, as the server sends it
    if not page_file.is_file():
        return [f"the switcher leads to /{twin}, which was not built"]
    if (lang := html_lang(page_file)) != other:
        return [f"the switcher leads to /{twin}, whose <html lang> is {lang!r}, not {other!r}"]
    return []


def html_lang(page_file: Path) -> str:
    """The ``lang`` attribute of a built page's ``<html>``, "" when it has none."""
    match = HTML_LANG.search(page_file.read_text(encoding="utf-8"))
    return match.group(1) if match else ""


@pytest.mark.parametrize("visit", visit_params(ALL_PAGES), indirect=True)
def test_page_loads_cleanly_and_offline(visit):
    problems = load_problems(visit)
    assert not problems, f"/{visit.url}: " + "; ".join(problems)


@pytest.mark.parametrize("visit", visit_params(ALL_PAGES), indirect=True)
def test_language_switcher_points_to_the_twin(visit, site_url, built_site):
    problems = switcher_problems(visit, site_url, built_site)
    assert not problems, f"/{visit.url}: " + "; ".join(problems)


def test_the_page_checks_report_a_broken_page(browser):
    with serve(BROKEN_SITE) as url:
        with visiting(browser, url, "broken/") as broken:
            load = load_problems(broken)
            switcher = switcher_problems(broken, url, BROKEN_SITE)
        with visiting(browser, url, "en/broken/") as wrong_link:
            wrong = switcher_problems(wrong_link, url, BROKEN_SITE)
            assert load_problems(wrong_link) == []
    assert [problem.split(":")[0] for problem in load] == [
        "console errors",
        "requested something outside the site",
        "raw TeX left in the article",
        "1 of 2 formulas not typeset",
        "of 1 typeset formulas, 0 are MathML and 0 are drawn as MathML with every symbol visible",
        "1 KaTeX HTML boxes",
    ], load
    assert "broken on purpose" in load[0] and "127.0.0.2:9/outside.png" in load[1]
    assert switcher == ["the switcher leads to /en/broken/, whose <html lang> is 'zh', not 'en'"]
    assert wrong == [f"the zh switcher link goes to {url}elsewhere/, not to /broken/"]


def search_all(page, query: str) -> set[str]:
    """Type ``query`` and return every result link's path and anchor (pages and sections)."""
    search(page, query)
    links = page.locator(".md-search-result__item a")
    return set(links.evaluate_all("links => links.map(a => a.pathname + a.hash)"))


def search(page, query: str) -> str:
    """Type ``query`` into the search box and return the first result's URL (no query string).

    Material reads the box on ``keyup`` (and when its worker becomes ready), not on ``input``,
    so after filling the box a key that leaves the text alone is pressed, as a typist would.
    The box is emptied first and the old results waited away, so the first result read is
    this query's, not the previous one's.
    """
    box = page.locator("input.md-search__input")
    first = page.locator(".md-search-result__item a").first
    box.fill("")
    box.press("End")
    first.wait_for(state="detached")
    box.fill(query)
    box.press("End")
    first.wait_for()
    return first.evaluate("a => a.origin + a.pathname")


@pytest.fixture(scope="module")
def search_page(request: pytest.FixtureRequest, browser, site_url: str) -> Iterator:
    """The home page of one language (``request.param``: its URL prefix), for all its searches."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(site_url + request.param, wait_until="load")
        yield page
    finally:
        context.close()


# scope="module": one search page per language for all its queries (with the default function
# scope, a parametrization that is partly direct makes pytest set the page up for each query)
@pytest.mark.parametrize(
    ("search_page", "query", "expected"),
    [
        pytest.param(prefix, query, expected, marks=pytest.mark.xdist_group(f"search:/{prefix}"))
        for prefix, query, expected in SEARCHES
    ],
    indirect=["search_page"],
    scope="module",
)
def test_search_finds_the_page(search_page, site_url, query, expected):
    found = search(search_page, query)
    assert found == site_url + expected, f"searching {query!r} on {search_page.url}: {found}"


# The page that ends each chapter with its exercises
EXERCISE_PAGES = [
    "losses/from-scratch/",
    "dilated-convolution/",
    "residual-networks/",
    "dense-prediction/",
]


@pytest.mark.parametrize(
    ("search_page", "query"),
    [
        pytest.param(prefix, query, marks=pytest.mark.xdist_group(f"search:/{prefix}"))
        for prefix, query in [("", "练习"), ("en/", "exercises")]
    ],
    indirect=["search_page"],
    scope="module",
)
def test_searching_exercises_lists_every_chapters_exercises(search_page, site_url, query):
    prefix = "/en/" if query == "exercises" else "/"
    found = search_all(search_page, query)
    expected = {f"{prefix}{page}#exercises" for page in EXERCISE_PAGES}
    assert expected <= found, f"searching {query!r}: missing {sorted(expected - found)}"


@pytest.mark.parametrize("visit", visit_params([""]), indirect=True)
def test_math_on_the_home_page_is_drawn_as_mathml(visit):
    assert visit.loaded.typeset > 0, "no typeset formula on the home page"
    assert visit.loaded.drawn_math == visit.loaded.mathml > 0, "no MathML drawn on the home page"
    assert visit.page.locator(".arithmatex math mn, .arithmatex math mo").count() > 0
