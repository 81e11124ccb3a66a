"""Fixtures for tests that build the site and drive it in headless Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.serving import launch_chromium, serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the whole site with ``mkdocs build --strict`` once per test session."""
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    result = subprocess.run(mkdocs, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
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
