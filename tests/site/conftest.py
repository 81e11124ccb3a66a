"""Fixtures for tests that build the site and drive it in headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sitekit.testing.build import build_site, site_cache
from sitekit.testing.pytest_plugin import shared_builds
from sitekit.testing.reader import ReaderPython, environments, made_once, reader_installs
from sitekit.testing.serving import launch_chromium, serve

if TYPE_CHECKING:
    from sitekit.testing.visits import Tab, Visit


@pytest.fixture(scope="session")
def built_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built with ``mkdocs build --strict`` once per test run.

    Built cold, with an empty build cache of its own (``site_cache``), so that the
    reproducibility gate needs only one more build, a warm one (``warm_site``), to compare with
    it. Under pytest-xdist the workers share one build, started in the background before they
    collect their tests (``sitekit.testing.pytest_plugin.shared_builds``).
    """
    if (builds := shared_builds(request.config)) is not None:
        return builds.site("cold")
    site = tmp_path_factory.mktemp("site")
    build_site(site, cache=site_cache(site))
    return site


@pytest.fixture(scope="session")
def warm_site(
    request: pytest.FixtureRequest, built_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The site built once more, warm from the build cache ``built_site`` filled."""
    if (builds := shared_builds(request.config)) is not None:
        return builds.site("warm")
    site = tmp_path_factory.mktemp("site-warm")
    build_site(site, cache=site_cache(built_site))
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 and yield its root URL (and axe-core beside it, for
    ``sitekit.testing.visits.inject_axe``)."""
    from sitekit.testing.visits import AXE, AXE_URL_PATH

    with serve(built_site, extra={AXE_URL_PATH: AXE}) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (see ``sitekit.testing.serving.launch_chromium``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def tab(browser) -> Iterator[Tab]:
    """The tab that loads the pages the ``visit`` fixture visits, one after another."""
    from sitekit.testing.visits import Tab

    opened = Tab(browser)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def visit(request: pytest.FixtureRequest, tab: Tab, site_url: str) -> Iterator[Visit]:
    """The page at ``request.param`` (a URL path), loaded once for every check on it.

    Use with ``@pytest.mark.parametrize("visit", visit_params(urls), indirect=True)``
    (``sitekit.testing.visits.visit_params``). The fixture is session-scoped, so pytest runs all
    tests of one page together, in every module, before the tab loads the next page.
    """
    with tab.visiting(site_url, request.param) as loaded_page:
        yield loaded_page


@pytest.fixture(scope="session")
def readers(
    built_site: Path, site_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[bool, ReaderPython]:
    """The reader's interpreter, plain (``False``) and with the extras (``True``), made once
    per test run and shared by the workers: a fresh virtual environment where the home page's
    install commands (``sitekit.testing.reader.reader_installs``) ran."""
    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent
    venvs = {False: shared / "reader", True: shared / "reader-extras"}

    def make() -> None:
        served = reader_installs(built_site, site_url, shared)
        environments()  # the cached layers, before two threads need them
        with ThreadPoolExecutor(max_workers=2) as pool:  # pip waits on I/O much of the time
            made = [
                pool.submit(ReaderPython.create, venv, served[extras], with_extras=extras)
                for extras, venv in venvs.items()
            ]
            for future in made:
                future.result()

    made_once(shared / "reader.lock", shared / "reader.made", make)
    return {extras: ReaderPython(venv) for extras, venv in venvs.items()}
