"""Check the printed output shown under a call as ``#>`` comments.

Pages and docstrings show what a block prints the way Pydantic's docs do::

    print(1 + 1)
    #> 2

This module registers the default runner of pytest-markdown-docs: it runs a fence, records
what every top-level statement prints, and fails unless that output equals the ``#>`` lines
written right under the statement — no more, no less.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections import defaultdict
from pathlib import Path

from pytest_markdown_docs._runners import DefaultRunner, register_runner

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
    """Run a fence like the default runner, then compare its output with its ``#>`` lines."""

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
