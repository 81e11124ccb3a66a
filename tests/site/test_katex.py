"""Math is typeset at build time (sitekit/plugins/katex.py): pages carry KaTeX's MathML, not TeX."""

from __future__ import annotations

import re

import pytest
from mkdocs.exceptions import PluginError

from sitekit.plugins import build_cache, katex
from sitekit.testing.build import configured, page_urls
from sitekit.testing.visits import visit_params

ALL_PAGES = page_urls("zh") + page_urls("en")
MATH_PAGES = ["", "losses/", "dilated-convolution/", "residual-networks/", "reference/losses/"]
MATH_PAGES += ["en/" + url for url in MATH_PAGES]


@pytest.fixture(autouse=True)
def empty_build_cache(tmp_path, monkeypatch):
    """Each test typesets afresh, in a cache of its own (not the user's)."""
    monkeypatch.setattr(build_cache, "root", lambda: tmp_path)


def test_inline_and_display_formulas_become_mathml_only():
    page = (
        '<p><span class="arithmatex">\\(a &lt; b\\)</span></p>'
        '<div class="arithmatex">\\[\n\\sum_{i=1}^{n} x_i\n\\]</div>'
    )
    out = katex.KatexPlugin().typeset(page, "page.md")
    assert "\\(" not in out and "\\[" not in out
    assert out.count('<span class="katex">') == 2
    assert out.count("<math ") == 2 and out.count('display="block"') == 1
    assert "<munderover>" in out  # a display sum: its limits above and below
    assert '<div class="arithmatex" tabindex="0">' in out  # a keyboard can scroll a wide one
    assert set(re.findall(r'class="([^"]+)"', out)) == {"arithmatex", "katex"}  # no HTML boxes
    # the TeX is unescaped once for KaTeX, and KaTeX escapes it again in its annotation
    assert '<annotation encoding="application/x-tex">a &lt; b</annotation>' in out


def test_a_formula_katex_cannot_parse_fails_and_names_the_page():
    with pytest.raises(PluginError, match=r"losses\.md: KaTeX cannot typeset '\\\\frac\{1\}'"):
        katex.KatexPlugin().typeset('<span class="arithmatex">\\(\\frac{1}\\)</span>', "losses.md")


@pytest.mark.parametrize("url", ALL_PAGES)
def test_built_pages_ship_mathml_and_no_katex_script_css_or_html(built_site, url):
    html = (built_site / url / "index.html").read_text(encoding="utf-8")
    formulas = html.count('class="arithmatex"')
    assert html.count('<span class="katex"><math ') == formulas, f"/{url}: untypeset formula"
    assert not re.search(r'class="arithmatex">\\[(\[]', html), f"/{url}: raw TeX left"
    assert "katex.min.js" not in html and "auto-render" not in html
    assert "katex.min.css" not in html and "katex-html" not in html, f"/{url}: KaTeX HTML"


def test_some_pages_have_math_and_some_do_not(built_site):
    counts = [
        (built_site / url / "index.html").read_text(encoding="utf-8").count('class="arithmatex"')
        for url in ALL_PAGES
    ]
    assert min(counts) == 0 and max(counts) > 20


def test_the_site_ships_no_katex_stylesheet_or_font(built_site):
    assert not (built_site / "assets" / "katex").exists()
    assert not [path for path in built_site.rglob("KaTeX_*")]


@pytest.mark.browser
@pytest.mark.parametrize("visit", visit_params(MATH_PAGES), indirect=True)
def test_every_formula_is_mathml_that_chromium_draws(visit):
    """Each formula is a <math> that Chromium lays out as MathML, every symbol non-empty."""
    loaded = visit.loaded
    assert loaded.formulas > 0, f"/{visit.url}: no math found"
    assert loaded.formulas == loaded.mathml == loaded.drawn_math, f"/{visit.url}: {loaded}"
    assert loaded.katex_html == 0


def test_each_build_closes_its_node_process():
    plugin = configured(katex.KatexPlugin)
    plugin.typeset('<span class="arithmatex">\\(x\\)</span>', "a.md")
    process = plugin.katex.process
    assert process is not None and process.poll() is None
    plugin.on_post_build(None)
    assert plugin.katex is None and process.poll() is not None  # node closed after the build
    assert katex.KatexPlugin().katex is None


def test_a_later_build_takes_formulas_from_the_build_cache():
    formula = ("\\frac{a}{b}", False)
    first = katex.Katex()
    typeset = first.render([formula])[formula]
    assert first.process is not None  # rendered by node
    first.close()
    second = katex.Katex()
    assert second.render([formula])[formula] == typeset
    assert second.process is None  # read back, node never started
    assert "<mfrac><mi>a</mi><mi>b</mi></mfrac>" in typeset


def test_entries_made_otherwise_or_unreadable_are_typeset_afresh():
    formula = ("x^2", True)
    katex.Katex().render([formula])
    other_code = katex.Katex()
    other_code.made_with = "another renderer"
    assert "<msup>" in other_code.render([formula])[formula]
    assert other_code.process is not None
    other_code.close()
    corrupt = katex.Katex()
    corrupt._file(formula).write_text("{not json", encoding="utf-8")
    assert "<msup>" in corrupt.render([formula])[formula]
    assert corrupt.process is not None
    corrupt.close()


def test_operator_names_get_the_thin_spaces_tex_gives_them():
    from sitekit.plugins.katex import THIN_SPACE, space_operator_names

    name = "<mi>log</mi><mo>\u2061</mo>"
    # y log z: a thin space on both sides, as TeX sets it
    assert space_operator_names(f"<mrow><mi>y</mi>{name}<mi>z</mi></mrow>") == (
        f"<mrow><mi>y</mi>{THIN_SPACE}{name}{THIN_SPACE}<mi>z</mi></mrow>"
    )
    # (log(x): none after an opening fence, none before a fence
    fenced = f'<mrow><mo stretchy="false">(</mo>{name}<mo stretchy="false">(</mo></mrow>'
    assert space_operator_names(fenced) == fenced
    # single letters are variables, not operator names
    assert space_operator_names("<mi>x</mi><mo>\u2061</mo>") == "<mi>x</mi><mo>\u2061</mo>"
