"""A test run builds the site once for all its pytest-xdist workers, in the background
(``sitekit.testing.build.SharedBuilds``), and only the builds its tests want."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from sitekit.testing import build
from sitekit.testing.build import SharedBuilds, built_once


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The names of the sites "built", in order: a build writes one file, or fails on request."""
    made: list[str] = []

    def fake_build(site, *, cache, running=None, **_):
        made.append(site.name)
        if "broken" in site.name:
            raise AssertionError(f"strict build failed: {site.name}")
        site.mkdir()
        (site / "index.html").write_text(cache.name, encoding="utf-8")

    monkeypatch.setattr(build, "_build", fake_build)
    return made


def test_processes_that_share_a_site_build_it_once(builds, tmp_path):
    with ThreadPoolExecutor(4) as pool:
        sites = list(pool.map(lambda _: built_once(tmp_path / "site", tmp_path / "c"), range(4)))
    assert sites == [tmp_path / "site"] * 4 and builds == ["site"]


def test_a_failed_build_fails_the_others_without_building_again(builds, tmp_path):
    for _ in range(2):
        with pytest.raises(AssertionError, match="strict build failed: broken"):
            built_once(tmp_path / "broken", tmp_path / "c")
    assert builds == ["broken"]


def test_an_unwanted_build_is_not_made(builds, tmp_path):
    assert built_once(tmp_path / "site", tmp_path / "c", wanted=lambda: False) is None
    assert builds == []


def test_the_warm_build_reads_the_cold_ones_cache_and_is_made_only_if_wanted(builds, tmp_path):
    (tmp_path / "both").mkdir()
    both = SharedBuilds(tmp_path / "both")
    both.wanted({"cold", "warm"})
    assert (both.site("warm") / "index.html").read_text(encoding="utf-8") == "site-cache"
    assert both.site("cold") == tmp_path / "both" / "site"
    (tmp_path / "cold").mkdir()
    cold = SharedBuilds(tmp_path / "cold")
    cold.wanted({"cold"})
    assert cold.site("cold") == tmp_path / "cold" / "site"
    with pytest.raises(RuntimeError, match="no collected test wanted it"):
        cold.site("warm")
    assert builds == ["site", "site-warm", "site"]
