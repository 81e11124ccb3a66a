"""Keep old links working when a page is split into a section of pages.

The MkDocs plugin ``sitekit-moved-anchors``. When a long page
``X.md`` becomes a section ``X/index.md`` with sub-pages ``X/<name>.md``, its URL ``X/`` stays
(the index), but most of its anchors now live on a sub-page, and a link to ``X/#anchor`` lands
at the top of the index. After each build this plugin writes into every section index a small
script holding, for each anchor of a sub-page that the index does not have, the sub-page that
has it; opened with such an anchor, the index sends the reader on with ``location.replace``.
Anchors are read from the built HTML on disk, so a ``mkdocs serve --dirty`` rebuild of only some
pages keeps the whole map.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

ANCHOR = re.compile(r'\bid="([^"]+)"')
SCRIPT_ID = "moved-anchors"
OLD_SCRIPT = re.compile(rf'<script id="{SCRIPT_ID}">.*?</script>', re.S)
# The map is read before Material's bundle runs, as the article is parsed.
SCRIPT = (
    f'<script id="{SCRIPT_ID}">(() => {{'
    "const moved = MAP; const id = decodeURIComponent(location.hash.slice(1));"
    "if (Object.hasOwn(moved, id) && !document.getElementById(id))"
    " location.replace(moved[id] + location.hash);"
    "})();</script>"
)


def anchors(html: str) -> set[str]:
    """Every ``id`` in a page's HTML."""
    return set(ANCHOR.findall(html))


def sections(urls: list[str]) -> dict[str, list[str]]:
    """Each section index URL (``X/`` with pages right under it) -> its sub-pages' URLs.

    The language's home page (the shortest URL) is not a section: the chapters are not its parts.
    """
    home = min(urls, key=len)
    found: dict[str, list[str]] = {}
    for url in urls:
        parent = url[: url.rstrip("/").rfind("/") + 1]
        if url != home and parent != home and parent in urls:
            found.setdefault(parent, []).append(url)
    return found


def moved_map(index_html: str, sub_pages: dict[str, str]) -> dict[str, str]:
    """Anchor -> sub-page (relative to the index) for every sub-page anchor the index lacks.

    ``sub_pages`` maps each sub-page's URL relative to the index (``"why/"``) to its HTML. An
    anchor on two sub-pages (a generic one such as ``__tabbed_1_1``) is sent nowhere.
    """
    own = anchors(index_html)
    seen: dict[str, list[str]] = {}
    for relative, html in sub_pages.items():
        for anchor in anchors(html) - own:
            seen.setdefault(anchor, []).append(relative)
    return {anchor: pages[0] for anchor, pages in sorted(seen.items()) if len(pages) == 1}


def with_script(index_html: str, moved: dict[str, str]) -> str:
    """The index page's HTML with its map script (any earlier one removed) after the article."""
    html = OLD_SCRIPT.sub("", index_html)
    if not moved:
        return html
    data = json.dumps(moved, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return html.replace("</article>", SCRIPT.replace("MAP", data, 1) + "</article>", 1)


class MovedAnchorsConfig(Config):
    enabled = config_options.Type(bool, default=True)


class MovedAnchorsPlugin(BasePlugin[MovedAnchorsConfig]):
    """Writes the map script into every section index after the build."""

    def __init__(self) -> None:
        self.sections: dict[str, list[str]] = {}  # this build's sections (``on_files``)

    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        site = Path(config.site_dir)
        for index, pages in self.sections.items():
            index_file = site / index / "index.html"
            sub_pages = {
                page.removeprefix(index): (site / page / "index.html").read_text(encoding="utf-8")
                for page in pages
            }
            html = index_file.read_text(encoding="utf-8")
            moved = moved_map(html, sub_pages)
            index_file.write_text(with_script(html, moved), encoding="utf-8")

    @event_priority(-200)  # after mkdocs-static-i18n (-100) has kept this build's language only
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        urls = [file.url for file in files.documentation_pages()]
        self.sections = sections(urls)
        return files
