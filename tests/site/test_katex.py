"""Math is typeset at build time (hooks/katex.py): pages carry KaTeX's HTML, not TeX."""

from __future__ import annotations

import re

import pytest
from mkdocs.exceptions import PluginError

from hooks import katex
from tests.site.conftest import page_urls

ALL_PAGES = page_urls("zh") + page_urls("en")


def test_inline_and_display_formulas_become_katex_html():
    page = (
        '<p><span class="arithmatex">\\(a &lt; b\\)</span></p>'
        '<div class="arithmatex">\\[\n\\sum_{i=1}^{n} x_i\n\\]</div>'
    )
    out = katex.typeset(page, "page.md")
    assert "\\(" not in out and "\\[" not in out
    assert out.count('class="katex"') == 2
    assert out.count('class="katex-display"') == 1
    # the TeX is unescaped once for KaTeX, and KaTeX escapes it again in its annotation
    assert '<annotation encoding="application/x-tex">a &lt; b</annotation>' in out


def test_a_formula_katex_cannot_parse_fails_and_names_the_page():
    with pytest.raises(PluginError, match=r"losses\.md: KaTeX cannot typeset '\\\\frac\{1\}'"):
        katex.typeset('<span class="arithmatex">\\(\\frac{1}\\)</span>', "losses.md")


@pytest.mark.parametrize("url", ALL_PAGES)
def test_built_pages_ship_typeset_math_and_no_katex_script(built_site, url):
    html = (built_site / url / "index.html").read_text(encoding="utf-8")
    formulas = html.count('class="arithmatex"')
    assert html.count('<span class="katex">') == formulas, f"/{url}: untypeset formula"
    assert not re.search(r'class="arithmatex">\\[(\[]', html), f"/{url}: raw TeX left"
    assert "katex.min.js" not in html and "auto-render" not in html
    assert ("katex.min.css" in html) == (formulas > 0), f"/{url}: KaTeX CSS only with math"


def test_some_pages_have_math_and_some_do_not(built_site):
    counts = [
        (built_site / url / "index.html").read_text(encoding="utf-8").count('class="arithmatex"')
        for url in ALL_PAGES
    ]
    assert min(counts) == 0 and max(counts) > 20
