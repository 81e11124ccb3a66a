"""Gate: the sitekit-lean-code plugin removes highlight spans, and nothing on screen changes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from sitekit.plugins.lean_code import PLAIN, lean_code, lean_page, token_styles
from sitekit.testing.build import ROOT

STYLESHEETS = sorted(
    Path(__import__("material").__file__).parent.glob("templates/assets/stylesheets/*.min.css")
)
MATERIAL = [sheet.read_text(encoding="utf-8") for sheet in STYLESHEETS]
SOURCES = sorted((ROOT / "snippets").glob("*.py"))
TAG = re.compile(r"<[^>]+>")


def highlighted(source: str) -> str:
    """The inside of the ``<code>`` element Pygments makes of ``source`` for pymdownx.highlight."""
    return highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))


def text(inner: str) -> str:
    return html.unescape(TAG.sub("", inner))


def elements(inner: str) -> int:
    return inner.count("<span")


@pytest.fixture(scope="module")
def styles() -> dict[str, str]:
    return token_styles(MATERIAL)


def test_material_draws_names_plain_and_punctuation_like_operators(styles):
    assert styles["n"] == styles["kc"] == PLAIN
    assert "w" not in styles  # whitespace: no rule, drawn plain
    assert styles["p"] == styles["o"] != PLAIN
    assert len({styles["k"], styles["nn"], styles["s2"], styles["mi"], styles["p"]}) == 5
    assert styles["hll"].startswith("own:") and styles["gd"].startswith("own:")


def test_a_palette_that_colours_names_keeps_their_spans():
    recoloured = [*MATERIAL, "[data-md-color-scheme=x]{--md-code-hl-name-color:#f00}"]
    assert token_styles(recoloured)["n"] != PLAIN
    assert '<span class="n">x</span>' in lean_code(
        '<span class="n">x</span>', token_styles(recoloured)
    )


def test_spans_are_dropped_and_merged(styles):
    inner = (
        '<span class="n">f</span><span class="p">(</span><span class="mi">1</span>'
        '<span class="p">,</span><span class="w"> </span><span class="o">-</span>'
        '<span class="mi">2</span><span class="p">)</span>'
    )
    assert lean_code(inner, styles) == (
        'f<span class="p">(</span><span class="mi">1</span><span class="p">, -</span>'
        '<span class="mi">2</span><span class="p">)</span>'
    )


def test_what_is_inside_a_link_or_styled_beyond_colour_is_left_alone(styles):
    inner = (
        '<a href="#x"><span class="n">Tensor</span></a><span class="p">,</span> '
        '<span class="hll"><span class="n">y</span></span>'
        '<span class="gd">a</span><span class="gd">b</span>'
    )
    assert lean_code(inner, styles) == inner


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_every_module_keeps_its_text_with_fewer_elements(source, styles):
    inner = highlighted(source.read_text(encoding="utf-8"))
    lean = lean_code(inner, styles)
    assert text(lean) == text(inner)
    assert elements(lean) < 0.75 * elements(inner)


def test_the_built_pages_have_no_span_that_changes_nothing(built_site, styles):
    pages = list(built_site.rglob("index.html"))
    spans = re.compile(r'<span class="(n|w|kc)">')
    assert len(pages) >= 14
    for page in pages:
        output = page.read_text(encoding="utf-8")
        assert lean_page(output, styles) == output, page  # the plugin ran: nothing left to do
        for code in re.findall(r"<code\b[^>]*>(.*?)</code>", output, re.S):
            assert not spans.search(re.sub(r"<a\b.*?</a>", "", code, flags=re.S)), page


# Every character of two code blocks with the style it is drawn in, in the page's palette,
# compared in the page for each module (a module has thousands of characters): the first
# character whose text or look differs, and how many elements each block has.
DRAWN = """(modules) => {
  const host = document.querySelector('.md-content__inner');
  const drawn = (inner) => {
    const block = document.createElement('div');
    block.className = 'language-python highlight';
    block.innerHTML = '<pre><code>' + inner + '</code></pre>';
    host.append(block);
    const chars = [];
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const style = getComputedStyle(node.parentElement);
      let background = 'none';  // a background of an element inside the code, if any
      for (let e = node.parentElement; e.tagName !== 'CODE'; e = e.parentElement) {
        const colour = getComputedStyle(e).backgroundColor;
        if (colour !== 'rgba(0, 0, 0, 0)') { background = colour; break; }
      }
      const look = [style.color, background, style.fontStyle, style.fontWeight,
                    style.textDecorationLine].join();
      for (const ch of node.data) if (ch.trim()) chars.push(ch + ' ' + look);
    }
    const elements = block.querySelectorAll('*').length;
    block.remove();
    return {chars, elements};
  };
  return modules.map(([raw, lean]) => {
    const [before, after] = [drawn(raw), drawn(lean)];
    let index = 0;
    while (index < before.chars.length && before.chars[index] === after.chars[index]) index++;
    const same = index === before.chars.length && index === after.chars.length;
    return {
      chars: before.chars.length,
      difference: same ? null : {index, raw: before.chars.slice(index, index + 3),
                                 lean: after.chars.slice(index, index + 3)},
      elements: [before.elements, after.elements],
    };
  });
}"""


@pytest.mark.browser
def test_every_character_keeps_its_colour_in_both_palettes(browser, site_url, styles):
    """Material's stylesheets as the site loads them: each module, raw and lean, side by side."""
    modules = []
    for source in SOURCES:
        inner = highlighted(source.read_text(encoding="utf-8"))
        modules.append([inner, lean_code(inner, styles)])
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_url + "losses/")
        for scheme in ("default", "slate"):
            page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            for source, drawn in zip(SOURCES, page.evaluate(DRAWN, modules), strict=True):
                assert drawn["difference"] is None, f"{scheme}: {source.name}: {drawn}"
                assert drawn["chars"] > 0
                raw, lean = drawn["elements"]
                assert lean < raw, f"{scheme}: {source.name}"
    finally:
        context.close()
