"""What Material's copy button copies from each code block of a built page, read from its HTML.

Shared by the build (``sitekit/plugins/notebooks.py`` makes a page's notebook cells of it) and
the tests (``sitekit/testing/reader.py`` checks it as a reader pastes it), so the two read the
same text. Material (``content.code.copy``) puts a button on every ``pre > code``; a click
copies the ``code`` element's ``innerText`` while the element carries ``data-md-copying``, whose
stylesheet rule hides code annotations (``.md-annotation``), and trims trailing whitespace
(``text.trimEnd()``); a ``data-copy`` attribute on an enclosing element replaces the text
(Material 9.8, ``bundle.js``: ``hs``). Here: the same, from the HTML. Blocks whose fence has the
class ``no-run`` are ``marked``; mkdocstrings' signature blocks (``doc-signature``) are
``signature``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

PYTHON_LANGUAGES = {"python", "py", "python3", "pycon"}
HIDDEN = {"md-annotation"}  # display: none while Material copies
NO_RUN = "no-run"
SIGNATURE = "doc-signature"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Block:
    """One code block as a reader copies it."""

    text: str
    classes: set[str]

    @property
    def language(self) -> str | None:
        for name in self.classes:
            if name.startswith("language-"):
                return name.removeprefix("language-")
        return None

    @property
    def kind(self) -> str:
        """``marked`` (no-run), ``signature``, ``python`` (to run) or ``other``."""
        if NO_RUN in self.classes:
            return "marked"
        if SIGNATURE in self.classes:
            return "signature"
        if self.language in PYTHON_LANGUAGES:
            return "python"
        return "other"


class _CodeBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], str | None]] = []
        self.blocks: list[Block] = []
        self.code_depth: int | None = None  # stack depth of the open pre > code
        self.hidden_depth: int | None = None
        self.parts: list[str] = []
        self.classes: set[str] = set()
        self.data_copy: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag in _VOID:
            return
        if tag == "code" and self.code_depth is None and self.stack and self.stack[-1][0] == "pre":
            self.code_depth = len(self.stack)
            self.parts = []
            # The fence's classes sit on the block's container (div.highlight) and on pre.
            self.classes = set()
            for _, outer, _ in self.stack[-2:]:
                self.classes |= outer
            given = [copy for _, _, copy in self.stack if copy is not None]
            self.data_copy = given[-1] if given else None
        elif self.code_depth is not None and self.hidden_depth is None and classes & HIDDEN:
            self.hidden_depth = len(self.stack)
        self.stack.append((tag, classes, attributes.get("data-copy")))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self.stack:
            open_tag, _, _ = self.stack.pop()
            depth = len(self.stack)
            if self.hidden_depth == depth:
                self.hidden_depth = None
            if self.code_depth == depth:
                text = "".join(self.parts) if self.data_copy is None else self.data_copy
                self.blocks.append(Block(text.rstrip(), self.classes))
                self.code_depth = None
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.code_depth is not None and self.hidden_depth is None:
            self.parts.append(data)


def copied_blocks(html: str) -> list[Block]:
    """Every code block of a built page, in page order, as its copy button copies it."""
    parser = _CodeBlocks()
    parser.feed(html)
    parser.close()
    return parser.blocks
