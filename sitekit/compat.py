"""Every reach into another package's private names, in one place, so an upgrade breaks here.

Each reach is a :class:`Reach`: the package, where the name lives, and why the site needs it
(no public API does the job). The functions below are the only code that touches those names;
before touching one, they check it is still there and raise :class:`Moved`, naming the package,
its installed version and the attribute, when an upgrade has moved it.
``tests/site/test_compat.py`` runs every one of them against the installed packages.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from mkdocs.exceptions import PluginError


@dataclass(frozen=True)
class Reach:
    package: str  # the distribution that owns the name
    owner: str  # the object that holds it
    name: str
    why: str


SEARCH_INDEX_PREV = Reach(
    "mkdocs-material",
    "material.plugins.search.plugin.SearchPlugin",
    "search_index_prev",
    "in a dirty build the search plugin merges the previous index into the new one, which mixes "
    "the languages; sitekit-quick-serve merges per language instead",
)
IS_MODIFIED = Reach(
    "mkdocs",
    "mkdocs.structure.files.File",
    "is_modified",
    "a dirty build rebuilds a page only if its File says it is modified; sitekit-quick-serve "
    "says so for every page when more than a page's Markdown changed",
)
HANDLERS_LOCALE = Reach(
    "mkdocstrings",
    "mkdocstrings.Handlers",
    "_locale",
    "mkdocstrings reads its locale once, before mkdocs-static-i18n switches language; "
    "sitekit-i18n-site sets it per language build",
)
RECONFIGURE_SEARCH_INDEX = Reach(
    "mkdocs-static-i18n",
    "mkdocs_static_i18n.plugin.I18n",
    "reconfigure_search_index",
    "it stacks every language into one search index; sitekit-i18n-site keeps one per language",
)
DIRTY_LOGGER = "mkdocs.commands.build"
DIRTY_NOTICE = Reach(
    "mkdocs",
    f"the logger {DIRTY_LOGGER}",
    "A 'dirty' build is being performed",
    "strict mode turns this warning into an aborted build; sitekit-quick-serve drops it",
)
MARKDOWN_DOCS_RUNNERS = Reach(
    "pytest-markdown-docs",
    "pytest_markdown_docs._runners",
    "DefaultRunner, register_runner",
    "the #> output check replaces the default runner; the project documents no other hook",
)
REACHES = (
    SEARCH_INDEX_PREV,
    IS_MODIFIED,
    HANDLERS_LOCALE,
    RECONFIGURE_SEARCH_INDEX,
    DIRTY_NOTICE,
    MARKDOWN_DOCS_RUNNERS,
)


class Moved(PluginError):
    """A private name that sitekit reaches for is not where it was."""

    def __init__(self, reach: Reach) -> None:
        try:
            version = metadata.version(reach.package)
        except metadata.PackageNotFoundError:
            version = "(not installed)"
        super().__init__(
            f"{reach.package} {version}: {reach.owner} has no {reach.name!r}. sitekit/compat.py "
            f"reaches for it because {reach.why}. Find what replaced it, or pin the version that "
            "had it."
        )
        self.reach = reach


def _held(owner: object, reach: Reach) -> None:
    if not hasattr(owner, reach.name):
        raise Moved(reach)


def forget_previous_search_index(search: Any) -> None:
    """Stop Material's search plugin from merging the previous build's index into this one."""
    _held(search, SEARCH_INDEX_PREV)
    search.search_index_prev = None


def rebuild_in_dirty_build(file: Any) -> None:
    """Make a dirty build render ``file`` (a ``mkdocs.structure.files.File``) again."""
    _held(file, IS_MODIFIED)
    file.is_modified = lambda: True


def set_mkdocstrings_locale(mkdocstrings: Any, locale: str) -> None:
    """Render the API reference in ``locale`` from now on (the mkdocstrings plugin's handlers)."""
    _held(mkdocstrings.handlers, HANDLERS_LOCALE)
    mkdocstrings.handlers._locale = locale


def keep_search_indexes_apart(i18n: Any) -> None:
    """Stop mkdocs-static-i18n from stacking every language into the default one's index."""
    _held(i18n, RECONFIGURE_SEARCH_INDEX)
    i18n.reconfigure_search_index = lambda config: None


def drop_dirty_notice(record: logging.LogRecord) -> bool:
    """A logging filter: ``False`` for MkDocs' dirty-build notice only."""
    return not record.getMessage().startswith(DIRTY_NOTICE.name)


def filter_dirty_notice() -> None:
    """Drop MkDocs' warning that a dirty build is being performed; every other warning stays."""
    logging.getLogger(DIRTY_LOGGER).addFilter(drop_dirty_notice)


def markdown_docs_runners() -> tuple[type, Any]:
    """pytest-markdown-docs' ``DefaultRunner`` class and its ``register_runner`` decorator."""
    try:
        runners = importlib.import_module(MARKDOWN_DOCS_RUNNERS.owner)
    except ImportError as error:
        raise Moved(MARKDOWN_DOCS_RUNNERS) from error
    names = [name.strip() for name in MARKDOWN_DOCS_RUNNERS.name.split(",")]
    if not all(hasattr(runners, name) for name in names):
        raise Moved(MARKDOWN_DOCS_RUNNERS)
    return tuple(getattr(runners, name) for name in names)
