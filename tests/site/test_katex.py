"""Math is typeset at build time (sitekit/katex.py): pages carry KaTeX's HTML, not TeX."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from mkdocs.exceptions import PluginError

from sitekit import build_cache, katex, katex_fonts
from tests.site.conftest import page_urls, visit_params

ALL_PAGES = page_urls("zh") + page_urls("en")


@pytest.fixture(autouse=True)
def empty_build_cache(tmp_path, monkeypatch):
    """Each test typesets and cuts fonts afresh, in a cache of its own (not the user's)."""
    monkeypatch.setattr(build_cache, "root", lambda: tmp_path)


def test_inline_and_display_formulas_become_katex_html():
    page = (
        '<p><span class="arithmatex">\\(a &lt; b\\)</span></p>'
        '<div class="arithmatex">\\[\n\\sum_{i=1}^{n} x_i\n\\]</div>'
    )
    out = katex.KatexPlugin().typeset(page, "page.md")
    assert "\\(" not in out and "\\[" not in out
    assert out.count('class="katex"') == 2
    assert out.count('class="katex-display"') == 1
    # the TeX is unescaped once for KaTeX, and KaTeX escapes it again in its annotation
    assert '<annotation encoding="application/x-tex">a &lt; b</annotation>' in out


def test_a_formula_katex_cannot_parse_fails_and_names_the_page():
    with pytest.raises(PluginError, match=r"losses\.md: KaTeX cannot typeset '\\\\frac\{1\}'"):
        katex.KatexPlugin().typeset('<span class="arithmatex">\\(\\frac{1}\\)</span>', "losses.md")


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


# --- the cut-down fonts (sitekit/katex_fonts.py) ---

CSS = katex.KATEX_CSS.read_text(encoding="utf-8")
ORIGINAL_FONTS = katex.KATEX_DIST / "fonts"
MATH_PAGES = ["", "losses/", "dilated-convolution/", "residual-networks/", "reference/"]
MATH_PAGES += ["en/" + url for url in MATH_PAGES]


def characters_in(font: Path) -> set[str]:
    return {chr(code) for code in TTFont(font).getBestCmap()}


def missing_glyphs(drawn: dict[katex_fonts.Face, set[str]], fonts: Path) -> list[str]:
    """Characters a face draws that KaTeX's font has but its font in ``fonts`` lacks.

    (KaTeX also draws a zero-width space that none of its fonts has; the browser takes it from
    another font, with or without the cut.)
    """
    faces = katex_fonts.stylesheet_rules(CSS)[1]
    problems = []
    for face, characters in sorted(drawn.items()):
        if face not in faces:
            problems.append(f"{face}: not a KaTeX face")
        elif lacking := (characters & characters_in(ORIGINAL_FONTS / faces[face])) - characters_in(
            fonts / faces[face]
        ):
            problems.append(f"{faces[face]} lacks {''.join(sorted(lacking))!r}")
    return problems


def test_the_stylesheet_is_read_whole():
    rules, faces = katex_fonts.stylesheet_rules(CSS)
    assert len(faces) == len(list(ORIGINAL_FONTS.glob("*.woff2"))) == 20
    assert len(rules) > 25
    assert max(len(classes) for classes, _ in rules) == len(rules[0][0])  # most specific first


def test_glyphs_follow_the_katex_classes():
    html = katex.KatexPlugin().typeset(
        '<span class="arithmatex">\\(\\mathbf{W} x + \\sum_i y\\)</span>', "t"
    )
    drawn = katex_fonts.glyphs(html, CSS)
    assert drawn[("KaTeX_Main", "normal", "700")] == {"W"}
    assert drawn[("KaTeX_Math", "italic", "400")] == {"x", "y", "i"}
    assert "+" in drawn[("KaTeX_Main", "normal", "400")]
    assert drawn[("KaTeX_Size1", "normal", "400")] == {"∑"}  # an inline sum: small operator


def test_used_fonts_are_cut_down_and_the_others_left_alone(built_site):
    served = built_site / "assets" / "katex" / "fonts"
    cut = [
        font.name
        for font in sorted(ORIGINAL_FONTS.glob("*.woff2"))
        if (served / font.name).read_bytes() != font.read_bytes()
    ]
    assert "KaTeX_Main-Regular.woff2" in cut and "KaTeX_Math-Italic.woff2" in cut
    for name in cut:
        assert (served / name).stat().st_size < (ORIGINAL_FONTS / name).stat().st_size / 1.5


def test_the_glyph_check_reports_a_missing_character(built_site):
    served = built_site / "assets" / "katex" / "fonts"
    drawn = {("KaTeX_Main", "normal", "400"): {"Œ", "1"}, ("Arial", "normal", "400"): {"a"}}
    assert missing_glyphs(drawn, served) == [
        "('Arial', 'normal', '400'): not a KaTeX face",
        "KaTeX_Main-Regular.woff2 lacks 'Œ'",
    ]
    assert missing_glyphs(drawn, ORIGINAL_FONTS)[1:] == []  # the full font has Œ


@pytest.mark.browser
@pytest.mark.parametrize("visit", visit_params(MATH_PAGES), indirect=True)
def test_every_character_chromium_draws_is_in_the_served_font(visit, built_site):
    drawn = {tuple(face.split("|")): set(text) for face, text in visit.loaded.katex_faces.items()}
    assert drawn, f"/{visit.url}: no KaTeX text found"
    assert missing_glyphs(drawn, built_site / "assets" / "katex" / "fonts") == [], f"/{visit.url}"


def test_what_a_build_gathers_lives_on_its_plugin_instance():
    first, second = katex.KatexPlugin(), katex.KatexPlugin()
    first.typeset('<span class="arithmatex">\\(x\\)</span>', "a.md")
    first.on_post_build(None)
    assert first.glyphs and first.katex is None  # node closed after the build
    assert second.glyphs == {} and second.katex is None


def test_a_later_build_takes_formulas_and_fonts_from_the_build_cache(tmp_path):
    formula = ("\\frac{a}{b}", False)
    first = katex.Katex()
    typeset = first.render([formula])[formula]
    assert first.process is not None  # rendered by node
    first.close()
    second = katex.Katex()
    assert second.render([formula])[formula] == typeset
    assert second.process is None  # read back, node never started
    assert set(typeset.glyphs[("KaTeX_Math", "italic", "400")]) == {"a", "b"}

    font = ORIGINAL_FONTS / "KaTeX_Main-Regular.woff2"
    cut = katex_fonts._subset(font, "12")
    assert len(list((tmp_path / "fonts").iterdir())) == 1
    assert katex_fonts._subset(font, "12") == cut
    assert characters_in_bytes(cut) >= {"1", "2"} and "3" not in characters_in_bytes(cut)


def test_entries_made_otherwise_or_unreadable_are_typeset_afresh():
    formula = ("x^2", True)
    katex.Katex().render([formula])
    other_code = katex.Katex()
    other_code.made_with = "another renderer"
    assert isinstance(other_code.render([formula])[formula], katex.Typeset)
    assert other_code.process is not None
    other_code.close()
    corrupt = katex.Katex()
    corrupt._file(formula).write_text("{not json", encoding="utf-8")
    assert isinstance(corrupt.render([formula])[formula], katex.Typeset)
    assert corrupt.process is not None
    corrupt.close()


@pytest.mark.parametrize(("expected", "finished"), [(2, 1), (0, 0)])
def test_fonts_are_cut_only_when_every_page_was_built(tmp_path, expected, finished):
    fonts = tmp_path / "assets" / "katex" / "fonts"
    fonts.mkdir(parents=True)
    plugin = katex.KatexPlugin()
    plugin.site_dir = tmp_path
    plugin.glyphs = {("KaTeX_Main", "normal", "400"): {"1"}}
    plugin.pages = {"expected": expected, "finished": finished}
    plugin.on_post_build(None)
    name = "KaTeX_Main-Regular.woff2"
    whole = (fonts / name).read_bytes() == (ORIGINAL_FONTS / name).read_bytes()
    assert whole == (finished < expected)  # a --dirty build saw only some pages' characters


def characters_in_bytes(font: bytes) -> set[str]:
    return {chr(code) for code in TTFont(BytesIO(font)).getBestCmap()}
