"""Highlighted code with fewer elements and the same look: less for a browser to style and lay out.

The MkDocs plugin ``sitekit-lean-code``, a speed-up only. Pygments wraps every token of a code
block in its own ``<span class="…">``: a name, a comma, a space. On a chapter with much code
they are most of the page's elements, and the browser styles and lays out each one. Most of
them change nothing on screen:

* a token class the theme gives no colour (``w``, whitespace), or the code's own colour
  (``n``, ``kc``: Material's ``--md-code-hl-name-color`` is ``var(--md-code-fg-color)``), is
  drawn exactly as the text around it, so its span is dropped;
* neighbouring tokens drawn alike (``p`` and ``o`` both resolve to the light foreground in every
  palette) share one span, with the spaces between them.

What "drawn alike" means is read from the theme's own stylesheets (:func:`token_styles`), not
written here, so a palette that colours names differently keeps their spans. Only colour-only
rules of the form ``.highlight .X`` are simplified; a class that appears in any other selector
(``.hll``, ``.gd``, ``.filename``), and everything inside another element (an autorefs link in
a signature), is left as it was. ``tests/site/test_lean_code.py`` checks in Chromium that every
character keeps its computed colour, in both palettes.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

# A token Pygments wrapped, a run of text, or any other tag.
TOKEN = re.compile(
    r'<span class="(?P<cls>[\w-]+)">(?P<text>[^<]*)</span>|(?P<plain>[^<]+)|(?P<tag><[^>]*>)'
)
CODE = re.compile(r"(<code\b[^>]*>)(.*?)(</code>)", re.S)
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
SIMPLE_SELECTOR = re.compile(r"^\.highlight \.([\w-]+)$")
CLASS_IN_SELECTOR = re.compile(r"\.([\w-]+)")
VARIABLE = re.compile(r"(--[\w-]+)\s*:\s*([^;}]+)")
VARIABLE_USE = re.compile(r"var\((--[\w-]+)\)")
VOID = re.compile(r"<(br|wbr|img|input)\b|<[^>]*/>")
PLAIN = "plain"  # the style key of text drawn in the code's own colour
OWN = "own:"  # the style key prefix of a class never dropped or merged


def token_styles(stylesheets: list[str]) -> dict[str, str]:
    """Each token class's style key: classes with equal keys are drawn alike.

    The key is ``PLAIN`` for a class drawn in the code's colour. A class the theme does not
    style at all is left out (drawn plain too); a class it styles in any way other than one
    colour under ``.highlight .X`` gets a key of its own, so it is never merged or dropped.
    """
    definitions: dict[str, list[str]] = defaultdict(list)
    declarations: dict[str, list[str]] = defaultdict(list)
    special: set[str] = set()
    for css in stylesheets:
        for name, value in VARIABLE.findall(css):
            definitions[name].append(value.strip())
        for selectors, body in RULE.findall(css):
            for selector in selectors.split(","):
                selector = selector.strip()
                if match := SIMPLE_SELECTOR.match(selector):
                    declarations[match[1]].append(body.strip())
                else:
                    special.update(CLASS_IN_SELECTOR.findall(selector))

    def resolve(value: str) -> str:
        """A colour with each variable replaced, recursively, by every value the stylesheets
        give it."""
        for _ in range(10):
            value, changed = VARIABLE_USE.subn(
                lambda use: "|".join(definitions.get(use[1], ["undefined " + use[1]])), value
            )
            if not changed:
                break
        return value

    code_colour = resolve("var(--md-code-fg-color)")
    styles = {}
    for cls, bodies in declarations.items():
        if cls in special or len(bodies) != 1 or not bodies[0].startswith("color:"):
            styles[cls] = OWN + cls
            continue
        colour = resolve(bodies[0].removeprefix("color:").strip())
        styles[cls] = PLAIN if set(colour.split("|")) == set(code_colour.split("|")) else colour
    for cls in special - declarations.keys():
        styles[cls] = OWN + cls
    return styles


def lean_code(inner: str, styles: dict[str, str]) -> str:
    """The inside of one ``<code>`` element with the spans that change nothing removed."""
    out: list[str] = []
    run_cls = run_style = None  # the open span's class and style key
    run_text: list[str] = []
    spaces = ""  # blank text after the open span, joined to it if the next token matches
    depth = 0  # inside another element (a link): left as written

    def close() -> None:
        nonlocal run_cls, run_style, spaces
        if run_cls is not None:
            out.append(f'<span class="{run_cls}">{"".join(run_text)}</span>')
        out.append(spaces)
        run_cls = run_style = None
        run_text.clear()
        spaces = ""

    for token in TOKEN.finditer(inner):
        if depth or token["tag"] is not None:
            close()
            out.append(token[0])
            if token["tag"] is not None and not VOID.match(token["tag"]):
                depth += -1 if token["tag"].startswith("</") else 1
            continue
        text = token["text"] if token["cls"] else token["plain"]
        style = styles.get(token["cls"], PLAIN) if token["cls"] else PLAIN
        if style.startswith(OWN):  # styled beyond one colour: kept as it is
            close()
            out.append(token[0])
            continue
        if style == PLAIN:
            if run_cls is not None and not html.unescape(text).strip():
                spaces += text
                continue
            close()
            out.append(text)
        elif style == run_style:
            run_text.append(spaces + text)
            spaces = ""
        else:
            close()
            run_cls, run_style = token["cls"], style
            run_text.append(text)
    close()
    return "".join(out)


def lean_page(page_html: str, styles: dict[str, str]) -> str:
    """``lean_code`` applied to every ``<code>`` element of a page."""
    return CODE.sub(lambda m: m[1] + lean_code(m[2], styles) + m[3], page_html)


def theme_stylesheets(config: MkDocsConfig) -> list[str]:
    """Material's main and palette stylesheets and the site's own, as text."""
    sheets = []
    for directory in config.theme.dirs:
        sheets += sorted(Path(directory, "assets", "stylesheets").glob("*.min.css"))
    sheets += [
        Path(config.docs_dir, path)
        for path in config.extra_css
        if Path(config.docs_dir, path).exists()
    ]
    return [sheet.read_text(encoding="utf-8") for sheet in sheets]


class LeanCodeConfig(Config):
    enabled = config_options.Type(bool, default=True)


class LeanCodePlugin(BasePlugin[LeanCodeConfig]):
    """Remove the code-highlight spans that change nothing on screen (see the module docstring)."""

    def __init__(self) -> None:
        self.styles: dict[str, str] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled:
            return config
        self.styles = token_styles(theme_stylesheets(config))
        return config

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled:
            return output
        return lean_page(output, self.styles)
