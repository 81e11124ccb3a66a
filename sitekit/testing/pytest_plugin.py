"""The project's pytest plugin: the ``#>`` check, which pages run, and what the gates counted.

Loaded by the project's ``conftest.py`` (``pytest_plugins``), or with
``-p sitekit.testing.pytest_plugin`` for pages outside the project. Importing it registers the
output-checking runner (``sitekit/testing/fence_runner.py``); the option ``--update-outputs``
(``make outputs``) makes the same run rewrite the ``#>`` lines instead. After a run it prints
what the gates counted: links checked, blocks run as a reader copies them, notebooks run in
a kernel, and how every page's Python block is run. Under ``pytest -n 2 --dist loadgroup``
(``make test``) it keeps the tests of one ``xdist_group`` on one worker and hands out the
longest work first (``pytest_collection_modifyitems``), gives each worker its share of the
cores for PyTorch's threads, and starts the run's builds of the site in the background before
the workers collect their tests (``shared_builds``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from sitekit.testing.build import DOCS, ROOT, SharedBuilds
from sitekit.testing.fence_runner import OutputUpdates, PrintCheckRunner
from sitekit.testing.fences import markdown_parser


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the `#>` lines of every block that runs with what it printed (make outputs)",
    )


def pytest_markdown_docs_markdown_it():
    """Read pages as the fence accounting does (``sitekit.testing.fences.markdown_parser``)."""
    return markdown_parser()


SITE_TESTS = ROOT / "tests" / "site"  # the tests that read the built site (built_site)
BUILDS = pytest.StashKey[SharedBuilds]()
# The session fixtures (tests/site/conftest.py) for which each build is made.
BUILD_FIXTURES = {"cold": "built_site", "warm": "warm_site"}


def shared_builds(config: pytest.Config) -> SharedBuilds | None:
    """The run's builds of the site, when this process is a pytest-xdist worker that started them.

    Otherwise (no workers, or no test of the built site asked for) the fixtures build the site
    themselves when a test first wants it.
    """
    return config.stash.get(BUILDS, None)


def _collects_site_tests(config: pytest.Config) -> bool:
    """Whether the paths pytest collects from hold the tests of the built site."""
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if SITE_TESTS.is_relative_to(path) or path.is_relative_to(SITE_TESTS):
            return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("dist", default="no") == "loadgroup":  # the controller of the workers
        config.option.loadscopereorder = False  # hand out work in the workers' order
    if hasattr(config, "workerinput"):  # a pytest-xdist worker
        share_the_cores(config.workerinput["workercount"])
        if config.option.basetemp and _collects_site_tests(config):
            # The workers' temporary directories are in the run's: one build for all of them.
            config.stash[BUILDS] = SharedBuilds(Path(config.option.basetemp).parent)
    if not config.getoption("update_outputs"):
        return
    if config.getoption("numprocesses", default=None) not in (None, 0):
        raise pytest.UsageError("--update-outputs rewrites files: run it with -n 0")
    PrintCheckRunner.updates = OutputUpdates()


def share_the_cores(workers: int) -> None:
    """Let PyTorch in this worker, and the interpreters it starts, use its share of the cores.

    PyTorch starts as many threads as there are cores in each of ``workers`` processes, which
    then take turns on the cores and spin while they wait: on two cores, two workers spent half
    again the processor time for the same results. The pages' printed numbers do not depend on
    the thread count (a training fixes its own: ``snippets.runs.torch_threads``). A count given
    in the environment is kept.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = str(max(1, (cores or 1) // workers))
    os.environ.setdefault("OMP_NUM_THREADS", threads)
    if "torch" in sys.modules:  # imported already: its thread pool has read the environment
        sys.modules["torch"].set_num_threads(int(os.environ["OMP_NUM_THREADS"]))


def pytest_unconfigure(config: pytest.Config) -> None:
    if (builds := shared_builds(config)) is not None:
        builds.stop()
    updates, PrintCheckRunner.updates = PrintCheckRunner.updates, None
    if updates is not None:
        written = updates.write()
        print(f"\n--update-outputs: rewrote {len(written)} blocks", *written, sep="\n  ")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Run the pages' Python blocks from docs/zh only, except in ``make outputs``.

    Every Python block of an English page is its Chinese twin's block, byte for byte and with
    the same options (``sitekit/testing/twins.py``, gated by ``tests/site/test_twins.py``), so
    running docs/en as well would run each block twice and check nothing more.
    ``--update-outputs`` collects both languages, to rewrite the ``#>`` lines of both.
    """
    if config.getoption("update_outputs"):
        return None
    if collection_path.suffix == ".md" and DOCS / "en" in collection_path.parents:
        return True
    return None


def xdist_group(item: pytest.Item) -> str | None:
    """The ``xdist_group`` name pytest-xdist schedules ``item`` by (its marks' names joined)."""
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) or None


def set_nodeid(item: pytest.Item, nodeid: str) -> None:
    """Give ``item`` the id ``nodeid``, where this pytest keeps it."""
    if hasattr(item, "_id"):  # pytest 9: a structured id; its text is what reports carry
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(nodeid)
    else:
        item._nodeid = nodeid
    assert item.nodeid == nodeid, f"pytest keeps a test's id elsewhere: {item.nodeid!r}"


def schedule_rank(item: pytest.Item) -> int:
    """When pytest-xdist hands ``item`` out under ``make test``: lower ranks first.

    0. the pages' Python blocks: the longest single tests, and they need no built site, so the
       workers run them while the site is still being built in the background;
    1. a group of tests (``xdist_group``): the tests of one page in the browser, of the
       explorer, of one search page, of one reduced experiment run;
    2. the other tests of the built site (the notebooks, the site's gates);
    3. the unit tests and docstring examples: hundreds of short tests, which keep both workers
       busy to the end, where one long test would leave the other worker idle.
    """
    if DOCS in item.path.parents:
        return 0
    if xdist_group(item) is not None:
        return 1
    if SITE_TESTS in item.path.parents:
        return 2
    return 3


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup``, end each grouped test's id with ``@<its xdist_group>``, and
    put the tests in the order the workers should get them (``schedule_rank``).

    The controller schedules by that suffix: the tests of one page (``visit_params``) then run on
    one worker, which loads the page once. pytest-xdist writes the suffix to an attribute that
    pytest 9 no longer reads, so without this every test is scheduled alone and each worker
    loads most pages. Where pytest-xdist's own suffix took, this changes nothing. The
    controller hands out the work in this order (``pytest_configure`` turns off its reordering
    by group size); within a rank the order is pytest's, which keeps the tests of one page
    together.
    """
    if not getattr(config.option, "loadgroup", False):  # set on pytest-xdist's workers only
        return
    for item in items:
        group = xdist_group(item)
        if group is not None and not item.nodeid.endswith(f"@{group}"):
            set_nodeid(item, f"{item.nodeid}@{group}")
    items.sort(key=schedule_rank)


def pytest_collection_finish(session: pytest.Session) -> None:
    """An empty collection of page code blocks must not pass quietly."""
    ran_docs = any(
        DOCS.is_relative_to(Path(arg.split("::")[0]).resolve()) for arg in session.config.args
    )
    fences = [item for item in session.items if DOCS in item.path.parents]
    if ran_docs and not fences:
        raise pytest.UsageError(f"no Python code block was collected from {DOCS}")
    if (builds := shared_builds(session.config)) is not None:
        used = {name for item in session.items for name in getattr(item, "fixturenames", ())}
        wanted = {build for build, fixture in BUILD_FIXTURES.items() if fixture in used}
        if "warm" in wanted:
            wanted.add("cold")  # the warm build reads the cache the cold one fills
        builds.wanted(wanted)


def _properties(terminalreporter, name: str, calls_only: bool = False) -> list[tuple[str, str]]:
    """(value, outcome) of every ``record_property(name, value)`` of the run's tests."""
    return [
        (value, outcome)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if not calls_only or getattr(report, "when", "call") == "call"
        for key, value in getattr(report, "user_properties", [])
        if key == name
    ]


def _recorded_counts(terminalreporter, name: str) -> list[tuple[dict, str]]:
    """(counts, outcome) of every test that recorded ``name``: JSON counts, in its call."""
    return [
        (json.loads(value), outcome)
        for value, outcome in _properties(terminalreporter, name, calls_only=True)
    ]


def _links_summary(terminalreporter) -> None:
    from sitekit.testing import links

    summaries = _properties(terminalreporter, links.SUMMARY_PROPERTY)
    if summaries:
        terminalreporter.section("Links in the built site (sitekit/testing/links.py)")
        terminalreporter.write_line(summaries[-1][0])


def _copy_summary(terminalreporter) -> None:
    from sitekit.testing.reader import SUMMARY_PROPERTY

    copied = _recorded_counts(terminalreporter, SUMMARY_PROPERTY)
    if not copied:
        return
    terminalreporter.section("Code blocks as a reader copies them (tests/site/test_copy.py)")
    counted = ("blocks", "python", "marked", "signatures")
    for language in ("zh", "en"):
        pages = sorted(
            (pair for pair in copied if pair[0]["page"].startswith("/en/") == (language == "en")),
            key=lambda pair: pair[0]["page"],
        )
        totals = dict.fromkeys(counted, 0)
        for counts, outcome in pages:
            numbers = ", ".join(f"{key} {counts[key]}" for key in counted)
            terminalreporter.write_line(f"{language} {counts['page']}: {numbers} ({outcome})")
            totals = {key: totals[key] + counts[key] for key in counted}
        if pages:
            numbers = ", ".join(f"{key} {totals[key]}" for key in counted)
            terminalreporter.write_line(
                f"{language} all {len(pages)} pages: {numbers}; every Python block is plain "
                "Python and imports only what the reader installed (run in the notebooks below)"
            )


def _notebooks_summary(terminalreporter) -> None:
    from sitekit.testing.kernel import SUMMARY_PROPERTY

    found = _recorded_counts(terminalreporter, SUMMARY_PROPERTY)
    if not found:
        return
    terminalreporter.section("Notebooks in a Jupyter kernel (tests/site/test_notebooks.py)")
    counted = ("cells", "ran", "matched")
    runs = sorted((pair for pair in found if "notebook" in pair[0]), key=lambda p: p[0]["notebook"])
    for counts, outcome in runs:
        numbers = ", ".join(f"{key} {counts[key]}" for key in counted)
        terminalreporter.write_line(f"{counts['notebook']}: {numbers} ({outcome})")
    if runs:
        totals = ", ".join(f"{key} {sum(c[key] for c, _ in runs)}" for key in counted)
        terminalreporter.write_line(f"all {len(runs)} notebooks run: {totals}")
    for counts, outcome in found:
        if "twins" in counts:
            terminalreporter.write_line(
                f"zh: {counts['twins']} notebooks hold the same {counts['cells']} code cells as "
                f"their English twins, run above ({outcome})"
            )


def _blocks_summary(terminalreporter) -> None:
    from sitekit.testing.fences import account_docs

    ran: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") != "call" and outcome != "skipped":
                continue
            parts = report.nodeid.split("/")
            if parts[0] == "docs" and len(parts) > 2 and ".md::" in report.nodeid:
                counts = ran.setdefault(parts[1], {})
                counts[outcome] = counts.get(outcome, 0) + 1
    gate_ran = any(
        "tests/site/test_fences.py" in report.nodeid
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
    )
    if not ran and not gate_ran:
        return  # neither the pages' blocks nor their gate were part of this run
    terminalreporter.section("Python blocks on the pages")
    accounting_by_language = account_docs(DOCS, ROOT)
    for language in sorted(accounting_by_language, key=lambda name: name != "zh"):
        accounting = accounting_by_language[language]
        counts = ran.get(language, {})
        outcome = ", ".join(f"{n} {name}" for name, n in sorted(counts.items())) or "none run"
        if language == "en" and not counts and ran.get("zh"):
            outcome = "run from zh, the same blocks (twin gate)"
        terminalreporter.write_line(
            f"{language}: {accounting.total} Python blocks = {len(accounting.executed)} executed "
            f"by pytest-markdown-docs (this run: {outcome}) + {len(accounting.included)} "
            f"includes of tested snippets modules + {len(accounting.marked)} marked no-run + "
            f"{len(accounting.unchecked)} unchecked"
        )


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print what the gates counted: links checked, and how every page's Python block is run."""
    _links_summary(terminalreporter)
    _copy_summary(terminalreporter)
    _notebooks_summary(terminalreporter)
    _blocks_summary(terminalreporter)
