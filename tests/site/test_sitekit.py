"""The site's machinery is one importable package, sitekit/, of MkDocs plugins written alike.

Every plugin is registered by entry point, named in ``mkdocs.yml``'s ``plugins:`` mapping, has a
typed config whose ``enabled: false`` makes each of its events return at once, and can be
turned off from a configuration that inherits ``mkdocs.yml``.
"""

from __future__ import annotations

import ast
import inspect
from importlib import metadata

import pytest
from mkdocs.config import config_options, load_config
from mkdocs.plugins import BasePlugin

from sitekit.plugins.a11y import CODE_BLOCK, SEARCH_DIALOG
from sitekit.testing.build import ROOT, build_site, configured, derived_project, site_cache

PYTHON_DIRS = ["sitekit", "tools", "tests", "snippets"]


def python_files():
    yield ROOT / "conftest.py"
    for directory in PYTHON_DIRS:
        yield from sorted((ROOT / directory).rglob("*.py"))


SYS_PATH_EDITS = {"insert", "append", "extend", "remove", "pop", "clear"}


def is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def sys_path_edits(source: str) -> list[int]:
    """Lines that change ``sys.path`` (reading it, as the kernel's probe does, is fine)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SYS_PATH_EDITS
            and is_sys_path(node.func.value)
        ):
            lines.append(node.lineno)
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if is_sys_path(target) or (
                isinstance(target, ast.Subscript) and is_sys_path(target.value)
            ):
                lines.append(node.lineno)
    return lines


def test_the_sys_path_check_finds_every_kind_of_edit():
    source = "import sys\nsys.path.insert(0, 'x')\nsys.path += ['y']\nsys.path[0] = 'z'\n"
    assert sorted(sys_path_edits(source + "print(sys.path)\n")) == [2, 3, 4]


def test_no_module_edits_sys_path():
    edits = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files()
        for line in sys_path_edits(path.read_text(encoding="utf-8"))
    ]
    assert edits == [], "import from the installed package instead of editing sys.path"


REGISTERED = {
    point.name: point.load()
    for point in metadata.entry_points(group="mkdocs.plugins")
    if point.name.startswith("sitekit-")
}


def test_every_sitekit_plugin_is_registered_and_used():
    assert set(REGISTERED) == {
        "sitekit-reproducible",
        "sitekit-terms",
        "sitekit-katex",
        "sitekit-i18n-site",
        "sitekit-jinja-cache",
        "sitekit-lean-code",
        "sitekit-moved-anchors",
        "sitekit-quick-serve",
        "sitekit-a11y",
        "sitekit-wheel",
        "sitekit-notebooks",
    }
    assert all(issubclass(plugin, BasePlugin) for plugin in REGISTERED.values())
    config = load_config(str(ROOT / "mkdocs.yml"))
    names = list(config.plugins)
    assert set(REGISTERED) <= set(names)
    assert names.index("i18n") < names.index("sitekit-i18n-site")
    assert not config.hooks, "one kind of extension: plugins"
    assert all(
        isinstance(plugin, REGISTERED[name])
        for name, plugin in config.plugins.items()
        if name in REGISTERED
    )


@pytest.mark.parametrize("name", sorted(REGISTERED))
def test_a_plugin_has_a_typed_config_that_it_can_be_turned_off_by(name):
    plugin_class = REGISTERED[name]
    options = dict(plugin_class.config_class._schema)
    assert isinstance(options.get("enabled"), config_options.Type), f"{name}: no typed `enabled`"
    assert options["enabled"].default is True
    assert configured(plugin_class).config.enabled is True
    assert configured(plugin_class, enabled=False).config.enabled is False


class Untouchable:
    """An event's argument that fails the test when a plugin reads anything from it."""

    def __getattr__(self, name):
        raise AssertionError(f"a turned-off plugin read .{name}")

    def __getitem__(self, key):
        raise AssertionError(f"a turned-off plugin read [{key!r}]")

    def __contains__(self, item):
        raise AssertionError(f"a turned-off plugin looked for {item!r}")

    def __iter__(self):
        raise AssertionError("a turned-off plugin iterated over an argument")


@pytest.mark.parametrize("name", sorted(REGISTERED))
def test_every_event_of_a_turned_off_plugin_returns_at_once(name):
    plugin = configured(REGISTERED[name], enabled=False)
    events = [
        event for event in dir(plugin) if event.startswith("on_") and event in vars(type(plugin))
    ]
    assert events, f"{name} handles no event"
    for event in events:
        parameters = inspect.signature(getattr(plugin, event)).parameters.values()
        positional = [Untouchable() for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        keywords = {p.name: Untouchable() for p in parameters if p.kind is p.KEYWORD_ONLY}
        result = getattr(plugin, event)(*positional, **keywords)
        assert result is None or result is positional[0], f"{name}.{event} changed its input"


def test_a_derived_config_turns_off_the_plugins_it_names_and_no_other(tmp_path):
    """``INHERIT: mkdocs.yml`` merges mappings, so one line per plugin turns it off."""
    for name in ("docs", "overrides", "tools", "snippets", "sitekit"):  # its relative paths
        (tmp_path / name).symlink_to(ROOT / name)
    derived = tmp_path / "mkdocs.yml"
    lines = [f"INHERIT: {ROOT / 'mkdocs.yml'}", "plugins:"]
    off = sorted(REGISTERED)[::2]  # every other one, to see that the rest stay on
    lines += [f"  {name}: {{enabled: false}}" for name in off]
    derived.write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = load_config(str(ROOT / "mkdocs.yml"))
    config = load_config(str(derived))
    assert list(config.plugins) == list(base.plugins)  # nothing added, nothing reordered
    for name in REGISTERED:
        assert config.plugins[name].config.enabled is (name not in off), name


def test_a_derived_site_without_one_plugin_builds_without_its_effect(built_site, tmp_path):
    """A small site whose configuration inherits ``mkdocs.yml`` and turns ``sitekit-a11y`` off:
    it builds, and its pages lack what that plugin adds (the built site has it)."""
    project = tmp_path / "project"
    home = "# {} {{ #home }}\n\n```python\nprint(1)\n#> 1\n```\n"
    pages = {"zh/index.md": home.format("首页"), "en/index.md": home.format("Home")}
    derived_project(
        project, pages, "nav: [{首页: index.md}]\nplugins:\n  sitekit-a11y: {enabled: false}\n"
    )
    build_site(project / "site", cache=site_cache(built_site), root=project)
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert SEARCH_DIALOG in home and CODE_BLOCK in home  # as the theme wrote them
    published = (built_site / "index.html").read_text(encoding="utf-8")
    assert SEARCH_DIALOG not in published and CODE_BLOCK not in published
    assert 'role="dialog" aria-label="搜索"' in published and '<code tabindex="0">' in published
