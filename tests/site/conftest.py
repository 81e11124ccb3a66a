"""Fixtures for tests that build the site and drive it in headless Chromium."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sitekit.build import DOCS, LANGUAGES, ROOT, build_site, page_urls, twin_url
from sitekit.serving import launch_chromium, serve

if TYPE_CHECKING:
    from sitekit.visits import Visit

__all__ = ["DOCS", "LANGUAGES", "ROOT", "build_site", "page_urls", "twin_url", "visit_params"]


def site_cache(site: Path) -> Path:
    """The build cache the session's build filled, beside it (read by the reproducibility gate)."""
    return site.with_name(site.name + "-cache")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built with ``mkdocs build --strict`` once per test run.

    Built cold, with an empty build cache of its own (``site_cache``), so that the
    reproducibility gate needs only one more build, a warm one, to compare with it. Under
    pytest-xdist every worker is its own session; they share this one build in the run's
    common temporary directory (the first worker builds it while the others wait on a lock).
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        site = tmp_path_factory.mktemp("site")
        build_site(site, cache=site_cache(site))
        return site
    shared = tmp_path_factory.getbasetemp().parent
    site, done = shared / "site", shared / "site.built"
    with (shared / "site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            build_site(site, cache=site_cache(site))
            done.touch()
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 and yield its root URL."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (see ``sitekit.serving.launch_chromium``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def pytest_configure(config: pytest.Config) -> None:
    """Know ``xdist_group`` even where pytest-xdist is not installed (``--strict-markers``)."""
    config.addinivalue_line("markers", "xdist_group(name): run together under --dist loadgroup")


@pytest.fixture(scope="session")
def visit(request: pytest.FixtureRequest, browser, site_url: str) -> Iterator[Visit]:
    """The page at ``request.param`` (a URL path), loaded once for every check on it.

    Use with ``@pytest.mark.parametrize("visit", visit_params(urls), indirect=True)``. The
    fixture is session-scoped, so pytest runs all tests of one page together, in every module,
    and closes the page before loading the next.
    """
    from sitekit.visits import visiting

    with visiting(browser, site_url, request.param) as loaded_page:
        yield loaded_page


def visit_params(urls: list[str]) -> list:
    """Parameters for the ``visit`` fixture, one pytest-xdist group per page.

    Under ``--dist loadgroup`` all tests of a page then run on one worker, so the page is
    loaded once in the whole run, not once per worker.
    """
    return [pytest.param(url, marks=pytest.mark.xdist_group(f"page:/{url}")) for url in urls]
