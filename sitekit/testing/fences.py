"""Account for every Python block on every page: executed by pytest, or an include of tested code.

A reader sees a Python block wherever pymdownx.superfences renders one. pytest-markdown-docs
finds the blocks it runs with its own CommonMark parser, which does not see everything
superfences does (CommonMark reads a fence indented four spaces under an admonition as
indented code, for example, so that block would be shown but never run). This module reads
the blocks both ways, pairs them by line, and sorts every Python block into

* ``executed`` — pytest-markdown-docs collects it (and so runs it, with the ``#>`` checks);
* ``included`` — a ``notest`` block that holds only ``--8<--`` lines (an include fence holds
  two: the module's ``imports`` section, then the core), each naming a
  ``snippets/<module>.py`` that has its mirrored ``tests/test_<module>.py``;
* ``marked`` — a ``{.python .no-run notest}`` block: shown on purpose not to run (an error, say);
  the copy gate (``tests/site/test_copy.py``) counts it too;
* ``unchecked`` — anything else: the gate fails and names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.admon import admon_plugin
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

from sitekit.testing.twins import outline

PYTHON = {"py", "python", "python3", "pycon"}
NO_RUN = ".no-run"  # the class of a block not meant to run as pasted
INCLUDE_LINE = re.compile(r'^-{2}8<-{2}\s+"(?P<path>[^":]+)(?::[\w-]+)?"$')


@dataclass
class Accounting:
    executed: list[str] = field(default_factory=list)
    included: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.executed) + len(self.included) + len(self.marked) + len(self.unchecked)

    def add(self, other: Accounting) -> None:
        self.executed += other.executed
        self.included += other.included
        self.marked += other.marked
        self.unchecked += other.unchecked


ADMONITION = re.compile(r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]")


def blank_lines_kept_in_admonitions(state: StateCore) -> None:
    """Python-Markdown ends an admonition at the first line that is not indented under it;
    mdit-py-plugins ends it at two blank lines in a row, which cut a folded answer's code short
    at the blank lines around a ``def``. Give such blank lines the body's indentation, so both
    read the same block (the lines keep their numbers, and a fence's lines their text)."""
    lines = state.src.split("\n")
    for i, line in enumerate(lines):
        opening = ADMONITION.match(line)
        if not opening:
            continue
        body = len(opening["indent"].expandtabs(4)) + 4
        blank: list[int] = []
        for j in range(i + 1, len(lines)):
            text = lines[j]
            if not text.strip():
                blank.append(j)
            elif len(text) - len(text.lstrip(" ")) >= body:
                for k in blank:
                    lines[k] = " " * body
                blank = []
            else:
                break
    state.src = "\n".join(lines)


def markdown_parser() -> MarkdownIt:
    """The parser pytest-markdown-docs reads the pages with: CommonMark plus Material's
    admonitions (``!!!``, ``???``, ``???+``), so a fence inside one, such as an exercise's folded
    answer, is collected and run like any other."""
    parser = MarkdownIt("commonmark").use(admon_plugin)
    parser.core.ruler.after("normalize", "admonition_blank_lines", blank_lines_kept_in_admonitions)
    return parser


def collected_lines(path: Path) -> dict[int, str]:
    """The fences pytest-markdown-docs collects from ``path`` (as ``pytest`` is set up): the
    source it runs, by the fence's line."""
    tests = extract_fence_tests(
        markdown_parser(),
        path.read_text(encoding="utf-8"),
        start_line_offset=0,
        source_path=path,
        fence_syntax=FenceSyntax.superfences,  # --markdown-docs-syntax=superfences in pyproject
    )
    return {test.start_line: test.source for test in tests}


def tested_include(body: str, root: Path) -> str | None:
    """Why an include block needs no run of its own, or ``None`` if it does."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if not lines:
        return None
    modules = []
    for line in lines:
        match = INCLUDE_LINE.match(line)
        if not match or not match["path"].startswith("snippets/"):
            return None
        module = Path(match["path"])
        test = root / "tests" / f"test_{module.stem}.py"
        if module.suffix != ".py" or not (root / module).is_file() or not test.is_file():
            return None
        modules.append(module.stem)
    return ", ".join(modules)


def account(path: Path, root: Path) -> Accounting:
    """Sort the Python blocks of one page."""
    result = Accounting()
    where = path.relative_to(root).as_posix()
    collected = collected_lines(path)
    blocks = [b for b in outline(path.read_text(encoding="utf-8")).code if b.lang in PYTHON]
    for block in blocks:
        name = f"{where}:{block.line}"
        if block.line in collected and collected[block.line].strip() != block.body.strip():
            result.unchecked.append(f"{name} (collected by pytest-markdown-docs only in part)")
        elif block.line in collected:
            result.executed.append(name)
        elif "notest" in block.options and NO_RUN in block.options:
            result.marked.append(name)
        elif "notest" in block.options and tested_include(block.body, root):
            result.included.append(name)
        else:
            reason = "notest, not an include of a tested snippets module"
            if "notest" not in block.options:
                reason = "not collected by pytest-markdown-docs"
            result.unchecked.append(f"{name} ({reason})")
    shown = {block.line for block in blocks}
    for line in sorted(collected.keys() - shown):
        result.unchecked.append(f"{where}:{line} (collected, but not a Python block on the page)")
    return result


def account_docs(docs: Path, root: Path) -> dict[str, Accounting]:
    """Accounting for every page under ``docs``, by language directory."""
    by_language: dict[str, Accounting] = {}
    for path in sorted(docs.rglob("*.md")):
        language = path.relative_to(docs).parts[0]
        by_language.setdefault(language, Accounting()).add(account(path, root))
    return by_language
