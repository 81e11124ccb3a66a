"""Serve KaTeX from the site itself.

KaTeX comes from the npm registry (``package.json``, installed into ``node_modules`` by
``make setup``); it is never committed. This hook adds its script, stylesheet and fonts to
the build as ``assets/katex/...`` so that math renders with no request outside the site, in
``mkdocs build`` and ``mkdocs serve`` alike.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

KATEX_DIST = Path(__file__).resolve().parent.parent / "node_modules" / "katex" / "dist"
SERVED = ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js"]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not KATEX_DIST.is_dir():
        raise PluginError(f"KaTeX is missing: {KATEX_DIST} does not exist. Run `make setup`.")
    sources = [KATEX_DIST / name for name in SERVED]
    sources += sorted((KATEX_DIST / "fonts").iterdir())
    for source in sources:
        uri = "assets/katex/" + source.relative_to(KATEX_DIST).as_posix()
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files
