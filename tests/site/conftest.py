"""Fixtures for tests that build the site and drive it in headless Chromium."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the whole site with ``mkdocs build --strict`` once per test session."""
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    result = subprocess.run(mkdocs, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 and yield its root URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium: Debian's where it exists, else Playwright's own download."""
    from playwright.sync_api import sync_playwright

    # Where there is no Debian chromium, set-up ran `playwright install chromium` instead and
    # Playwright finds its own browser when no executable is given.
    executable = str(SYSTEM_CHROMIUM) if SYSTEM_CHROMIUM.exists() else None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
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
