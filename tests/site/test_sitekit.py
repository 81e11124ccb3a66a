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


SYS_PATH_EDITS = {"insert", "append", "extend", "remove", "pop", "clear"}


def is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def sys_path_edits(source: str) -> list[int]:
    """Lines that change ``sys.path`` (reading it, as the copy test's harness does, is fine)."""
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
        "sitekit-lean-code",
        "sitekit-quick-serve",
        "sitekit-moved-anchors",
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
