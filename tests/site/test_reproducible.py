"""Gate: two builds of the same commit are byte-identical, the reader's wheel included.

The pages' dates come from the commit (sitekit-reproducible); the wheel's too (sitekit-wheel).
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import os
import re
from pathlib import Path
from types import SimpleNamespace

from sitekit.plugins.reproducible import ReproduciblePlugin, commit_time
from sitekit.testing.build import ROOT, configured, site_cache, site_wheel


def differences(first: Path, second: Path) -> list[str]:
    """Every file that is missing from one tree or differs between the two."""

    def digests(root: Path) -> dict[str, str]:
        return {
            path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    a, b = digests(first), digests(second)
    problems = [f"only in the first build: {name}" for name in sorted(a.keys() - b.keys())]
    problems += [f"only in the second build: {name}" for name in sorted(b.keys() - a.keys())]
    problems += [f"differs: {name}" for name in sorted(a.keys() & b.keys()) if a[name] != b[name]]
    return problems


def test_builds_are_byte_identical_with_or_without_the_build_cache(built_site, warm_site):
    """The session's site was built cold, into an empty cache of its own (``built_site``); one
    more build, warm from that cache (``warm_site``, this gate's one extra build), must give the
    same bytes."""
    assert any(site_cache(built_site).glob("katex/*.json")), "not a cold build?"
    problems = differences(built_site, warm_site)
    assert problems == [], "warm build:\n" + "\n".join(problems)
    assert len(list(warm_site.rglob("*.html"))) >= 12
    assert site_wheel(warm_site).is_file()  # compared with the rest


def test_the_sitemap_is_dated_by_the_commit_not_the_clock(built_site):
    stamp = commit_time(ROOT)
    assert stamp is not None, "the project is built from a git checkout"
    day = datetime.datetime.fromtimestamp(int(stamp), datetime.UTC).strftime("%Y-%m-%d")
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {day}
    with gzip.open(built_site / "sitemap.xml.gz") as compressed:
        assert compressed.read().decode("utf-8") == sitemap


def test_the_plugin_takes_the_date_from_git(monkeypatch):
    config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    configured(ReproduciblePlugin).on_config(config)
    assert os.environ["SOURCE_DATE_EPOCH"] == commit_time(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # a date already given wins
    configured(ReproduciblePlugin).on_config(config)
    assert os.environ["SOURCE_DATE_EPOCH"] == "86400"


def test_the_comparison_fails_on_builds_that_differ(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for root in (first, second):
        (root / "en").mkdir(parents=True)
        (root / "index.html").write_text("<p>same</p>", encoding="utf-8")
    (first / "sitemap.xml").write_text("<lastmod>2026-11-28</lastmod>", encoding="utf-8")
    (second / "sitemap.xml").write_text("<lastmod>2026-11-29</lastmod>", encoding="utf-8")
    (second / "en" / "extra.html").write_text("", encoding="utf-8")
    assert differences(first, second) == [
        "only in the second build: en/extra.html",
        "differs: sitemap.xml",
    ]
