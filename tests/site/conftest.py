"""Fixtures for tests that build the site and drive it in headless Chromium."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.site.serving import launch_chromium, serve

if TYPE_CHECKING:
    from tests.site.visits import Visit

ROOT = Path(__file__).resolve().parents[2]


def build_site(site: Path) -> None:
    """``mkdocs build --strict`` into ``site``; fail the test that needed it if the build fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    result = subprocess.run(mkdocs, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the whole site with ``mkdocs build --strict`` once per test session.

    Under pytest-xdist every worker is its own session; they share one build in the run's
    common temporary directory (the first worker builds it while the others wait on a lock).
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        site = tmp_path_factory.mktemp("site")
        build_site(site)
        return site
    shared = tmp_path_factory.getbasetemp().parent
    site, done = shared / "site", shared / "site.built"
    with (shared / "site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            build_site(site)
            done.touch()
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 and yield its root URL."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (see ``tests.site.serving.launch_chromium``)."""
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
    from tests.site.visits import visiting

    with visiting(browser, site_url, request.param) as loaded_page:
        yield loaded_page


def visit_params(urls: list[str]) -> list:
    """Parameters for the ``visit`` fixture, one pytest-xdist group per page.

    Under ``--dist loadgroup`` all tests of a page then run on one worker, so the page is
    loaded once in the whole run, not once per worker.
    """
    return [pytest.param(url, marks=pytest.mark.xdist_group(f"page:/{url}")) for url in urls]


DOCS = ROOT / "docs"
LANGUAGES = {"zh": "", "en": "en/"}  # language -> URL prefix of its pages


def page_urls(language: str) -> list[str]:
    """URL paths (relative to the site root) of every page written in ``language``."""
    urls = []
    for source in sorted((DOCS / language).rglob("*.md")):
        relative = source.relative_to(DOCS / language).with_suffix("")
        path = "" if relative.name == "index" else relative.as_posix() + "/"
        if relative.name == "index" and relative.parent != Path("."):
            path = relative.parent.as_posix() + "/"
        urls.append(LANGUAGES[language] + path)
    return urls


def twin_url(url: str) -> str:
    """The same page in the other language."""
    return url.removeprefix("en/") if url.startswith("en/") else "en/" + url
