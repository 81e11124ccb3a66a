"""Rebuild only the edited page in ``make serve`` (``mkdocs serve --dirty``), and stay correct.

The MkDocs plugin ``sitekit-quick-serve``, a speed-up only. MkDocs' ``--dirty`` rebuilds only
the pages whose source is newer than their output, a fraction of a full rebuild of both
languages. Four things make ``--dirty`` wrong here; this plugin mends them and does nothing in
any other build:

1. MkDocs warns that a dirty build is being performed, and ``strict: true`` turns that warning
   into an aborted build. The plugin drops that one notice; every other warning still aborts.
2. A page is also made from files that are not its Markdown: the ``snippets`` code it includes,
   the docstrings the API reference shows, the glossary's ``docs/terms.yml``, the plugins.
   When anything but a page's Markdown changed since the last build, every page is rebuilt, as
   without ``--dirty``; an edited page alone is the quick case.
3. Material's search plugin keeps the previous build's index and merges the rebuilt pages into
   it, but mkdocs-static-i18n builds the languages one after the other, so the Chinese index
   would take the English entries in (and the reverse). Each language keeps its own.
4. That merge also drops every entry whose location starts with the rebuilt page's; the home
   page's location is ``""``, so editing the home page would empty the index. Entries are
   replaced page by page instead.

Both of Material's and MkDocs' names it reaches for are in ``sitekit/compat.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from sitekit import compat
from sitekit.plugins.i18n_site import build_language, write_search_index


def page_of(entry: dict) -> str:
    """The page a search entry belongs to: its location without the ``#section``."""
    return entry["location"].split("#", 1)[0]


def merge_entries(previous: list[dict], rebuilt: list[dict]) -> list[dict]:
    """``previous`` with every rebuilt page's entries replaced by ``rebuilt``'s, in page order;
    a page new to the index goes at the end."""
    new_pages: dict[str, list[dict]] = {}
    for entry in rebuilt:
        new_pages.setdefault(page_of(entry), []).append(entry)
    merged, placed = [], set()
    for entry in previous:
        page = page_of(entry)
        if page not in new_pages:
            merged.append(entry)
        elif page not in placed:
            merged.extend(new_pages[page])
            placed.add(page)
    merged.extend(
        entry for page, entries in new_pages.items() if page not in placed for entry in entries
    )
    return merged


def input_times(watched: list[str]) -> dict[str, float]:
    """Modification time of every file at or under the paths ``watched``, by path."""
    times = {}
    for name in watched:
        path = Path(name)
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts:
                times[str(file)] = file.stat().st_mtime
    return times


def only_pages_edited(before: dict[str, float], after: dict[str, float], docs: str) -> bool:
    """Whether the change from ``before`` to ``after`` only edited existing pages' Markdown.

    An added or removed file changes the navigation or what pages include, so it is not; nor
    is the first build (``before`` empty).
    """
    if not before or before.keys() != after.keys():
        return False
    changed = [name for name in after if after[name] != before[name]]
    return all(name.startswith(docs) and name.endswith(".md") for name in changed)


class QuickServeConfig(Config):
    enabled = config_options.Type(bool, default=True)


class QuickServePlugin(BasePlugin[QuickServeConfig]):
    """Keeps, across the rebuilds of one ``mkdocs serve --dirty``, what they need (see above)."""

    def __init__(self) -> None:
        self.dirty = False
        self.times: dict[str, float] = {}
        self.rebuild_all = True
        self.indexes: dict[str, list[dict]] = {}  # language -> its whole search index's entries

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defining ``on_startup`` keeps this plugin, and its state, between rebuilds."""
        if not self.config.enabled:
            return
        self.dirty = dirty
        if dirty:
            compat.filter_dirty_notice()

    def on_pre_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled or not self.dirty or not build_language(config)[1]:
            return
        times = input_times([config.config_file_path, config.docs_dir, *config.watch])
        docs = str(Path(config.docs_dir)) + "/"
        self.rebuild_all = not only_pages_edited(self.times, times, docs)
        self.times = times

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled or not self.dirty:
            return files
        search = config.plugins.get("material/search")
        if search is not None:
            compat.forget_previous_search_index(search)  # on_post_build merges, per language
        if self.rebuild_all:
            for file in files.documentation_pages():
                compat.rebuild_in_dirty_build(file)
        return files

    # After the search plugin wrote the index, before sitekit-i18n-site moves it.
    @event_priority(-40)
    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled or not self.dirty:
            return
        path = Path(config.site_dir) / "search" / "search_index.json"
        index = json.loads(path.read_text(encoding="utf-8"))
        language = build_language(config)[0]
        index["docs"] = merge_entries(self.indexes.get(language, []), index["docs"])
        self.indexes[language] = index["docs"]
        write_search_index(path, index)
