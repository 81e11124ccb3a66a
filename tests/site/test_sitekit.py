"""The site's machinery is one importable package, sitekit/: plugins by entry point."""

from __future__ import annotations

import ast
import re
from importlib import metadata

import yaml
from mkdocs.plugins import BasePlugin

from sitekit.build import ROOT

PYTHON_DIRS = ["sitekit", "hooks", "tools", "tests", "snippets"]


def python_files():
    yield ROOT / "conftest.py"
    for directory in PYTHON_DIRS:
        yield from sorted((ROOT / directory).rglob("*.py"))


def test_no_module_edits_sys_path():
    edits = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in python_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    ]
    assert edits == [], "import from the installed package instead of editing sys.path"


def test_hooks_keep_no_state():
    """A module-level `global` in a hook is state: such machinery is a plugin in sitekit/."""
    stateful = [
        path.name
        for path in sorted((ROOT / "hooks").glob("*.py"))
        if any(isinstance(n, ast.Global) for n in ast.walk(ast.parse(path.read_text("utf-8"))))
    ]
    assert stateful == []


def test_every_sitekit_plugin_is_registered_and_used():
    registered = {
        point.name: point.load()
        for point in metadata.entry_points(group="mkdocs.plugins")
        if point.name.startswith("sitekit-")
    }
    assert set(registered) == {
        "sitekit-terms",
        "sitekit-katex",
        "sitekit-i18n-site",
        "sitekit-jinja-cache",
    }
    assert all(issubclass(plugin, BasePlugin) for plugin in registered.values())

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert set(registered) <= set(names)
    assert names.index("i18n") < names.index("sitekit-i18n-site")
    assert all(re.fullmatch(r"hooks/\w+\.py", hook) for hook in config["hooks"])
