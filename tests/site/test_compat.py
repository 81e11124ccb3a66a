"""Every private name sitekit reaches for is still in the installed packages (sitekit/compat.py).

Each test runs a reach of ``sitekit.compat`` against a real object of the package it reaches
into; after an upgrade that moves the name, the reach raises ``compat.Moved``, whose message
names the package, its version and the attribute.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from types import SimpleNamespace

import mkdocs.commands.build
import pytest
from material.plugins.search.plugin import SearchPlugin
from mkdocs.structure.files import File
from mkdocs_static_i18n.plugin import I18n
from mkdocstrings import Handlers

from sitekit import compat


def test_material_search_keeps_the_previous_index_where_quick_serve_clears_it():
    search = SearchPlugin()
    search.search_index_prev = object()
    compat.forget_previous_search_index(search)
    assert search.search_index_prev is None


def test_a_dirty_build_asks_each_file_whether_it_is_modified():
    file = File("a.md", "/docs", "/site", use_directory_urls=True)
    compat.rebuild_in_dirty_build(file)
    assert file.is_modified() is True
    assert "file.is_modified()" in inspect.getsource(mkdocs.commands.build)


def test_mkdocstrings_handlers_keep_their_locale_where_i18n_site_sets_it():
    handlers = Handlers(theme="material", default="python", inventory_project="p", tool_config={})
    plugin = SimpleNamespace(handlers=handlers)
    compat.set_mkdocstrings_locale(plugin, "zh")
    assert handlers._locale == "zh"


def test_static_i18n_stacks_the_search_indexes_in_the_method_i18n_site_replaces():
    i18n = I18n()
    assert callable(i18n.reconfigure_search_index)
    compat.keep_search_indexes_apart(i18n)
    assert i18n.reconfigure_search_index(None) is None


def test_mkdocs_warns_of_a_dirty_build_in_the_words_quick_serve_drops():
    assert mkdocs.commands.build.log.name == compat.DIRTY_LOGGER
    assert compat.DIRTY_NOTICE.name in inspect.getsource(mkdocs.commands.build)
    notice = logging.LogRecord(compat.DIRTY_LOGGER, logging.WARNING, "", 0, "", (), None)
    notice.msg = compat.DIRTY_NOTICE.name + ", this will likely lead to inaccurate navigation"
    assert not compat.drop_dirty_notice(notice)
    logger = logging.getLogger(compat.DIRTY_LOGGER)
    compat.filter_dirty_notice()
    try:
        assert compat.drop_dirty_notice in logger.filters
    finally:
        logger.removeFilter(compat.drop_dirty_notice)


def test_pytest_markdown_docs_still_lets_a_runner_replace_its_default():
    default_runner, register_runner = compat.markdown_docs_runners()
    assert inspect.isclass(default_runner) and callable(register_runner)
    assert callable(default_runner.runtest)


@pytest.mark.parametrize(
    ("reach", "call"),
    [
        (compat.SEARCH_INDEX_PREV, compat.forget_previous_search_index),
        (compat.IS_MODIFIED, compat.rebuild_in_dirty_build),
        (compat.RECONFIGURE_SEARCH_INDEX, compat.keep_search_indexes_apart),
    ],
)
def test_a_name_that_moved_fails_loudly_naming_package_and_attribute(reach, call):
    with pytest.raises(compat.Moved, match=rf"^{reach.package} \S+: .*'{reach.name}'"):
        call(SimpleNamespace())


def test_a_moved_locale_fails_loudly_too():
    with pytest.raises(compat.Moved, match=r"^mkdocstrings \S+: mkdocstrings.Handlers .*'_locale'"):
        compat.set_mkdocstrings_locale(SimpleNamespace(handlers=SimpleNamespace()), "zh")


def test_every_reach_is_run_by_a_test_here():
    here = Path(__file__).read_text(encoding="utf-8")
    reaches = [
        name
        for name, value in vars(compat).items()
        if inspect.isfunction(value) and value.__module__ == compat.__name__
        if not name.startswith("_")
    ]
    assert [name for name in reaches if f"compat.{name}(" not in here] == []
