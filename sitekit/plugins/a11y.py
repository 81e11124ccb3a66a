"""Mend the two accessibility faults axe-core finds in the theme's markup (tests/site/test_a11y.py).

The MkDocs plugin ``sitekit-a11y``.

Material's search overlay is a ``role="dialog"`` without an accessible name (axe rule
``aria-dialog-name``, serious). This plugin names it after the search box's own label, which
the theme has already translated into the page's language ("搜索" / "Search").

A code block that scrolls sideways must be reachable by keyboard (``scrollable-region-focusable``,
serious). Material gives a scrollable block ``tabindex="0"`` when it mounts it, and with
``content.lazy`` it mounts a block only when the block scrolls into view, so a keyboard reader
tabbing down the page would pass blocks that cannot take focus yet. Every highlighted block gets
``tabindex="0"`` in the HTML; Material removes it from a block that does not scroll (or on a
device without hover) once it mounts it.
"""

from __future__ import annotations

import re

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
CODE_BLOCK = "<pre><span></span><code>"  # every pymdownx.highlight block, signatures too
SEARCH_LABEL = re.compile(r'<input type="text" class="md-search__input"[^>]*?aria-label="([^"]*)"')


def accessible(output: str) -> str:
    """A page's HTML with its search dialog named and its code blocks focusable."""
    label = SEARCH_LABEL.search(output)
    if label and SEARCH_DIALOG in output:
        named = SEARCH_DIALOG.replace('role="dialog"', f'role="dialog" aria-label="{label[1]}"')
        output = output.replace(SEARCH_DIALOG, named, 1)
    return output.replace(CODE_BLOCK, '<pre><span></span><code tabindex="0">')


class A11yConfig(Config):
    enabled = config_options.Type(bool, default=True)


class A11yPlugin(BasePlugin[A11yConfig]):
    """Name the search dialog and make every code block focusable."""

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled:
            return output
        return accessible(output)
