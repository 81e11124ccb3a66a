"""The wheel the site publishes (sitekit-wheel): what it holds, that pages name it, and that it is
the wheel pip builds from a clone of the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from sitekit.plugins import wheel
from sitekit.plugins.reproducible import commit_time
from sitekit.testing.build import ROOT, clone, site_wheel


def contents(path: Path) -> dict[str, bytes]:
    """Every file of a wheel by its name inside it, in the wheel's order."""
    with zipfile.ZipFile(path) as built:
        assert built.testzip() is None
        return {name: built.read(name) for name in built.namelist()}


def package_files(pattern: str) -> list[str]:
    """The files under ``snippets/`` that match ``pattern``, as paths in the wheel."""
    found = (ROOT / "snippets").rglob(pattern)
    return sorted(
        path.relative_to(ROOT).as_posix() for path in found if "__pycache__" not in path.parts
    )


def test_the_wheel_holds_every_module_and_the_results_files(built_site):
    names = list(contents(site_wheel(built_site)))
    assert sorted(name for name in names if name.endswith(".py")) == package_files("*.py")
    results = sorted(name for name in names if name.startswith("snippets/results/"))
    assert results == package_files("*.json")
    assert "snippets/results/resnet-digits.json" in names
    assert {name.split("/")[0] for name in names} == {
        "snippets",
        "cnn_study_questions-0.1.0.dist-info",
    }
    assert names[-1] == "cnn_study_questions-0.1.0.dist-info/RECORD"


def test_the_wheel_needs_only_torch_and_publishes_two_extras(built_site):
    files = contents(site_wheel(built_site))
    metadata = Parser().parsestr(files["cnn_study_questions-0.1.0.dist-info/METADATA"].decode())
    requires = metadata.get_all("Requires-Dist")
    assert [need for need in requires if "extra ==" not in need] == ["torch<2.14,>=2.13"]
    assert sorted(metadata.get_all("Provides-Extra")) == ["experiment", "figures"]
    assert any(need.startswith("scikit-learn") for need in requires)
    assert wheel.extras_requirement() == "cnn-study-questions[figures,experiment]"


def test_the_site_serves_the_wheel_and_fills_in_every_placeholder(built_site):
    served = site_wheel(built_site)
    assert served.name == "cnn_study_questions-0.1.0-py3-none-any.whl"
    pages = list(built_site.rglob("*.html"))
    assert len(pages) >= 12
    leftovers = [page for page in pages if "%%" in page.read_text(encoding="utf-8")]
    assert leftovers == []
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert f'href="downloads/{served.name}"' in home
    assert f"<code>torch=={wheel.torch_version()}</code>" in home


def test_the_sites_wheel_is_what_pip_builds_from_a_clone(built_site, tmp_path):
    """``pip install <a clone>`` installs the package the site publishes: same files, same bytes.

    pip builds in an isolated environment with the backend ``pyproject.toml`` pins, dated (as
    the site's build is) by the commit; and the build leaves nothing behind in the clone.
    """
    source = clone(tmp_path / "clone")
    env = {**os.environ, "SOURCE_DATE_EPOCH": commit_time(ROOT)}
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    command += ["--wheel-dir", str(tmp_path / "wheels"), str(source)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (tmp_path / "wheels").glob("*.whl")
    ours = site_wheel(built_site)
    assert built.name == ours.name
    theirs, published = contents(built), contents(ours)
    assert list(theirs) == list(published)
    assert [name for name in theirs if theirs[name] != published[name]] == []
    assert built.read_bytes() == ours.read_bytes()
    left = subprocess.run(  # every file not checked out, ignored ones included
        ["git", "ls-files", "--others"], cwd=source, capture_output=True, text=True, check=True
    )
    assert left.stdout == "", f"the build left files in the clone:\n{left.stdout}"


def test_two_builds_of_the_wheel_are_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "315532800")  # 1980-01-01, the earliest zip date
    first = wheel.build_wheel(tmp_path / "first")
    second = wheel.build_wheel(tmp_path / "second")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as built:
        assert {info.date_time for info in built.infolist()} == {(1980, 1, 1, 0, 0, 0)}
