"""Typeset math at build time with KaTeX; serve KaTeX's stylesheet and (cut-down) fonts.

KaTeX comes from the npm registry (``package.json``, installed into ``node_modules`` by
``make setup``); it is never committed. pymdownx.arithmatex (generic mode) leaves each formula
as ``\\(...\\)`` in a ``span.arithmatex`` or ``\\[...\\]`` in a ``div.arithmatex``; this hook
replaces the TeX in each finished page with KaTeX's HTML (with MathML for screen readers),
rendered by one Node.js process for the whole build (``hooks/katex_render.cjs``). Pages then
load no KaTeX script and show no unrendered flash; pages with math link KaTeX's stylesheet,
and the browser fetches the fonts a page uses from ``assets/katex/fonts``.

After the build, each font a page uses is cut down to the characters the site's math draws
with it (``hooks/katex_fonts.py``). The search index is built before this runs, so it keeps
the TeX source, not KaTeX's markup.
A formula KaTeX cannot parse fails the build, naming the page and the formula.
"""

from __future__ import annotations

import atexit
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads a hook by its path; its sibling modules need this
    sys.path.insert(0, str(ROOT))
from hooks import katex_fonts  # noqa: E402

KATEX = ROOT / "node_modules" / "katex"
KATEX_DIST = KATEX / "dist"
RENDERER = Path(__file__).resolve().parent / "katex_render.cjs"
STYLESHEET = "assets/katex/katex.min.css"
MATH = re.compile(
    r'<span class="arithmatex">\\\((?P<inline>.*?)\\\)</span>'
    r'|<div class="arithmatex">\\\[(?P<display>.*?)\\\]</div>',
    re.DOTALL,
)
SITE_CSS = re.compile(r'<link rel="stylesheet" href="(?P<root>[^"]*)assets/site\.css">')


class Katex:
    """One long-lived ``node`` process that turns TeX into KaTeX HTML; answers are cached."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise PluginError("Node.js is missing: `node` is not on PATH (see README, set-up).")
        self.process = subprocess.Popen(
            [node, str(RENDERER), str(KATEX)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.cache: dict[tuple[str, bool], str | Exception] = {}
        atexit.register(self.close)

    def render(self, formulas: list[tuple[str, bool]]) -> dict[tuple[str, bool], str | Exception]:
        """KaTeX's HTML for each ``(tex, display)``, or the error KaTeX raised for it."""
        missing = sorted(set(formulas) - self.cache.keys())
        if missing:
            request = [{"tex": tex, "display": display} for tex, display in missing]
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            answers = json.loads(self.process.stdout.readline())
            for key, answer in zip(missing, answers, strict=True):
                error = answer.get("error")
                self.cache[key] = answer["html"] if error is None else ValueError(error)
        return {key: self.cache[key] for key in formulas}

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)


_katex: Katex | None = None
# For the whole site (every language's build): the characters each KaTeX font face draws, and
# the site directory of the first (default language) build, where the fonts are written.
_glyphs: dict[katex_fonts.Face, set[str]] = {}
_counted: set[tuple[str, bool]] = set()  # formulas whose characters are in _glyphs
_site_dir: Path | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site_dir
    if _site_dir is None:
        _site_dir = Path(config.site_dir)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not KATEX_DIST.is_dir():
        raise PluginError(f"KaTeX is missing: {KATEX_DIST} does not exist. Run `make setup`.")
    sources = [KATEX_DIST / "katex.min.css", *sorted((KATEX_DIST / "fonts").iterdir())]
    for source in sources:
        uri = "assets/katex/" + source.relative_to(KATEX_DIST).as_posix()
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files


def _formula(match: re.Match[str]) -> tuple[str, bool]:
    display = match["display"] is not None
    return html.unescape(match["display"] if display else match["inline"]).strip(), display


def typeset(output: str, where: str) -> str:
    """``output`` with every arithmatex formula rendered by KaTeX (one request per page)."""
    global _katex
    if _katex is None:
        _katex = Katex()
    rendered = _katex.render([_formula(match) for match in MATH.finditer(output)])

    def replace(match: re.Match[str]) -> str:
        tex, display = _formula(match)
        result = rendered[tex, display]
        if isinstance(result, Exception):
            raise PluginError(f"{where}: KaTeX cannot typeset {tex!r}: {result}")
        tag = "div" if display else "span"
        return f'<{tag} class="arithmatex">{result}</{tag}>'

    output = MATH.sub(replace, output)
    new = [(key, result) for key, result in rendered.items() if key not in _counted]
    if new:
        css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
        for key, result in new:
            katex_fonts.merge(_glyphs, katex_fonts.glyphs(result, css).items())
            _counted.add(key)
    return output


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not MATH.search(output):
        return output
    output = typeset(output, page.file.src_uri)
    site_css = SITE_CSS.search(output)
    if site_css is None:
        raise PluginError(f"{page.file.src_uri}: no assets/site.css link to put KaTeX's CSS by")
    link = f'<link rel="stylesheet" href="{site_css["root"]}{STYLESHEET}">'
    return output[: site_css.start()] + link + output[site_css.start() :]


def on_post_build(config: MkDocsConfig) -> None:
    if _glyphs and _site_dir is not None:
        css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
        fonts = _site_dir / "assets" / "katex" / "fonts"
        katex_fonts.subset_fonts(_glyphs, css, KATEX_DIST / "fonts", fonts)
