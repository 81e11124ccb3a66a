"""The wheel the site publishes (sitekit-wheel): what it holds, that pages name it, that it is
the wheel pip builds from a clone of the repository, and that pip installs it beside the
reader's own PyTorch."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import venv
import zipfile
from concurrent.futures import ThreadPoolExecutor
from email.parser import Parser
from pathlib import Path

import pytest

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
    assert [need for need in requires if "extra ==" not in need] == ["torch<3,>=2.1"]
    assert sorted(metadata.get_all("Provides-Extra")) == ["experiment", "figures"]
    assert any(need.startswith("scikit-learn") for need in requires)
    for extra in ("figures", "experiment"):
        assert f"torch<3,>=2.3; extra == '{extra}'" in requires
    assert wheel.extras_requirement() == "cnn-study-questions[figures,experiment]"
    assert (wheel.torch_lowest(), wheel.torch_lowest(with_extras=True)) == ("2.1", "2.3")


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
    assert f"适用于 {wheel.torch_lowest()} 及以后的任何 PyTorch 2 版本" in home
    assert f"PyTorch 从 {wheel.torch_lowest(with_extras=True)} 版起" in home
    english = (built_site / "en" / "index.html").read_text(encoding="utf-8")
    assert f"<code>torch=={wheel.torch_version()}</code>" in english
    assert f"any PyTorch 2 from {wheel.torch_lowest()} on" in english
    assert f"from {wheel.torch_lowest(with_extras=True)} on" in english


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


# --- Beside the reader's PyTorch -------------------------------------------------------------
# pip's resolver, offline, in throwaway environments whose "installed" PyTorch is a stub (a
# dist-info and nothing else), with a torch wheel on offer as PyPI would offer one: installing
# the wheel keeps a PyTorch it supports and replaces only one it does not.

EXTRAS = "[figures,experiment]"
# (the reader's torch, extras asked for, pip keeps that torch)
READERS = [
    pytest.param("2.14.1", "", True, id="a release newer than the tested one"),
    pytest.param("2.1.0", "", True, id="the first with torch.utils.flop_counter"),
    pytest.param("2.0.1", "", False, id="the last without it"),
    pytest.param("2.3.0", EXTRAS, True, id="with the extras: the first built against NumPy 2"),
    pytest.param("2.2.2", EXTRAS, False, id="with the extras: the last built against NumPy 1"),
]


def stub_metadata(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"


def stub_installed(site_packages: Path, name: str, version: str) -> None:
    """What pip sees of an installed distribution (its dist-info), without any of its code."""
    info = site_packages / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(stub_metadata(name, version), encoding="utf-8")
    (info / "INSTALLER").write_text("pip\n", encoding="utf-8")
    files = ["METADATA", "INSTALLER", "RECORD"]
    (info / "RECORD").write_text("".join(f"{info.name}/{f},,\n" for f in files), "utf-8")


def stub_wheel(directory: Path, name: str, version: str) -> None:
    """A wheel of ``name`` that pip can choose (it is never installed: the runs are dry)."""
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(directory / f"{name}-{version}-py3-none-any.whl", "w") as built:
        built.writestr(f"{info}/METADATA", stub_metadata(name, version))
        built.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
        built.writestr(f"{info}/RECORD", "")


def locked(name: str) -> str:
    """The version of ``name`` that requirements.lock pins."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return re.search(rf"^{re.escape(name)}==([^\s+]+)", lock, flags=re.MULTILINE)[1]


def dry_install(home: Path, links: Path, wheel_file: Path, torch: str, extras: str) -> set[str]:
    """The names pip would install into an environment holding stub ``torch`` (and, with
    ``extras``, the extras' packages as the lock pins them), offline, from ``links``."""
    venv.create(home, with_pip=False, symlinks=True)
    (site_packages,) = (home / "lib").glob("python3.*/site-packages")
    stub_installed(site_packages, "torch", torch)
    if extras:
        for name in ("numpy", "matplotlib", "scikit-learn", "tqdm"):
            stub_installed(site_packages, name, locked(name))
    env = {name: value for name, value in os.environ.items() if not name.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no pip.conf: no index, no find-links, no constraints
    command = [sys.executable, "-m", "pip", "--python", str(home / "bin" / "python"), "install"]
    command += ["--dry-run", "--no-index", "--find-links", str(links), "--no-cache-dir"]
    command += ["--quiet", "--report", "-", f"cnn-study-questions{extras} @ {wheel_file.as_uri()}"]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return {item["metadata"]["name"] for item in json.loads(result.stdout)["install"]}


@pytest.fixture(scope="module")
def resolutions(tmp_path_factory) -> dict[tuple[str, str], set[str]]:
    """What pip would install for each row of ``READERS``, the runs side by side."""
    home = tmp_path_factory.mktemp("resolver")
    links = home / "links"
    links.mkdir()
    built = wheel.build_wheel(links)
    stub_wheel(links, "torch", locked("torch"))  # on offer, as PyPI would offer a torch
    rows = [(row.values[0], row.values[1]) for row in READERS]
    with ThreadPoolExecutor(max_workers=len(rows)) as pool:
        runs = {
            (torch, extras): pool.submit(
                dry_install, home / f"env-{number}", links, built, torch, extras
            )
            for number, (torch, extras) in enumerate(rows)
        }
        return {row: run.result() for row, run in runs.items()}


@pytest.mark.xdist_group("wheel-resolver")
@pytest.mark.parametrize(("torch", "extras", "kept"), READERS)
def test_installing_the_wheel_keeps_the_readers_torch_if_it_is_supported(
    resolutions, torch, extras, kept
):
    installs = resolutions[torch, extras]
    assert "cnn-study-questions" in installs
    assert ("torch" not in installs) is kept


def test_the_wheel_plugin_removes_its_temporary_directory_when_mkdocs_shuts_down(tmp_path):
    plugin = wheel.WheelPlugin()
    plugin.directory = tempfile.TemporaryDirectory(dir=tmp_path)
    plugin.wheel = Path(plugin.directory.name) / "cnn_study_questions-0.1.0-py3-none-any.whl"
    plugin.on_shutdown()  # after a build, and when `mkdocs serve` stops
    assert list(tmp_path.iterdir()) == []
    assert plugin.wheel is None
