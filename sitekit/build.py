"""Build the site, and name its pages: what the tests, ``tools/`` and the bench share.

``build_site`` runs ``mkdocs build --strict`` in a fresh process (the plugins keep per-build
state, and a build must not see a test's monkeypatching). With ``SITEKIT_BUILD_LOG`` set in the
environment, every build appends one line to that file, so a test run can count its builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGES = {"zh": "", "en": "en/"}  # language -> URL prefix of its pages
BUILD_LOG = "SITEKIT_BUILD_LOG"


def build_site(site: Path, *, cache: Path | None = None, root: Path = ROOT) -> None:
    """``mkdocs build --strict`` of ``root`` into ``site``; ``AssertionError`` if it fails.

    ``cache`` is the build cache to use (``sitekit/build_cache.py``); by default the user's. The
    date comes from the commit, as in every build (``hooks/reproducible.py``).
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    if cache is not None:
        env["CNN_STUDY_QUESTIONS_CACHE"] = str(cache)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    started = time.monotonic()
    result = subprocess.run(mkdocs, cwd=root, env=env, capture_output=True, text=True)
    if log := os.environ.get(BUILD_LOG):
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{site} {time.monotonic() - started:.1f}s pid={os.getpid()}\n")
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"


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
