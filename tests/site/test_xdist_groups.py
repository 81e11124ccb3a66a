"""Under ``make test`` (``pytest -n 2 --dist loadgroup``) the tests of one ``xdist_group`` run on
one worker: the controller reads the group from the end of each test's id, which
``sitekit/testing/pytest_plugin.py`` writes there, and hands the work out in the order the
workers collected it, longest first. And each worker's PyTorch uses that worker's share of the
cores."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
import torch

from sitekit.testing.build import DOCS, ROOT
from sitekit.testing.pytest_plugin import (
    pytest_collection_modifyitems,
    schedule_rank,
    share_the_cores,
)

GROUPED = """
import pytest

@pytest.mark.xdist_group("page:/a/")
@pytest.mark.parametrize("x", [1, pytest.param(2, marks=pytest.mark.xdist_group("b"))])
def test_grouped(x):
    pass

def test_alone():
    pass
"""


def worker(loadgroup: bool) -> SimpleNamespace:
    """A pytest-xdist worker's config, as far as the hook reads it."""
    return SimpleNamespace(option=SimpleNamespace(loadgroup=loadgroup))


def test_only_a_loadgroup_worker_ends_a_grouped_tests_id_with_its_group_once(pytester):
    pytester.makepyfile(test_a=GROUPED)
    items, _ = pytester.inline_genitems()
    before = [item.nodeid for item in items]
    pytest_collection_modifyitems(worker(loadgroup=False), items)
    pytest_collection_modifyitems(SimpleNamespace(option=SimpleNamespace()), items)  # no xdist
    assert [item.nodeid for item in items] == before
    expected = ["test_a.py::test_grouped[1]@page:/a/", "test_a.py::test_grouped[2]@b_page:/a/"]
    expected.append("test_a.py::test_alone")
    for _ in range(2):  # a suffix already there is not added again
        pytest_collection_modifyitems(worker(loadgroup=True), items)
        assert [item.nodeid for item in items] == expected


@pytest.mark.xdist_group("scheduling")
def test_this_run_schedules_a_grouped_test_by_its_group(request):
    """In ``make test`` this test's own id carries its group (run alone, there is none)."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@scheduling")
    else:
        assert "@" not in request.node.nodeid


def test_each_worker_runs_pytorch_on_its_share_of_the_cores(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    before = torch.get_num_threads()
    try:
        share_the_cores(4)  # 8 cores, 4 workers
        assert os.environ["OMP_NUM_THREADS"] == "2" and torch.get_num_threads() == 2
        share_the_cores(16)
        assert torch.get_num_threads() == 2  # set once
        monkeypatch.setenv("OMP_NUM_THREADS", "3")  # a count given in the environment is kept
        share_the_cores(4)
        assert torch.get_num_threads() == 3
        monkeypatch.delenv("OMP_NUM_THREADS")
        share_the_cores(16)
        assert torch.get_num_threads() == 1  # never none
    finally:
        torch.set_num_threads(before)


def test_the_workers_get_the_pages_blocks_first_and_the_unit_tests_last():
    def item(path, group=None):
        marks = [pytest.mark.xdist_group(group).mark] if group else []
        return SimpleNamespace(path=path, iter_markers=lambda name: iter(marks), name=path.name)

    unit = item(ROOT / "tests" / "test_losses.py")
    site = item(ROOT / "tests" / "site" / "test_copy.py")
    page = item(ROOT / "tests" / "site" / "test_a11y.py", group="page:/")
    fence = item(DOCS / "zh" / "index.md")
    ranked = sorted([unit, site, page, fence], key=schedule_rank)
    names = [each.name for each in ranked]
    assert names == ["index.md", "test_a11y.py", "test_copy.py", "test_losses.py"]
