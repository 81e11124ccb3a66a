"""Cut KaTeX's fonts down to the characters this site's math uses.

The typeset math on a page makes the browser fetch KaTeX's fonts: up to 60 KB on a chapter,
for a few dozen characters. For each formula KaTeX renders, ``glyphs`` works out which
``@font-face`` each character is drawn with (the same cascade the browser applies to KaTeX's
stylesheet: the innermost class that sets a font family, style or weight wins), and
``subset_fonts`` rewrites each used WOFF2 font in the built site with only those characters.
A browser test compares this with the fonts Chromium actually computes for every character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from sitekit import build_cache

Face = tuple[str, str, str]  # (font-family, font-style, font-weight) of an @font-face
DEFAULT_FACE: Face = ("KaTeX_Main", "normal", "400")  # `.katex { font: normal 1.21em KaTeX_Main }`
PROPERTIES = ("font-family", "font-style", "font-weight")
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CLASS_SELECTOR = re.compile(r"\.katex ((?:\.[\w-]+)+)")


def _declarations(body: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in body.split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


@cache
def stylesheet_rules(css: str) -> tuple[list[tuple[frozenset[str], dict[str, str]]], dict]:
    """KaTeX's font rules, most specific first, and its faces: (family, style, weight) -> file.

    Only rules of the form ``.katex .a.b {...}`` are read; the two rules for the pieces of a
    multi-part delimiter (``.delimsizing.mult .delim-size1>span``) are not, and the browser test
    would catch a page that needs them.
    """
    rules, faces = [], {}
    for selectors, body in RULE.findall(css):
        declarations = _declarations(body)
        if selectors.strip() == "@font-face":
            woff2 = re.search(r"url\(fonts/([\w-]+\.woff2)\)", declarations["src"])
            key = tuple(declarations[name] for name in PROPERTIES)
            faces[key] = woff2.group(1)
            continue
        fonts = {name: value for name, value in declarations.items() if name in PROPERTIES}
        for selector in selectors.split(",") if fonts else []:
            match = CLASS_SELECTOR.fullmatch(selector.strip())
            if match:
                rules.append((frozenset(match.group(1).strip(".").split(".")), fonts))
    # the cascade: a selector with more classes wins; between equals, the later rule
    order = sorted(range(len(rules)), key=lambda i: (len(rules[i][0]), i), reverse=True)
    return [rules[i] for i in order], faces


class _Glyphs(HTMLParser):
    """Characters per face in KaTeX's visible HTML (not its MathML, which uses other fonts)."""

    def __init__(self, rules: list[tuple[frozenset[str], dict[str, str]]]) -> None:
        super().__init__()
        self.rules = rules
        self.open: list[set[str]] = []
        self.found: dict[Face, set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(set((dict(attrs).get("class") or "").split()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <path/>, <line/> in KaTeX's SVGs: no text

    def handle_endtag(self, tag: str) -> None:
        self.open.pop()

    def handle_data(self, data: str) -> None:
        characters = set(data) - {" ", "\n"}  # KaTeX's own spacing uses no-break spaces (kept)
        if not characters or not any("katex-html" in classes for classes in self.open):
            return
        chosen: dict[str, str] = {}
        for classes in reversed(self.open):
            for needed, fonts in self.rules:
                if needed <= classes:
                    for name, value in fonts.items():
                        chosen.setdefault(name, value)
        family, style, weight = (
            chosen.get(name, DEFAULT_FACE[i]) for i, name in enumerate(PROPERTIES)
        )
        face = (family, style, {"bold": "700", "normal": "400"}.get(weight, weight))
        self.found.setdefault(face, set()).update(characters)


def glyphs(rendered: str, css: str) -> dict[Face, set[str]]:
    """The characters each KaTeX face draws in ``rendered`` (KaTeX's HTML for one formula)."""
    parser = _Glyphs(stylesheet_rules(css)[0])
    parser.feed(rendered)
    parser.close()
    return parser.found


def _subset(font: Path, characters: str) -> bytes:
    """``font`` cut to ``characters``, from the build cache when it was cut so before."""
    made_with = (fontTools.version, build_cache.fingerprint(font, Path(__file__)))
    stored = build_cache.directory("fonts") / build_cache.key(font.name, *made_with, characters)
    if stored.is_file():
        return stored.read_bytes()
    woff2 = TTFont(font, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(woff2)
    out = BytesIO()
    woff2.save(out)
    build_cache.store(stored, out.getvalue())
    return out.getvalue()


def subset_fonts(used: dict[Face, set[str]], css: str, fonts: Path, out: Path) -> list[str]:
    """Write each used face's font from ``fonts`` into ``out``, cut to its characters."""
    faces = stylesheet_rules(css)[1]
    written = []
    for face, characters in sorted(used.items()):
        name = faces[face]
        (out / name).write_bytes(_subset(fonts / name, "".join(sorted(characters))))
        written.append(name)
    return written


def merge(into: dict[Face, set[str]], more: Iterable[tuple[Face, Iterable[str]]]) -> None:
    for face, characters in more:
        into.setdefault(face, set()).update(characters)
