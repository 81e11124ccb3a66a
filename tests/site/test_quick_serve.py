"""sitekit-quick-serve: ``make serve`` rebuilds only the edited page, and stays correct."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitekit.compat import drop_dirty_notice
from sitekit.plugins.quick_serve import QuickServePlugin, merge_entries, only_pages_edited
from sitekit.testing.build import configured, derived_project
from sitekit.testing.serving import free_port


def locations(entries: list[dict]) -> list[str]:
    return [entry["location"] for entry in entries]


def test_a_rebuilt_page_replaces_its_own_entries_in_place():
    before = [{"location": loc} for loc in ("", "#a", "losses/", "losses/#mse", "glossary/")]
    rebuilt = [{"location": "losses/"}, {"location": "losses/#bce"}, {"location": "new/"}]
    assert locations(merge_entries(before, rebuilt)) == [
        "",
        "#a",
        "losses/",
        "losses/#bce",
        "glossary/",
        "new/",
    ]


def test_rebuilding_the_home_page_keeps_the_other_pages():
    # Material's own merge dropped every entry starting with "" (the home page's location).
    before = [{"location": loc} for loc in ("", "#a", "losses/")]
    assert locations(merge_entries(before, [{"location": ""}])) == ["", "losses/"]


def test_only_an_edit_to_an_existing_page_is_the_quick_case():
    page = {"docs/zh/a.md": 1.0, "snippets/a.py": 1.0}
    assert only_pages_edited(page, {**page, "docs/zh/a.md": 2.0}, "docs/")
    assert not only_pages_edited(page, {**page, "snippets/a.py": 2.0}, "docs/")
    assert not only_pages_edited(page, {**page, "docs/terms.yml": 1.0}, "docs/")  # added
    assert not only_pages_edited(page, {"docs/zh/a.md": 1.0}, "docs/")  # removed
    assert not only_pages_edited({}, page, "docs/")  # the first build


def fake_config(root: Path) -> SimpleNamespace:
    return SimpleNamespace(
        config_file_path=str(root / "mkdocs.yml"),
        docs_dir=str(root / "docs"),
        watch=[str(root / "snippets")],
        plugins={"i18n": SimpleNamespace(current_language="zh", default_language="zh")},
    )


def test_the_plugin_rebuilds_every_page_when_included_code_changed(tmp_path):
    for name in ("mkdocs.yml", "docs/zh/a.md", "snippets/a.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    plugin, config = configured(QuickServePlugin), fake_config(tmp_path)
    plugin.on_startup(command="serve", dirty=True)
    plugin.on_pre_build(config)
    assert plugin.rebuild_all  # the first build
    os.utime(tmp_path / "docs/zh/a.md", (0, 10))
    plugin.on_pre_build(config)
    assert not plugin.rebuild_all
    os.utime(tmp_path / "snippets/a.py", (0, 10))
    plugin.on_pre_build(config)
    assert plugin.rebuild_all


def test_only_the_dirty_notice_is_dropped():
    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("mkdocs.commands.build", logging.WARNING, "", 0, message, (), None)

    assert not drop_dirty_notice(record("A 'dirty' build is being performed, this will ..."))
    assert drop_dirty_notice(record("Doc file 'a.md' contains a link to 'b.md', not found"))


# A site of three pages in each language, built from the site's own configuration: what the
# plugin does (which pages a change rebuilds, how the search indexes are merged) does not depend
# on how many pages there are, and a serve of this site starts in a second.
SMALL_SITE = {
    "index.md": ("首页", "Home"),
    "losses/index.md": ("损失函数", "Loss functions"),
    "glossary.md": ("术语表", "Glossary"),
}


def small_project(tmp_path: Path) -> Path:
    """A site of ``SMALL_SITE``'s pages, its configuration ``mkdocs.yml`` with their nav; its
    ``docs/`` copied (the test edits it), the rest of the site's inputs linked."""
    pages = {}
    for name, titles in SMALL_SITE.items():
        for language, title in zip(("zh", "en"), titles, strict=True):
            anchor = Path(name).parent.name or Path(name).stem
            pages[f"{language}/{name}"] = (
                f"# {title} {{ #{anchor} }}\n\n{title}: a page of the small site.\n\n"
                f"## {title} 2 {{ #{anchor}-2 }}\n\n```python\nprint(1)\n#> 1\n```\n"
            )
    nav = ", ".join(f"{{{titles[0]}: {name}}}" for name, titles in SMALL_SITE.items())
    return derived_project(tmp_path / "project", pages, f"nav: [{nav}]\n")


def read_json(url: str) -> dict:
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def read_text(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        return response.read().decode()


@pytest.mark.xdist_group("quick-serve")
def test_an_edited_page_is_rebuilt_alone_and_each_search_index_stays_whole(tmp_path):
    project = small_project(tmp_path)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "--dirty",
        "--dev-addr",
        f"127.0.0.1:{port}",
    ]
    # What the server leaves in the temporary directory when it is stopped (the wheel it built)
    # stays in this test's directory.
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp_path / "tmp")}
    server = subprocess.Popen(
        command, cwd=project, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(server.stderr), daemon=True).start()

    def wait_for(text: str, since: int) -> None:
        deadline = time.monotonic() + 120
        while not any(text in line for line in log[since:]):
            assert server.poll() is None, "mkdocs serve stopped:\n" + "".join(log)
            assert time.monotonic() < deadline, f"no {text!r} in:\n" + "".join(log)
            time.sleep(0.05)

    try:
        wait_for("Serving on", 0)
        url = f"http://127.0.0.1:{port}/"
        indexes = {lang: read_json(f"{url}{lang}search/search_index.json") for lang in ("", "en/")}
        glossary_mtime = Path(server_site(log), "glossary", "index.html").stat().st_mtime
        for page, word in (
            ("zh/losses/index.md", "quickrebuildlosses"),
            ("zh/index.md", "quickrebuildhome"),
        ):
            time.sleep(1.1)  # a new modification time, and past the watcher's settle delay
            since = len(log)
            with (project / "docs" / page).open("a", encoding="utf-8") as file:
                file.write(f"\n{word}\n")
            wait_for("Reloading browsers", since)
            assert not any("ERROR" in line or "Aborted" in line for line in log[since:]), log
            path = "" if page == "zh/index.md" else "losses/"
            assert word in read_text(url + path)
            zh = read_json(url + "search/search_index.json")
            en = read_json(url + "en/search/search_index.json")
            assert en == indexes["en/"]
            pages = {entry["location"].split("#")[0] for entry in zh["docs"]}
            assert pages == {e["location"].split("#")[0] for e in indexes[""]["docs"]}
            on_page = [e for e in zh["docs"] if e["location"].split("#")[0] == path]
            assert any(word in entry["text"] for entry in on_page)
        # The other pages were not written again.
        assert Path(server_site(log), "glossary", "index.html").stat().st_mtime == glossary_mtime
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def server_site(log: list[str]) -> str:
    """The temporary directory ``mkdocs serve`` builds into, from its log."""
    for line in log:
        if "Building 'zh' documentation to directory:" in line:
            return line.rsplit(":", 1)[1].strip()
    raise AssertionError("no build directory in the log:\n" + "".join(log))
