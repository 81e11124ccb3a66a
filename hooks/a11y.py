"""Small accessibility fixes to the theme's markup, found by axe-core (tests/site/test_a11y.py).

Material's search overlay is a ``role="dialog"`` without an accessible name (axe rule
``aria-dialog-name``, serious). This hook names it after the search box's own label, which
the theme has already translated into the page's language ("搜索" / "Search").

A code block that scrolls sideways must be reachable by keyboard (``scrollable-region-focusable``,
serious). Material gives a scrollable block ``tabindex="0"`` when it mounts it, and with
``content.lazy`` it mounts a block only when the block scrolls into view, so a keyboard reader
tabbing down the page would pass blocks that cannot take focus yet. Every highlighted block gets
``tabindex="0"`` in the HTML; Material removes it from a block that does not scroll (or on a
device without hover) once it mounts it, as it always did.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
CODE_BLOCK = "<pre><span></span><code>"  # every pymdownx.highlight block, signatures too
SEARCH_LABEL = re.compile(r'<input type="text" class="md-search__input"[^>]*?aria-label="([^"]*)"')


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    label = SEARCH_LABEL.search(output)
    if label and SEARCH_DIALOG in output:
        named = SEARCH_DIALOG.replace('role="dialog"', f'role="dialog" aria-label="{label[1]}"')
        output = output.replace(SEARCH_DIALOG, named, 1)
    return output.replace(CODE_BLOCK, '<pre><span></span><code tabindex="0">')
