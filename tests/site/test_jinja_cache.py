"""hooks/jinja_cache.py: the second language build reuses compiled templates, never stale ones."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from hooks.jinja_cache import MemoryBytecodeCache


class CountingEnvironment(Environment):
    compiled = 0

    def compile(self, *args, **kwargs):
        CountingEnvironment.compiled += 1
        return super().compile(*args, **kwargs)


@pytest.fixture
def environment():
    CountingEnvironment.compiled = 0

    def make(templates: dict[str, str], cache: MemoryBytecodeCache) -> Environment:
        return CountingEnvironment(loader=DictLoader(templates), bytecode_cache=cache)

    return make


def test_a_new_environment_reuses_the_compiled_template(environment):
    cache = MemoryBytecodeCache()
    first = environment({"page.html": "Hello {{ name }}"}, cache)
    assert first.get_template("page.html").render(name="zh") == "Hello zh"
    second = environment({"page.html": "Hello {{ name }}"}, cache)
    assert second.get_template("page.html").render(name="en") == "Hello en"
    assert CountingEnvironment.compiled == 1


def test_an_edited_template_is_compiled_again(environment):
    cache = MemoryBytecodeCache()
    environment({"page.html": "old {{ name }}"}, cache).get_template("page.html")
    edited = environment({"page.html": "new {{ name }}"}, cache).get_template("page.html")
    assert edited.render(name="x") == "new x"
    assert CountingEnvironment.compiled == 2
