"""Typeset math at build time with KaTeX, as MathML: pages ship no KaTeX script, CSS or font.

KaTeX comes from the npm registry (``package.json``, installed into ``node_modules`` by
``make setup``); it is never committed. pymdownx.arithmatex (generic mode) leaves each formula
as ``\\(...\\)`` in a ``span.arithmatex`` or ``\\[...\\]`` in a ``div.arithmatex``; this plugin
replaces the TeX in each finished page with KaTeX's MathML (``output: "mathml"``), rendered by
one Node.js process for the whole build (``katex_render.cjs``) and kept in the build cache
(``build_cache.py``) for the next build. Browsers draw MathML Core themselves (Chromium,
Firefox, Safari) with the reader's math font, so pages load neither KaTeX's stylesheet nor its
fonts, and carry one element per symbol instead of KaTeX's HTML boxes (whose elements the
browser would have to style and lay out, many per symbol). The TeX stays
in the MathML as its ``annotation``; the search index is built before this runs, so it keeps
the TeX source too. A formula KaTeX cannot parse fails the build, naming the page and the formula.

The MkDocs plugin ``sitekit-katex``: one node process per language's build.
"""

from __future__ import annotations

import atexit
import contextlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from sitekit import ROOT
from sitekit.plugins import build_cache

KATEX = ROOT / "node_modules" / "katex"
RENDERER = Path(__file__).resolve().parent / "katex_render.cjs"
MATH = re.compile(
    r'<span class="arithmatex">\\\((?P<inline>.*?)\\\)</span>'
    r'|<div class="arithmatex">\\\[(?P<display>.*?)\\\]</div>',
    re.DOTALL,
)

Key = tuple[str, bool]  # (TeX, display mode)


class Katex:
    """KaTeX's MathML for formulas: from the build cache, else from one long-lived ``node``."""

    def __init__(self) -> None:
        if not (KATEX / "package.json").is_file():
            raise PluginError(f"KaTeX is missing: {KATEX} does not exist. Run `make setup`.")
        self.process: subprocess.Popen | None = None
        self.memory: dict[Key, str | Exception] = {}
        self.stored = build_cache.directory("katex")
        # what a cached answer was made with: KaTeX itself and how it is called
        self.made_with = build_cache.fingerprint(KATEX / "package.json", RENDERER)

    def _file(self, key: Key) -> Path:
        return self.stored / f"{build_cache.key(self.made_with, *key)}.json"

    def render(self, formulas: list[Key]) -> dict[Key, str | Exception]:
        """Each formula's MathML, or the error KaTeX raised for it."""
        for key in set(formulas) - self.memory.keys():
            # not cached, or unreadable: typeset it afresh
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                self.memory[key] = json.loads(self._file(key).read_text(encoding="utf-8"))["html"]
        missing = sorted(set(formulas) - self.memory.keys())
        for key, answer in zip(missing, self._node(missing), strict=True):
            if "error" in answer:
                self.memory[key] = ValueError(answer["error"])
                continue
            self.memory[key] = answer["html"]
            saved = json.dumps({"html": answer["html"]}, ensure_ascii=False).encode()
            build_cache.store(self._file(key), saved)
        return {key: self.memory[key] for key in formulas}

    def _node(self, formulas: list[Key]) -> list[dict[str, str]]:
        if not formulas:
            return []
        if self.process is None:
            node = shutil.which("node")
            if node is None:
                raise PluginError("Node.js is missing: `node` is not on PATH (see README).")
            self.process = subprocess.Popen(
                [node, str(RENDERER), str(KATEX)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
            atexit.register(self.close)
        request = [{"tex": tex, "display": display} for tex, display in formulas]
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)


def _formula(match: re.Match[str]) -> tuple[str, bool]:
    display = match["display"] is not None
    return html.unescape(match["display"] if display else match["inline"]).strip(), display


# KaTeX writes \log, \exp, \max ... as <mi>log</mi><mo>&#x2061;</mo> (function application).
# TeX sets a thin space around such an operator name; MathML Core spaces U+2061 by nothing, so
# Chromium would print "y log sigma" as "ylogsigma". The thin spaces are added here: before the
# name unless it opens a group or follows a relation or an opening fence, after it unless an
# operator or a fence follows (TeX puts none between an operator name and "(").
OPERATOR_NAME = re.compile(
    r"(?P<name><mi(?: [^>]*)?>[A-Za-z]{2,}</mi><mo>\u2061</mo>)(?P<next><[a-z]+)?"
)
NO_SPACE_BEFORE = re.compile(
    r"<(?:mrow|semantics|math)[^>]*>$|<mo[^>]*>(?:[=<>(\[{|,\u2264\u2265\u2248\u2192]|&lt;|&gt;)</mo>$"
)
THIN_SPACE = '<mspace width="0.1667em"></mspace>'


def space_operator_names(mathml: str) -> str:
    """``mathml`` with TeX's thin spaces around operator names such as log (see above)."""

    def spaced(match: re.Match[str]) -> str:
        preceding = mathml[: match.start("name")][-40:]
        space_before = not NO_SPACE_BEFORE.search(preceding) and match.start("name") > 0
        space_after = match["next"] is not None and match["next"] != "<mo"
        return (
            (THIN_SPACE if space_before else "")
            + match["name"]
            + (THIN_SPACE if space_after else "")
            + (match["next"] or "")
        )

    return OPERATOR_NAME.sub(spaced, mathml)


class KatexConfig(Config):
    enabled = config_options.Type(bool, default=True)


class KatexPlugin(BasePlugin[KatexConfig]):
    """Typeset every page's math with KaTeX, as MathML."""

    def __init__(self) -> None:
        self.katex: Katex | None = None

    def typeset(self, output: str, where: str) -> str:
        """``output`` with every arithmatex formula rendered by KaTeX (one request per page)."""
        if self.katex is None:
            self.katex = Katex()
        rendered = self.katex.render([_formula(match) for match in MATH.finditer(output)])

        def replace(match: re.Match[str]) -> str:
            tex, display = _formula(match)
            result = rendered[tex, display]
            if isinstance(result, Exception):
                raise PluginError(f"{where}: KaTeX cannot typeset {tex!r}: {result}")
            result = space_operator_names(result)
            if not display:
                return f'<span class="arithmatex">{result}</span>'
            # A display formula scrolls sideways when wider than the column (Material's CSS);
            # a keyboard must reach it to scroll it (axe: scrollable-region-focusable).
            return f'<div class="arithmatex" tabindex="0">{result}</div>'

        return MATH.sub(replace, output)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled or not MATH.search(output):
            return output
        return self.typeset(output, page.file.src_uri)

    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        if self.katex is not None:  # one node process per language's build
            self.katex.close()
            self.katex = None
