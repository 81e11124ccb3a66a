"""Check that the output a page shows under a call as ``#>`` comments is what the call prints.

Pages and docstrings show what a block prints the way Pydantic's docs do::

    print(1 + 1)
    #> 2

This module replaces the default runner of pytest-markdown-docs (through its private runner
registry: ``sitekit/compat.py``): it runs a fence, records what every top-level statement
prints, and fails unless that output equals the ``#>`` lines written right under the
statement — no more, no less.

``make outputs`` (``pytest --update-outputs``) runs the same fences but, instead of failing,
writes what each statement printed as its ``#>`` lines, in the Markdown or Python file the
fence came from (as Pydantic's ``pytest --update-examples`` does): ``rewrite_outputs`` makes a
fence's new text, ``OutputUpdates`` collects them and writes each file once, at the end.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections import defaultdict
from pathlib import Path

from sitekit import compat

DefaultRunner, register_runner = compat.markdown_docs_runners()

OUTPUT_PREFIX = "#>"


def expected_outputs(source: str) -> dict[tuple[int, int], list[str]]:
    """Map each top-level statement's line range to the ``#>`` lines written under it."""
    lines = source.splitlines()
    expected: dict[tuple[int, int], list[str]] = {}
    for statement in ast.parse(source).body:
        shown: list[str] = []
        for line in lines[statement.end_lineno :]:
            stripped = line.strip()
            if not stripped.startswith(OUTPUT_PREFIX):
                break
            shown.append(stripped[len(OUTPUT_PREFIX) :].removeprefix(" "))
        expected[(statement.lineno, statement.end_lineno)] = shown
    return expected


def _outermost_line(filename: str) -> int | None:
    """Line of the module-level statement of ``filename`` that is running now."""
    line = None
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == filename:
            line = frame.f_lineno
        frame = frame.f_back
    return line


@register_runner(default=True)
class PrintCheckRunner(DefaultRunner):
    """Run a fence like the default runner, then compare its output with its ``#>`` lines.

    With ``updates`` set (``--update-outputs``), hand the fence's rewritten text to it instead.
    """

    updates: OutputUpdates | None = None

    def runtest(self, test, args, *, asyncio_runner=None):
        filename = str(test.source_path)
        printed: dict[int | None, list[str]] = defaultdict(list)

        def recording_print(*values, sep=" ", end="\n", file=None, flush=False):
            if file is None:
                printed[_outermost_line(filename)].append(sep.join(map(str, values)) + end)
            else:
                builtins.print(*values, sep=sep, end=end, file=file, flush=flush)

        args["print"] = recording_print
        super().runtest(test, args, asyncio_runner=asyncio_runner)
        if PrintCheckRunner.updates is not None:
            PrintCheckRunner.updates.add(test, rewrite_outputs(test.source, printed))
            return
        check_printed(test.source, printed, Path(filename).name)


def check_printed(source: str, printed: dict[int | None, list[str]], where: str) -> None:
    """Raise ``AssertionError`` where a statement's output differs from its ``#>`` lines."""
    problems = []
    claimed: set[int | None] = set()
    for (first, last), shown in expected_outputs(source).items():
        lines_here = [line for line in printed if line is not None and first <= line <= last]
        claimed.update(lines_here)
        actual = "".join(text for line in sorted(lines_here) for text in printed[line])
        actual_lines = actual.splitlines()
        if actual_lines != shown:
            problems.append(
                f"{where}, statement at line {first}:\n"
                f"  shown under it (#>): {shown!r}\n"
                f"  actually printed:    {actual_lines!r}"
            )
    unclaimed = set(printed) - claimed
    if unclaimed:
        problems.append(f"{where}: output from lines outside any statement: {sorted(unclaimed)}")
    if problems:
        raise AssertionError("\n".join(problems))


def _shown(line: str) -> str:
    return OUTPUT_PREFIX + (" " + line if line else "")


def rewrite_outputs(source: str, printed: dict[int | None, list[str]]) -> str:
    """``source`` with the ``#>`` lines under each top-level statement replaced by its output.

    The inverse of ``check_printed``: for the same ``printed``, the result passes it. A
    statement that printed nothing loses its ``#>`` lines; nothing else in ``source`` changes.
    """
    lines = source.splitlines()
    unclaimed = set(printed) - {None}
    out: list[str] = []
    cursor = 0
    for (first, last), shown in expected_outputs(source).items():
        out += lines[cursor:last]
        here = sorted(line for line in unclaimed if first <= line <= last)
        unclaimed -= set(here)
        actual = "".join(text for line in here for text in printed[line]).splitlines()
        indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
        out += [indent + _shown(line) for line in actual]
        cursor = last + len(shown)
    out += lines[cursor:]
    if unclaimed or None in printed:
        raise AssertionError(f"output from lines outside any statement: {sorted(printed, key=str)}")
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


class OutputUpdates:
    """New fence texts from one run of ``--update-outputs``, written into their files at the end."""

    def __init__(self) -> None:
        self.fences: dict[Path, list[tuple[int, str, str]]] = {}

    def add(self, test, new_source: str) -> None:
        """Keep the rewritten text of ``test`` (a pytest-markdown-docs fence) if it changed."""
        if new_source != test.source:
            entry = (test.start_line, test.source, new_source)
            self.fences.setdefault(Path(test.source_path), []).append(entry)

    def write(self) -> list[str]:
        """Rewrite every changed fence in its file; one line per fence, naming it."""
        written = []
        for path, fences in sorted(self.fences.items()):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            for start, old, new in sorted(fences, reverse=True):  # bottom up: lines stay put
                old_body, new_body = old.splitlines()[start:], new.splitlines()[start:]
                first, indent = _locate(lines, start, old_body, path)
                lines[first : first + len(old_body)] = [
                    (indent + line if line.strip() else line) + "\n" for line in new_body
                ]
                written.append(f"{path}:{first + 1}")
            path.write_text("".join(lines), encoding="utf-8")
        return written


def _locate(lines: list[str], start: int, body: list[str], path: Path) -> tuple[int, str]:
    """Where ``body`` (a fence's lines as they ran) sits in ``lines``, and its indentation.

    A fence on a page starts at line ``start``; in a docstring pytest-markdown-docs may count
    it a line or two off, so the nearest place where every line matches is taken. A fence
    under an admonition or in a docstring is indented in the file; its test source is not.
    """
    for first in sorted(range(max(0, start - 3), start + 4), key=lambda i: abs(i - start)):
        in_file = [line.rstrip("\n") for line in lines[first : first + len(body)]]
        if len(in_file) < len(body):
            continue
        pairs = [(s, f) for s, f in zip(body, in_file, strict=True) if s.strip() or f.strip()]
        if all(f.endswith(s) and s.strip() for s, f in pairs):
            indents = {f[: len(f) - len(s)] for s, f in pairs}
            if len(indents) == 1 and not indents.pop().strip():
                return first, next(f[: len(f) - len(s)] for s, f in pairs) if pairs else ""
    raise AssertionError(f"{path}:{start}: the fence in the file is not the one that ran")
