"""Build the site and the reader's package as a reader would get them, and name the pages.

What the tests, ``tools/`` and the bench share. ``build_site`` runs ``mkdocs build --strict``
in a fresh process (the plugins keep per-build state, and a build must not see a test's
monkeypatching). With ``SITEKIT_BUILD_LOG`` set in the environment, every build appends one
line to that file, so a test run can count its builds. ``SharedBuilds`` makes a test run's
builds once for all its pytest-xdist workers, in the background from the run's start.
``clone`` makes the copy of the repository that ``pip install <a clone>`` installs from.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
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
    _build(site, cache=cache, root=root, config=config)


def _build(
    site: Path,
    *,
    cache: Path | None = None,
    root: Path = ROOT,
    config: Path | None = None,
    running: list[subprocess.Popen] | None = None,
) -> None:
    """``build_site``; the process is in ``running`` while it runs (``BuildStopped`` if it is
    stopped by a signal)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    if cache is not None:
        env["CNN_STUDY_QUESTIONS_CACHE"] = str(cache)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    if config is not None:
        mkdocs += ["--config-file", str(config)]
    began = time.monotonic()
    process = subprocess.Popen(
        mkdocs, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if running is not None:
        running.append(process)
    try:
        stdout, stderr = process.communicate()
    finally:
        if running is not None:
            running.remove(process)
    if log := os.environ.get(BUILD_LOG):
        stopped = " stopped" if process.returncode < 0 else ""
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{site} {time.monotonic() - began:.1f}s pid={os.getpid()}{stopped}\n")
    if process.returncode < 0:
        raise BuildStopped(f"the build of {site} was stopped by signal {-process.returncode}")
    assert process.returncode == 0, f"strict build failed:\n{stdout}\n{stderr}"


class BuildStopped(Exception):
    """A build stopped from outside (``SharedBuilds.wanted``), not one that failed."""


def built_once(
    site: Path,
    cache: Path,
    *,
    wanted: Callable[[], bool] = lambda: True,
    running: list[subprocess.Popen] | None = None,
) -> Path | None:
    """``site``, built with ``cache`` by the first process of a test run to get here.

    The processes of one run (pytest-xdist workers) share ``site``: the first takes its lock
    and builds it, the others wait on the lock and then read it; a failed build fails them all
    with its message, without building again. Nothing is built (and None returned) when
    ``wanted()`` is false once the lock is taken, or when the build is stopped.
    """
    done, failed = (site.with_name(site.name + suffix) for suffix in (".built", ".failed"))
    with site.with_name(site.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            raise AssertionError(failed.read_text(encoding="utf-8"))
        if not done.exists():
            if not wanted():
                return None
            try:
                _build(site, cache=cache, running=running)
            except BuildStopped:
                return None
            except AssertionError as error:
                failed.write_text(str(error), encoding="utf-8")
                raise
            done.touch()
    return site


class SharedBuilds:
    """A test run's two builds of the site, made in the background from the run's start.

    ``cold`` is the whole site built into an empty build cache of its own (``site_cache``),
    which every test of the built site reads; ``warm`` is the same built again from the cache
    ``cold`` filled, which the reproducibility gate compares with it. Both are made once for
    all pytest-xdist workers, in ``shared``, the run's common temporary directory
    (``built_once``). A worker starts them before it collects its tests, so the site is ready,
    or nearly, when the first test wants it; ``wanted`` then says which builds the collected
    tests need, and a build no test needs is stopped or not made.
    """

    NAMES = ("cold", "warm")

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.sites = {"cold": shared / "site", "warm": shared / "site-warm"}
        self._wanted: set[str] | None = None  # None until the tests are collected
        self._decided = threading.Condition()
        self._running: list[subprocess.Popen] = []
        self._built: dict[str, Path | BaseException | None] = {}
        self._finished = {name: threading.Event() for name in self.NAMES}
        self._thread = threading.Thread(target=self._build_all, name="site builds", daemon=True)
        self._thread.start()

    def wanted(self, names: set[str]) -> None:
        """Say which builds (of ``NAMES``) the collected tests need; stop the others."""
        with self._decided:
            self._wanted = set(names)
            self._decided.notify_all()
        if "cold" not in names:  # the warm build is not started before this is known
            for process in list(self._running):
                process.terminate()

    def stop(self) -> None:
        """Stop the build under way, if any (the run is over)."""
        self.wanted(set())

    def site(self, name: str) -> Path:
        """The build ``name`` (of ``NAMES``), once it is made."""
        self._finished[name].wait()
        built = self._built[name]
        if isinstance(built, BaseException):
            raise built
        if built is None:
            raise RuntimeError(f"the {name} build was not made: no collected test wanted it")
        return built

    def _build_all(self) -> None:
        cache = site_cache(self.sites["cold"])  # both builds use the one the cold build fills
        for name in self.NAMES:
            if name != "cold":  # started only once the collected tests are known to want it
                with self._decided:
                    self._decided.wait_for(lambda: self._wanted is not None)

            def wanted(name: str = name) -> bool:
                return self._wanted is None or name in self._wanted

            try:
                self._built[name] = built_once(
                    self.sites[name], cache, wanted=wanted, running=self._running
                )
            except BaseException as error:  # handed to the tests that want the build
                self._built[name] = error
            self._finished[name].set()


def derived_project(project: Path, pages: dict[str, str], config: str = "") -> Path:
    """A small site in ``project`` that builds as the site does, from a few pages of its own.

    ``pages`` maps paths under ``docs/`` to their Markdown. ``docs/terms.yml`` is copied (the
    glossary plugin reads it from ``docs/``), the assets and the site's machinery are linked,
    and ``mkdocs.yml`` inherits the site's (``INHERIT``) and ends with ``config``: YAML that
    overrides it (a ``nav``, plugins turned off with ``enabled: false``).
    """
    for path, text in pages.items():
        page = project / "docs" / path
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "docs" / "terms.yml", project / "docs" / "terms.yml")
    (project / "docs" / "assets").symlink_to(ROOT / "docs" / "assets")
    for name in ("snippets", "sitekit", "overrides", "tools", "pyproject.toml", ".git"):
        (project / name).symlink_to(ROOT / name)
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n{config}", encoding="utf-8"
    )
    return project


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
