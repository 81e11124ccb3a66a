"""Chinese pages are drawn with a font that has Chinese glyphs, in the browser the tests use.

Without a CJK font (Debian's ``fonts-noto-cjk``), Chromium draws every Chinese character as an
empty box: screenshots show boxes and every browser check still passes. This check asks
Chromium (DevTools ``CSS.getPlatformFontsForNode``) which installed fonts drew a zh page's
title and first paragraph, and fails unless fonts that fontconfig lists for Chinese drew at
least one glyph per Chinese character.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from sitekit.testing.build import page_urls
from sitekit.testing.visits import visit_params

pytestmark = pytest.mark.browser

CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
DRAWN = ("article h1", "article p")  # the title and the first paragraph


def chinese_families() -> set[str]:
    """Families of the installed fonts that fontconfig says cover Chinese."""
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True
    ).stdout
    return {family.strip() for line in listed.splitlines() for family in line.split(",")}


def cjk_font_problems(text: str, fonts: list[dict], families: set[str]) -> list[str]:
    """Why ``text`` was not drawn with Chinese fonts, given Chromium's platform fonts for it."""
    needed = len(CHINESE.findall(text))
    drawn = sum(font["glyphCount"] for font in fonts if font["familyName"] in families)
    if needed and drawn < needed:
        used = ", ".join(f"{font['familyName']} ({font['glyphCount']})" for font in fonts)
        return [f"{needed} Chinese characters, {drawn} glyphs from a Chinese font; drawn by {used}"]
    return []


def test_the_check_fails_without_a_chinese_font():
    fallback = [{"familyName": "DejaVu Sans", "glyphCount": 5}]
    assert cjk_font_problems("损失函数", fallback, {"Noto Sans CJK SC"}) != []
    drawn = [{"familyName": "Noto Sans CJK SC", "glyphCount": 4}]
    assert cjk_font_problems("损失函数", drawn, {"Noto Sans CJK SC"}) == []


def test_fontconfig_lists_a_chinese_font():
    assert chinese_families(), "no font covers Chinese: install fonts-noto-cjk (make setup does)"


@pytest.mark.parametrize("visit", visit_params(page_urls("zh")), indirect=True)
def test_chinese_text_is_drawn_with_a_chinese_font(visit):
    families = chinese_families()
    cdp = visit.page.context.new_cdp_session(visit.page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        problems = []
        for selector in DRAWN:
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            assert node, f"/{visit.url}: no {selector}"
            text = visit.page.locator(selector).first.inner_text()
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            problems += [f"{selector}: {p}" for p in cjk_font_problems(text, fonts, families)]
    finally:
        cdp.detach()
    assert not problems, f"/{visit.url}: " + "; ".join(problems)
