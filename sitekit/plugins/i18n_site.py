"""Give each language its own search and a switcher that fetches nothing missing.

The MkDocs plugin ``sitekit-i18n-site``, after ``i18n`` in ``mkdocs.yml``.

mkdocs-static-i18n builds the Chinese site into ``site/`` and the English one into
``site/en/``, but both builds share the theme's assets at the root and write their search
index to the same ``site/search/search_index.json``; at the end it stacks both languages into
that one file, so English searches would return Chinese pages mixed in. This plugin:

1. turns that merge off (``sitekit/compat.py``) and moves each non-default language's index
   to ``site/<lang>/search/`` (restoring the default language's index at the root);
2. points the theme's JavaScript ``base`` on those pages at ``<lang>/`` so that their search
   loads their own index and their results link inside their own language;
3. sets mkdocstrings' locale to the language being built, so the API reference says
   "参数" on Chinese pages and "Parameters" on English ones. mkdocstrings offers no public
   per-language locale: its ``locale`` option is read once, in its ``on_config``, before
   mkdocs-static-i18n switches language, and the handlers keep it in a private attribute,
   which ``sitekit/compat.py`` sets;
   ``tests/site/test_build.py::test_api_reference_labels_follow_the_page_language`` fails if a
   mkdocstrings upgrade stops honouring it;
4. drops the ``<link rel="alternate">`` tags from ``<head>``: Material's JavaScript fetches
   ``sitemap.xml`` next to every such link, which is a 404 for every page but the home
   pages. The language selector in the header keeps its per-page links, so switching still
   lands on the twin page, and ``sitemap.xml`` still lists each page's language twins.
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
from mkdocs.structure.pages import Page

from sitekit import compat

HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">[^<]*?"base": ")([^"]*)"')


def _i18n(config: MkDocsConfig):
    return config.plugins.get("i18n")


def build_language(config: MkDocsConfig) -> tuple[str, bool]:
    """The language this build writes, and whether it is the default one (built first)."""
    i18n = _i18n(config)
    return i18n.current_language, i18n.current_language == i18n.default_language


def write_search_index(path: Path, index: dict) -> None:
    """Write a search index as the search plugin does: compact JSON, text unescaped."""
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")


class I18nSiteConfig(Config):
    enabled = config_options.Type(bool, default=True)


class I18nSitePlugin(BasePlugin[I18nSiteConfig]):
    """One search index per language; mkdocstrings in the page's language (see above)."""

    def __init__(self) -> None:
        self.default_index: bytes | None = None  # the default language's index, kept for the end

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled:
            return config
        compat.keep_search_indexes_apart(_i18n(config))
        return config

    @event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen this build's language
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        mkdocstrings = config.plugins.get("mkdocstrings")
        if mkdocstrings is not None:
            compat.set_mkdocstrings_locale(mkdocstrings, build_language(config)[0])
        return files

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled:
            return output
        output = HEAD_ALTERNATE.sub("", output)
        language, is_default = build_language(config)
        if not is_default:
            output = CONFIG_BASE.sub(lambda m: f'{m[1]}{m[2]}/{language}/"', output, count=1)
        return output

    @event_priority(-50)  # after the search plugin has written its index, before i18n's next build
    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        language, is_default = build_language(config)
        index_path = Path(config.site_dir) / "search" / "search_index.json"
        if is_default:
            self.default_index = index_path.read_bytes()
            return
        index = json.loads(index_path.read_text(encoding="utf-8"))
        prefix = f"{language}/"
        for entry in index["docs"]:
            entry["location"] = entry["location"].removeprefix(prefix)
        target = Path(config.site_dir) / language / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_search_index(target, index)
        index_path.write_bytes(self.default_index)
