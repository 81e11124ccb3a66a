"""Load each page of the built site once in headless Chromium, and keep what the checks read.

A page costs the browser most of its time to parse, lay out and (for axe-core) inspect, so each
page is loaded once per test session (``visit`` in ``tests/site/conftest.py``), in the one tab
of its pytest-xdist worker (``Tab``), and every check on it reads the same load: what the page
logged and requested (recorded for its whole life) and what it showed when it had loaded
(``Loaded``, taken before any check changes the page).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page

from sitekit import ROOT

# axe-core (pinned in package.json, installed by `make setup`), and the URL path (relative to the
# site's root) where the tests' server serves it besides the site (tests/site/conftest.py).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL_PATH = "_tests/axe.min.js"

# What the checks read from the loaded page, in one round trip.
SNAPSHOT = """() => ({
  switcher: Object.fromEntries(
    [...document.querySelectorAll('a.md-select__link[hreflang]')].map(a => [a.hreflang, a.href])),
  articleText: document.querySelector('article')?.innerText ?? '',
  formulas: document.querySelectorAll('.arithmatex').length,
  typeset: document.querySelectorAll('.arithmatex .katex').length,
  mathml: document.querySelectorAll('.arithmatex .katex > math').length,
  // MathML that Chromium lays out as MathML Core, with a box and every token drawn non-empty
  drawnMath: [...document.querySelectorAll('.arithmatex .katex > math')].filter(math => {
    const box = math.getBoundingClientRect();
    const tokens = [...math.querySelectorAll('mi, mn, mo, mtext')]
      .filter(t => /[^\\s\\u200b\\u2061-\\u2064]/.test(t.textContent));
    return getComputedStyle(math).display.includes('math') && box.width > 0 && box.height > 0
      && tokens.length > 0 && tokens.every(t => t.getBoundingClientRect().width > 0);
  }).length,
  katexHtml: document.querySelectorAll('.katex-html').length,
})"""


# Resolves once the page has drawn two more frames and then run a task: what the page set going
# at load (an observer of what is in view, work for the next frame, a zero-delay timer) has run.
TWO_FRAMES_LATER = """() => new Promise(resolve =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve))))"""


def after_two_frames(page: Page) -> None:
    """Wait until ``page`` has run what it set going for the coming frames (``TWO_FRAMES_LATER``).

    What a fixed pause after loading waited for, without waiting longer than the page takes.
    """
    page.evaluate(TWO_FRAMES_LATER)


@dataclass(frozen=True)
class Loaded:
    """What the page showed once loaded (and its math typeset), before any check touched it."""

    switcher: dict[str, str]  # hreflang -> absolute URL of the language switcher's link
    article_text: str
    formulas: int  # .arithmatex elements
    typeset: int  # .arithmatex elements with KaTeX markup inside
    mathml: int  # .arithmatex elements whose KaTeX markup is a MathML <math>
    drawn_math: int  # of those, laid out as MathML with every token drawn at non-zero width
    katex_html: int  # KaTeX HTML boxes (.katex-html): none, math is MathML only


@dataclass
class Visit:
    """A loaded page and everything it logged and requested since navigation began."""

    url: str  # path relative to the site root, "" for the home page
    page: Page
    loaded: Loaded
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    outside: list[str] = field(default_factory=list)  # requested URLs outside the site

    def settle(self) -> None:
        """Wait until the page has made no request for 500 ms (returns at once if it has)."""
        self.page.wait_for_load_state("networkidle")


@contextmanager
def visiting(browser: Browser, site_url: str, url: str) -> Iterator[Visit]:
    """Load ``site_url + url`` in a fresh context; yield the ``Visit``; close the context."""
    context = browser.new_context(color_scheme="light")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        with _loading(page, site_url, url) as visit:
            yield visit
    finally:
        context.close()


class Tab:
    """One browser tab that loads the pages of a test session one after another.

    A fresh browser context for every page starts a renderer process and fetches every asset
    again, which costs more than most checks on the page; the next page in the same tab does
    not. Each visit still starts as a reader's first visit to the site does, but for the HTTP
    cache: what the last page stored (Material keeps a reader's choices in local and session
    storage) is cleared before the next page is loaded.
    """

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(color_scheme="light")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)

    @contextmanager
    def visiting(self, site_url: str, url: str) -> Iterator[Visit]:
        """Load ``site_url + url`` in this tab; yield the ``Visit``."""
        if self.page.url.startswith(site_url):
            self.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        with _loading(self.page, site_url, url) as visit:
            yield visit

    def close(self) -> None:
        self.context.close()


@contextmanager
def _loading(page: Page, site_url: str, url: str) -> Iterator[Visit]:
    """Load ``site_url + url`` in ``page``, recording what it logs and requests while in use."""
    errors: list[str] = []
    outside: list[str] = []

    def console(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    def page_error(error) -> None:
        errors.append(str(error))

    def request(sent) -> None:
        if not sent.url.startswith(site_url):
            outside.append(sent.url)

    handlers = {"console": console, "pageerror": page_error, "request": request}
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        page.goto(site_url + url, wait_until="load")  # math is in the HTML: nothing to wait for
        facts = page.evaluate(SNAPSHOT)
        loaded = Loaded(
            switcher=facts["switcher"],
            article_text=facts["articleText"],
            formulas=facts["formulas"],
            typeset=facts["typeset"],
            mathml=facts["mathml"],
            drawn_math=facts["drawnMath"],
            katex_html=facts["katexHtml"],
        )
        yield Visit(url=url, page=page, loaded=loaded, errors=errors, outside=outside)
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)


def inject_axe(page: Page) -> None:
    """Give ``page`` axe-core: from the tests' server, where the page came from one (the browser
    then compiles it once for all pages), else from the file."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make setup`")
    if page.url.startswith("http"):
        page.add_script_tag(url=urljoin(page.url, "/" + AXE_URL_PATH))
    else:
        page.add_script_tag(path=str(AXE))


def visit_params(urls: list[str]) -> list:
    """Parameters for the ``visit`` fixture (``tests/site/conftest.py``), one pytest-xdist group
    per page.

    Under ``--dist loadgroup`` all tests of a page then run on one worker, so the page is
    loaded once in the whole run, not once per worker.
    """
    return [pytest.param(url, marks=pytest.mark.xdist_group(f"page:/{url}")) for url in urls]
