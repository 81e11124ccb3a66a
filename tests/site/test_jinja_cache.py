"""sitekit/plugins/jinja_cache.py: later builds reuse compiled templates, never stale ones."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from jinja2 import DictLoader, Environment, FileSystemBytecodeCache

from sitekit.plugins import jinja_cache
from sitekit.testing.build import configured


class CountingEnvironment(Environment):
    compiled = 0

    def compile(self, *args, **kwargs):
        CountingEnvironment.compiled += 1
        return super().compile(*args, **kwargs)


@pytest.fixture
def environment(tmp_path):
    CountingEnvironment.compiled = 0
    cache = FileSystemBytecodeCache(str(tmp_path))

    def make(templates: dict[str, str]) -> Environment:
        return CountingEnvironment(loader=DictLoader(templates), bytecode_cache=cache)

    return make


def test_a_new_environment_reuses_the_compiled_template(environment):
    first = environment({"page.html": "Hello {{ name }}"})
    assert first.get_template("page.html").render(name="zh") == "Hello zh"
    second = environment({"page.html": "Hello {{ name }}"})
    assert second.get_template("page.html").render(name="en") == "Hello en"
    assert CountingEnvironment.compiled == 1


def test_an_edited_template_is_compiled_again(environment):
    environment({"page.html": "old {{ name }}"}).get_template("page.html")
    edited = environment({"page.html": "new {{ name }}"}).get_template("page.html")
    assert edited.render(name="x") == "new x"
    assert CountingEnvironment.compiled == 2


def test_the_plugin_gives_the_theme_and_mkdocstrings_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_STUDY_QUESTIONS_CACHE", str(tmp_path))
    handler = SimpleNamespace(env=Environment())
    handlers = SimpleNamespace(get_handler=lambda name: handler if name == "python" else None)
    config = SimpleNamespace(plugins={"mkdocstrings": SimpleNamespace(handlers=handlers)})
    plugin = configured(jinja_cache.JinjaCachePlugin)
    plugin.on_files(None, config)
    theme = plugin.on_env(Environment(loader=DictLoader({"t": "{{ 1 + 1 }}"})), config, None)
    for env in (handler.env, theme):
        assert env.bytecode_cache.directory.startswith(str(tmp_path / "jinja-"))
    assert theme.get_template("t").render() == "2"
    assert len(list(tmp_path.glob("jinja-*/*.cache"))) == 1  # compiled code was stored


def test_other_package_versions_get_another_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_STUDY_QUESTIONS_CACHE", str(tmp_path))
    before = jinja_cache.bytecode_cache().directory
    monkeypatch.setattr(jinja_cache.metadata, "version", lambda package: "0.0")
    assert jinja_cache.bytecode_cache().directory != before
