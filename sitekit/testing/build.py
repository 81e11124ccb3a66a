"""Build the site and the reader's package as a reader would get them, and name the pages.

What the tests, ``tools/`` and the bench share. ``build_site`` runs ``mkdocs build --strict``
in a fresh process (the plugins keep per-build state, and a build must not see a test's
monkeypatching). With ``SITEKIT_BUILD_LOG`` set in the environment, every build appends one
line to that file, so a test run can count its builds. ``clone`` makes the copy of the
repository that ``pip install <a clone>`` installs from.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sitekit import ROOT

DOCS = ROOT / "docs"
LANGUAGES = {"zh": "", "en": "en/"}  # language -> URL prefix of its pages
BUILD_LOG = "SITEKIT_BUILD_LOG"


def build_site(
    site: Path, *, cache: Path | None = None, root: Path = ROOT, config: Path | None = None
) -> None:
    """``mkdocs build --strict`` of ``root`` into ``site``; ``AssertionError`` if it fails.

    ``cache`` is the build cache to use (``sitekit/plugins/build_cache.py``), by default the
    user's; ``config`` a configuration file other than ``root``'s ``mkdocs.yml``. The date comes
    from the commit, as in every build (``sitekit/plugins/reproducible.py``).
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    if cache is not None:
        env["CNN_STUDY_QUESTIONS_CACHE"] = str(cache)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    if config is not None:
        mkdocs += ["--config-file", str(config)]
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


def site_cache(site: Path) -> Path:
    """The build cache a test session's build of ``site`` fills, beside it (``built_site``)."""
    return site.with_name(site.name + "-cache")


def _git(*args: str, cwd: Path = ROOT, **kwargs) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout.strip()


def clone(target: Path, root: Path = ROOT) -> Path:
    """A fresh ``git clone`` of ``root`` into ``target``, holding what the working tree holds.

    In CI the working tree is the commit, and this is a plain clone. A developer's uncommitted
    edits (and new files git does not ignore) are written into a tree object through a scratch
    index, leaving the real index and ``HEAD`` alone, and the clone checks that tree out: the
    clone then holds what ``root`` would hold once committed.
    """
    with tempfile.TemporaryDirectory() as scratch:
        index = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git("add", "--all", cwd=root, env=index)
        tree = _git("write-tree", cwd=root, env=index)
    _git("clone", "--quiet", "--shared", "--no-checkout", str(root), str(target))
    _git("read-tree", "--reset", "-u", tree, cwd=target)
    return target


def site_wheel(site: Path) -> Path:
    """The wheel of the reader's package that the site built into ``site`` publishes."""
    from sitekit.plugins.wheel import DOWNLOADS

    wheels = sorted((site / DOWNLOADS).glob("*.whl"))
    assert len(wheels) == 1, f"{site / DOWNLOADS} holds {len(wheels)} wheels, not one"
    return wheels[0]


def configured(plugin_class: type, **options):
    """A plugin as MkDocs makes one from ``mkdocs.yml``: ``options`` loaded into its config."""
    plugin = plugin_class()
    errors, _ = plugin.load_config(options)
    assert not errors, errors
    return plugin
