"""The `#>` convention fails whenever a page's shown output differs from the real one, and
`make outputs` rewrites it from a real run (sitekit/testing/fence_runner.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

# PyTorch and snippets.params, which the home page's block imports, are imported here, before
# any run of pytest in this process: pytester forgets after each test the modules imported
# since it began, and PyTorch cannot be imported a second time in one process.
import torch  # noqa: F401
from pytest_markdown_docs.definitions import FenceTestDefinition

import snippets.params  # noqa: F401
from sitekit.testing.build import DOCS, ROOT
from sitekit.testing.fence_runner import (
    OutputUpdates,
    PrintCheckRunner,
    _outermost_line,
    expected_outputs,
    rewrite_outputs,
)


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


# --- rewriting the `#>` lines: `make outputs` (pytest --update-outputs) ---


def rewritten(source: str) -> str:
    """What --update-outputs writes for ``source``: run it, recording prints as the runner does."""
    printed: dict = {}

    def recording_print(*values, sep=" ", end="\n"):
        line = _outermost_line("<fence>")
        printed.setdefault(line, []).append(sep.join(map(str, values)) + end)

    exec(compile(source, "<fence>", "exec"), {"print": recording_print})
    return rewrite_outputs(source, printed)


def test_rewriting_a_block_whose_output_is_shown_changes_nothing():
    source = "x = 2\nprint(x)\n#> 2\nfor i in range(2):\n    print(i)\n#> 0\n#> 1\n"
    assert rewritten(source) == source


def test_rewriting_replaces_wrong_missing_and_stale_output():
    source = "print(1 + 1)\n#> 3\n#> 4\nprint('')\nx = 1\n#> 1\nprint('a')\n"
    assert rewritten(source) == "print(1 + 1)\n#> 2\nprint('')\n#>\nx = 1\nprint('a')\n#> a\n"
    run(rewritten(source))  # what it writes passes the check


def make_outputs(pytester: pytest.Pytester, *args: str | Path) -> pytest.RunResult:
    """pytest on ``args`` as ``make outputs`` runs it (the project's settings and plugin, no
    workers), here in this process (``pytester``), in ``pytester``'s directory."""
    command = ["-p", "no:cacheprovider", "-p", "sitekit.testing.pytest_plugin", "-n", "0", "-q"]
    command += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(pytester.path)]
    return pytester.runpytest_inprocess(*command, *map(str, args))


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """``pytester``, without CI in the environment: under CI=true pytest repeats each whole
    failure message in its short summary, and the counts below would see every message twice."""
    for name in ("CI", "BUILD_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    return pytester


def test_make_outputs_rewrites_a_changed_number_in_both_languages(pytester):
    pages = []
    for language in ("zh", "en"):
        (pytester.path / language).mkdir()
        page = pytester.path / language / "index.md"
        page.write_text((DOCS / language / "index.md").read_text("utf-8"), "utf-8")
        pages.append(page)
    originals = [page.read_text("utf-8") for page in pages]
    assert all("out_channels=8" in text and "    #> 224\n" in text for text in originals)

    result = make_outputs(pytester, "--update-outputs", *pages)  # a clean page: no change
    assert result.ret == 0, result.stdout.str()
    assert "rewrote 0 blocks" in result.stdout.str()
    assert [page.read_text("utf-8") for page in pages] == originals

    for page, text in zip(pages, originals, strict=True):  # 4 output channels: 112 parameters
        page.write_text(text.replace("out_channels=8", "out_channels=4"), "utf-8")
    result = make_outputs(pytester, *pages)
    assert result.ret == 1 and result.stdout.str().count("#>): ['224']") == 2, result.stdout.str()

    result = make_outputs(pytester, "--update-outputs", *pages)
    assert result.ret == 0, result.stdout.str()
    assert "rewrote 2 blocks" in result.stdout.str()
    for page, text in zip(pages, originals, strict=True):
        expected = text.replace("out_channels=8", "out_channels=4").replace("#> 224", "#> 112")
        assert page.read_text("utf-8") == expected


def test_a_docstring_fence_is_found_indented_and_a_line_off(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        'def f():\n    """Doc.\n\n    ```python\n    print(1)\n    #> 3\n    ```\n    """\n',
        "utf-8",
    )
    start = 4  # pytest-markdown-docs counted the fence a line later than it is in the file
    old = "\n" * start + "print(1)\n#> 3\n"
    updates = OutputUpdates()
    updates.add(
        FenceTestDefinition(old, (), start, module, None), "\n" * start + "print(1)\n#> 1\n"
    )
    assert updates.write() == [f"{module}:5"]
    assert module.read_text("utf-8").splitlines()[4:6] == ["    print(1)", "    #> 1"]


def test_a_fence_that_changed_since_it_ran_is_not_overwritten(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\nprint(2)\n#> 2\n```\n", "utf-8")
    updates = OutputUpdates()
    updates.add(FenceTestDefinition("\nprint(1)\n#> 2\n", (), 1, page, None), "\nprint(1)\n#> 1\n")
    with pytest.raises(AssertionError, match="not the one that ran"):
        updates.write()
    assert page.read_text("utf-8") == "```python\nprint(2)\n#> 2\n```\n"


def test_update_outputs_refuses_parallel_workers(pytester):
    result = make_outputs(pytester, "--update-outputs", "-n", "2", pytester.path)
    assert result.ret != 0 and "run it with -n 0" in result.stderr.str()
