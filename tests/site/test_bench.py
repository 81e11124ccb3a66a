"""``make bench`` switches plugins off by a derived configuration, never by editing a file."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from mkdocs.config import load_config

from sitekit import ROOT


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    return importlib.import_module("bench")


def switched_on(config_file) -> list[str]:
    config = load_config(str(config_file))
    return [name for name, plugin in config.plugins.items() if plugin.config.get("enabled", True)]


def test_a_derived_config_switches_off_the_plugin_it_names_and_leaves_mkdocs_yml_as_it_was(
    bench, tmp_path
):
    before = (ROOT / "mkdocs.yml").read_bytes()
    everything = switched_on(bench.derived_config(tmp_path))
    derived = bench.derived_config(tmp_path, ("sitekit-lean-code",))
    assert derived.parent == tmp_path
    assert switched_on(derived) == [name for name in everything if name != "sitekit-lean-code"]
    assert (ROOT / "mkdocs.yml").read_bytes() == before


def test_the_floor_is_material_with_i18n_search_and_the_glossary_and_no_template_override(
    bench, tmp_path
):
    floor = bench.derived_config(tmp_path, ("floor",))
    assert switched_on(floor) == ["material/search", "i18n", "autorefs", "sitekit-terms"]
    overrides = Path(load_config(str(floor)).theme.custom_dir)
    assert overrides.is_dir() and not any(overrides.iterdir())
