"""Typeset math at build time with KaTeX; serve KaTeX's stylesheet and (cut-down) fonts.

KaTeX comes from the npm registry (``package.json``, installed into ``node_modules`` by
``make setup``); it is never committed. pymdownx.arithmatex (generic mode) leaves each formula
as ``\\(...\\)`` in a ``span.arithmatex`` or ``\\[...\\]`` in a ``div.arithmatex``; this hook
replaces the TeX in each finished page with KaTeX's HTML (with MathML for screen readers),
rendered by one Node.js process for the whole build (``sitekit/katex_render.cjs``) and kept in the
build cache (``sitekit/build_cache.py``) for the next build. Pages then
load no KaTeX script and show no unrendered flash; pages with math link KaTeX's stylesheet,
and the browser fetches the fonts a page uses from ``assets/katex/fonts``.

After the build, each font a page uses is cut down to the characters the site's math draws
with it (``sitekit/katex_fonts.py``). The search index is built before this runs, so it keeps
the TeX source, not KaTeX's markup.
A formula KaTeX cannot parse fails the build, naming the page and the formula.

The MkDocs plugin ``sitekit-katex`` (``KatexPlugin``): what it gathers over one ``mkdocs build``
(both languages' builds) lives on the instance. Without ``on_startup``, ``mkdocs serve`` makes a
fresh instance for every rebuild, as it loaded a hook afresh.
"""

from __future__ import annotations

import atexit
import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from sitekit import build_cache, katex_fonts

ROOT = Path(__file__).resolve().parent.parent

KATEX = ROOT / "node_modules" / "katex"
KATEX_DIST = KATEX / "dist"
KATEX_CSS = KATEX_DIST / "katex.min.css"
RENDERER = Path(__file__).resolve().parent / "katex_render.cjs"
STYLESHEET = "assets/katex/katex.min.css"
MATH = re.compile(
    r'<span class="arithmatex">\\\((?P<inline>.*?)\\\)</span>'
    r'|<div class="arithmatex">\\\[(?P<display>.*?)\\\]</div>',
    re.DOTALL,
)
SITE_CSS = re.compile(r'<link rel="stylesheet" href="(?P<root>[^"]*)assets/site\.css">')


Key = tuple[str, bool]  # (TeX, display mode)


@dataclass(frozen=True)
class Typeset:
    """KaTeX's HTML for one formula, and the characters it draws with each font face."""

    html: str
    glyphs: dict[katex_fonts.Face, str]


class Katex:
    """KaTeX's HTML for formulas: from the build cache, else from one long-lived ``node``."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.memory: dict[Key, Typeset | Exception] = {}
        self.stored = build_cache.directory("katex")
        self.css = KATEX_CSS.read_text(encoding="utf-8")
        # what a cached answer was made with: KaTeX itself, how it is called, how glyphs are read
        makers = [KATEX / "package.json", KATEX_CSS, RENDERER]
        self.made_with = build_cache.fingerprint(*makers, Path(katex_fonts.__file__))

    def _file(self, key: Key) -> Path:
        return self.stored / f"{build_cache.key(self.made_with, *key)}.json"

    def render(self, formulas: list[Key]) -> dict[Key, Typeset | Exception]:
        """Each formula typeset, or the error KaTeX raised for it."""
        for key in set(formulas) - self.memory.keys():
            try:
                saved = json.loads(self._file(key).read_text(encoding="utf-8"))
                glyphs = {tuple(face.split("|")): text for face, text in saved["glyphs"].items()}
                self.memory[key] = Typeset(saved["html"], glyphs)
            except (OSError, ValueError, KeyError, TypeError):
                pass  # not cached, or unreadable: typeset it afresh
        missing = sorted(set(formulas) - self.memory.keys())
        for key, answer in zip(missing, self._node(missing), strict=True):
            if "error" in answer:
                self.memory[key] = ValueError(answer["error"])
                continue
            drawn = katex_fonts.glyphs(answer["html"], self.css)
            glyphs = {face: "".join(sorted(characters)) for face, characters in drawn.items()}
            self.memory[key] = Typeset(answer["html"], glyphs)
            saved = {"html": answer["html"], "glyphs": {"|".join(f): t for f, t in glyphs.items()}}
            build_cache.store(self._file(key), json.dumps(saved, ensure_ascii=False).encode())
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


class KatexPlugin(BasePlugin):
    """Typeset every page's math with KaTeX; cut KaTeX's fonts to what the site draws."""

    def __init__(self) -> None:
        self.katex: Katex | None = None
        # For the whole site (every language's build): the characters each KaTeX font face
        # draws, and the site directory of the first (default language) build, where the fonts go.
        self.glyphs: dict[katex_fonts.Face, set[str]] = {}
        self.site_dir: Path | None = None
        # Pages this build has and has finished: `--dirty` builds finish only changed ones.
        self.pages = {"expected": 0, "finished": 0}
        self.partial = False  # some build of this site saw only part of its pages

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.site_dir is None:
            self.site_dir = Path(config.site_dir)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not KATEX_DIST.is_dir():
            raise PluginError(f"KaTeX is missing: {KATEX_DIST} does not exist. Run `make setup`.")
        sources = [KATEX_CSS, *sorted((KATEX_DIST / "fonts").iterdir())]
        for source in sources:
            uri = "assets/katex/" + source.relative_to(KATEX_DIST).as_posix()
            files.append(File.generated(config, uri, abs_src_path=str(source)))
        return files

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Count this build's pages (its files are final only now: i18n sorts them last)."""
        self.partial = self.partial or self.pages["finished"] < self.pages["expected"]
        self.pages.update(expected=len(files.documentation_pages()), finished=0)
        return env

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
            tag = "div" if display else "span"
            return f'<{tag} class="arithmatex">{result.html}</{tag}>'

        output = MATH.sub(replace, output)
        for result in rendered.values():
            katex_fonts.merge(self.glyphs, result.glyphs.items())
        return output

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        self.pages["finished"] += 1
        if not MATH.search(output):
            return output
        output = self.typeset(output, page.file.src_uri)
        site_css = SITE_CSS.search(output)
        if site_css is None:
            raise PluginError(f"{page.file.src_uri}: no assets/site.css link to put KaTeX's CSS by")
        link = f'<link rel="stylesheet" href="{site_css["root"]}{STYLESHEET}">'
        return output[: site_css.start()] + link + output[site_css.start() :]

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.katex is not None:  # one node process per language's build
            self.katex.close()
            self.katex = None
        if not self.glyphs or self.site_dir is None:
            return
        fonts = self.site_dir / "assets" / "katex" / "fonts"
        if self.partial or self.pages["finished"] < self.pages["expected"]:  # characters unseen
            fonts.mkdir(parents=True, exist_ok=True)
            for font in (KATEX_DIST / "fonts").glob("*.woff2"):
                shutil.copyfile(font, fonts / font.name)
            return
        css = KATEX_CSS.read_text(encoding="utf-8")
        katex_fonts.subset_fonts(self.glyphs, css, KATEX_DIST / "fonts", fonts)
