"""Gate: axe-core finds no serious or critical problem on any page, light or dark.

axe-core comes from the npm registry (pinned in package.json, installed by ``make setup``) and is
injected into each page of the built site served on 127.0.0.1.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitekit.testing.build import page_urls
from sitekit.testing.visits import inject_axe, visit_params

FIXTURE = Path(__file__).parent / "fixtures" / "a11y" / "broken.html"
ALL_PAGES = page_urls("zh") + page_urls("en")
SEVERE = {"serious", "critical"}
CJK = re.compile(r"[\u3400-\u9fff]")


# Violations that are known, owned and being fixed: (page, Material scheme, rule, selector) ->
# why. Each is strict: on its page it must still occur (else the entry is stale and fails), and
# nothing else is excused.
KNOWN_ISSUES: dict[tuple[str, str, str, str], str] = {
    # e.g. ("dilated-convolution/", "slate", "color-contrast", "button[data-rates="): "why",
}


def severe_violations(
    page, options: str = "{}", excused: frozenset[str] = frozenset(), used: set | None = None
) -> list[str]:
    """Run axe-core on the loaded page; one line per serious or critical violation.

    Elements matching one of ``excused`` (``"rule selector-prefix"``) are left out, and the
    excuses that matched something are added to ``used``.
    """
    if not page.evaluate("typeof axe !== 'undefined'"):
        inject_axe(page)
    results = page.evaluate(
        f"() => axe.run(document, {{resultTypes: ['violations'], ...{options}}})"
    )
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in SEVERE:
            continue
        nodes = []
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            excuse = next(
                (e for e in excused if e == f"{violation['id']} {target}"[: len(e)]), None
            )
            if excuse is None:
                nodes.append(target)
            elif used is not None:
                used.add(excuse)
        if nodes:
            lines.append(
                f"{violation['impact']} {violation['id']}: {violation['help']} "
                f"({len(nodes)} elements, e.g. {nodes[:3]})"
            )
    return lines


# The dark scheme changes colours only: the same markup under other CSS custom properties,
# which Material swaps when the body's data-md-color-scheme changes (what its toggle does). So
# the page is checked in light with every rule, switched to dark in place (transitions off, so
# no colour is read half-way), and checked again with the rules that depend on colour.
COLOUR_RULES = "{runOnly: {type: 'rule', values: ['color-contrast', 'link-in-text-block']}}"
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"

# A page has thousands of highlighted code tokens and MathML tokens, but few distinct styles;
# axe's time grows with the number of elements. Keep the first token of each style and take the
# others out of the page, which leaves every distinct style checked once per page, in both
# palettes. A code token's style is its classes, its parent's classes, and whether it sits in a
# highlighted line (Pygments' CSS goes by these); it is turned into plain text, which keeps the
# text. A math token's style is its chain of ancestors (tags, classes and attributes: KaTeX's
# MathML has no classes, and the browser's MathML styles go by tags and attributes), and
# whether it holds a letter or digit (axe skips text of symbols only); it is removed.
ONE_OF_EACH_STYLE = """() => {
  const seen = new Set();
  const first = key => !seen.has(key) && seen.add(key);
  for (const span of document.querySelectorAll('pre span')) {
    if (span.firstElementChild) continue;
    const key = [span.className, span.parentElement.className, !!span.closest('.hll')].join('|');
    if (!first('code|' + key)) span.replaceWith(span.textContent);
  }
  const described = e => e.localName + '.' + e.className + '[' + [...e.attributes]
    .filter(a => a.name !== 'class' && a.name !== 'id').map(a => a.name + '=' + a.value) + ']';
  for (const token of document.querySelectorAll('math :is(mi, mn, mo, mtext, ms)')) {
    if (token.firstElementChild) continue;
    const chain = [/[\\p{L}\\p{N}]/u.test(token.textContent)];
    for (let e = token; e !== document.body; e = e.parentElement) chain.push(described(e));
    if (!first('math|' + chain.join('<'))) token.remove();
  }
}"""


def accessibility_problems(page, url: str) -> tuple[list[str], list[str]]:
    """Check a loaded page of the site in light, then in dark: (violations, stale excuses).

    Changes the page (see ``ONE_OF_EACH_STYLE``); ``url`` picks its ``KNOWN_ISSUES``.
    """
    found: list[str] = []
    stale: list[str] = []
    page.add_style_tag(content=NO_TRANSITIONS)
    page.evaluate(ONE_OF_EACH_STYLE)
    for scheme, options in (("default", "{}"), ("slate", COLOUR_RULES)):
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        known = frozenset(
            f"{rule} {selector}"
            for (where, mode, rule, selector) in KNOWN_ISSUES
            if where == url and mode == scheme
        )
        used: set[str] = set()
        found += [f"{scheme}: {line}" for line in severe_violations(page, options, known, used)]
        stale += [f"{scheme}: {excuse}" for excuse in sorted(known - used)]
    return found, stale


@pytest.mark.browser
@pytest.mark.parametrize("visit", visit_params(ALL_PAGES), indirect=True)
def test_no_serious_accessibility_violation(visit):
    found, stale = accessibility_problems(visit.page, visit.url)
    assert not found, f"axe-core on /{visit.url}:\n" + "\n".join(found)
    assert not stale, f"/{visit.url}: fixed? remove from KNOWN_ISSUES: {stale}"


@pytest.mark.browser
def test_axe_reports_a_broken_page(browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.set_content(FIXTURE.read_text(encoding="utf-8"))
        found = "\n".join(severe_violations(page))
    finally:
        context.close()
    for rule in ("image-alt", "color-contrast", "button-name", "link-name"):
        assert f" {rule}:" in found, f"{rule} not reported:\n{found}"


def probed_problems(browser, site_url: str, url: str, css: str, probe: str) -> list[str]:
    """The violations ``accessibility_problems`` finds on the page at ``url`` once the stylesheet
    ``css`` is added and the script ``probe`` has added something to find."""
    context = browser.new_context(color_scheme="light")
    try:
        page = context.new_page()
        page.goto(site_url + url, wait_until="load")
        page.add_style_tag(content=css)
        page.evaluate(probe)
        return accessibility_problems(page, url)[0]
    finally:
        context.close()


@pytest.mark.browser
def test_the_dark_pass_catches_a_problem_only_dark_has(browser, site_url):
    found = probed_problems(
        browser,
        site_url,
        "en/glossary/",
        '[data-md-color-scheme="slate"] .probe { color: #4051b5 }',
        "document.querySelector('article').insertAdjacentHTML("
        "'beforeend', '<p class=\"probe\">Only dark mode makes this hard to read.</p>')",
    )
    assert not [line for line in found if line.startswith("default:")], found
    assert [line for line in found if line.startswith("slate: serious color-contrast")], found
    assert all(".probe" in line for line in found), found


# A copy of the first formula with a word in it (axe leaves a lone letter undecided: too short to
# tell whether it is text), in a paragraph of its own.
COPY_A_WORDY_FORMULA = """() => {
  const wordy = [...document.querySelectorAll('article .arithmatex')]
    .find(f => [...f.querySelectorAll('mi, mtext')].some(t => /\\p{L}{3}/u.test(t.textContent)));
  const probe = document.createElement('p');
  probe.className = 'probe';
  probe.append(wordy.cloneNode(true));
  document.querySelector('article').append(probe);
}"""


@pytest.mark.browser
def test_a_formula_styled_apart_is_still_checked(browser, site_url):
    """One token of each style is kept: a copy of a formula, styled apart, keeps its tokens."""
    found = probed_problems(
        browser,
        site_url,
        "en/dilated-convolution/",
        ".probe math { color: #c8c8c8 }",
        COPY_A_WORDY_FORMULA,
    )
    assert [line for line in found if line.startswith("default: serious color-contrast")], found
    assert all(".probe" in line for line in found), found


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.depth = 0
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag == "article":
            self.depth += 1
        if tag == "img" and self.depth:
            self.images.append(attributes)

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def figure_problems(html: str) -> list[str]:
    """Images in the article with no alt text, or alt text not in the page's language."""
    parser = _Images()
    parser.feed(html)
    problems = []
    for image in parser.images:
        alt, src = image.get("alt", "").strip(), image.get("src", "")
        if not alt:
            problems.append(f"{src}: no alt text")
        elif parser.lang == "zh" and not CJK.search(alt):
            problems.append(f"{src}: alt text is not Chinese: {alt!r}")
        elif parser.lang == "en" and CJK.search(alt):
            problems.append(f"{src}: alt text is not English: {alt!r}")
    return problems


def test_every_figure_has_alt_text_in_its_language(built_site):
    figures, problems = 0, {}
    for url in ALL_PAGES:
        html = (built_site / url / "index.html").read_text(encoding="utf-8")
        figures += html.count("<img")
        if found := figure_problems(html):
            problems[url or "/"] = found
    assert not problems, problems
    assert figures >= 8


def test_the_alt_text_check_fails_on_bad_figures():
    zh = '<html lang="zh"><article><img src="a.svg"><img src="b.svg" alt="Loss curve"></article>'
    en = '<html lang="en"><article><img src="c.svg" alt="损失曲线"><img src="d.svg" alt=" ">'
    assert figure_problems(zh) == [
        "a.svg: no alt text",
        "b.svg: alt text is not Chinese: 'Loss curve'",
    ]
    assert figure_problems(en) == [
        "c.svg: alt text is not English: '损失曲线'",
        "d.svg: no alt text",
    ]
