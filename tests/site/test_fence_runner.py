"""The `#>` convention fails whenever a page's shown output differs from the real one."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_markdown_docs.definitions import FenceTestDefinition

from tests.site.fence_runner import PrintCheckRunner, expected_outputs


def run(source: str) -> None:
    fence = FenceTestDefinition(source, (), 1, Path("page.md"), None)
    PrintCheckRunner().runtest(fence, {})


def test_matching_output_passes():
    run("print(1 + 1)\n#> 2\nfor i in range(2):\n    print(i)\n#> 0\n#> 1\n")


def test_wrong_output_fails():
    with pytest.raises(AssertionError, match=r"shown under it \(#>\): \['3'\]"):
        run("print(1 + 1)\n#> 3\n")


def test_output_not_shown_fails():
    with pytest.raises(AssertionError, match=r"actually printed:    \['2'\]"):
        run("print(1 + 1)\n")


def test_shown_output_that_is_not_printed_fails():
    with pytest.raises(AssertionError, match="statement at line 1"):
        run("x = 2\n#> 2\n")


def test_output_of_a_function_counts_where_it_is_called():
    run("def f():\n    print('hi')\n\nf()\n#> hi\n")


def test_expected_outputs_reads_comment_lines_under_each_statement():
    assert expected_outputs("a = 1\nprint(a)\n#> 1\n#>  two spaces\n") == {
        (1, 1): [],
        (2, 2): ["1", " two spaces"],
    }
