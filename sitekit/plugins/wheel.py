"""Publish the reader's package as a wheel inside the site, and tell the pages where it is.

The MkDocs plugin ``sitekit-wheel``. Readers get the package that the page examples import
with one command, ``pip install <site_url>downloads/<wheel>``. This plugin builds that wheel
once per build from the project's ``pyproject.toml``, through the build backend it names
(PEP 517, run by pypa/build), so it is the wheel ``pip install <a clone>`` builds:
``tests/site/test_wheel.py`` compares the two. The backend is pinned, and dates every file by
``SOURCE_DATE_EPOCH`` (set from the commit by ``sitekit-reproducible``), so two builds of one
commit give the same bytes (``tests/site/test_reproducible.py``).

Pages name the wheel with placeholders that this plugin fills in before Markdown is rendered:

* ``%%wheel_url%%`` — the absolute URL (``site_url`` + ``downloads/<wheel>``);
* ``%%wheel_name%%`` — the file name, for a relative link ``../downloads/%%wheel_name%%``;
* ``%%wheel_extras%%`` — the package with its extras, for ``pip install "%%wheel_extras%% @ URL"``;
* ``%%torch_version%%`` — the torch version pinned in ``requirements.lock``, which the tests use;
* ``%%torch_lowest%%`` — the lowest torch version the package allows (``pyproject.toml``);
* ``%%torch_lowest_extras%%`` — the lowest one it allows with its extras.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from packaging.requirements import Requirement
from packaging.version import Version

from sitekit import ROOT

log = get_plugin_logger(__name__)
DOWNLOADS = "downloads"
PLACEHOLDER = re.compile(
    r"%%(wheel_url|wheel_name|wheel_extras|torch_version|torch_lowest|torch_lowest_extras)%%"
)


def project_metadata(root: Path = ROOT) -> dict:
    """The ``[project]`` table of ``pyproject.toml``."""
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def extras_requirement(root: Path = ROOT) -> str:
    """What pip installs for the package with every extra, e.g. ``name[a,b]``."""
    project = project_metadata(root)
    return f"{project['name']}[{','.join(project.get('optional-dependencies', {}))}]"


def torch_version(root: Path = ROOT) -> str:
    """The torch version pinned in ``requirements.lock``."""
    lock = (root / "requirements.lock").read_text(encoding="utf-8")
    match = re.search(r"^torch==(\S+)$", lock, flags=re.MULTILINE)
    if match is None:
        raise PluginError("requirements.lock pins no torch version")
    return match[1]


def torch_lowest(with_extras: bool = False, root: Path = ROOT) -> str:
    """The lowest torch version the package's requirements allow (their ``>=`` bounds).

    With ``with_extras``, the highest such bound over the requirements and every extra's.
    """
    project = project_metadata(root)
    requirements = list(project["dependencies"])
    if with_extras:
        requirements += [r for extra in project["optional-dependencies"].values() for r in extra]
    bounds = [
        Version(spec.version)
        for requirement in map(Requirement, requirements)
        if requirement.name == "torch"
        for spec in requirement.specifier
        if spec.operator == ">="
    ]
    if not bounds:
        raise PluginError("pyproject.toml gives torch no lower bound (>=)")
    return str(max(bounds))


def build_wheel(directory: Path, root: Path = ROOT) -> Path:
    """Build the wheel of ``root`` into ``directory`` with its own backend; its path.

    The backend runs from this environment (no isolated download), so it must be the version
    ``pyproject.toml`` pins, or the wheel could differ from the one pip builds from a clone.
    """
    import build
    import pyproject_hooks

    builder = build.ProjectBuilder(root, runner=pyproject_hooks.quiet_subprocess_runner)
    unmet = [req for req in builder.build_system_requires if any(build.check_dependency(req))]
    if unmet:
        raise PluginError(f"the build backend is not installed as pyproject.toml pins it: {unmet}")
    try:
        return Path(builder.build("wheel", directory))
    except build.BuildBackendException as error:
        raise PluginError(f"building the wheel of {root} failed: {error}") from error


class WheelConfig(Config):
    enabled = config_options.Type(bool, default=True)


class WheelPlugin(BasePlugin[WheelConfig]):
    """Build the wheel into ``downloads/`` and fill in the placeholders that name it."""

    def __init__(self) -> None:
        self.wheel: Path | None = None  # built once for both languages' builds
        self.directory: tempfile.TemporaryDirectory | None = None
        self.values: dict[str, str] = {}  # placeholder -> its text, read once per build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that ``mkdocs serve`` keeps this plugin between its rebuilds: the wheel is
        built once per ``mkdocs serve`` (restart it to rebuild), not once per edit."""

    def on_shutdown(self) -> None:
        if self.directory is not None:
            self.directory.cleanup()
        self.directory = self.wheel = None

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        if self.wheel is None:
            self.directory = tempfile.TemporaryDirectory(prefix="cnn-study-questions-wheel-")
            self.wheel = build_wheel(Path(self.directory.name))
            log.debug(f"built {self.wheel.name}")
        uri = f"{DOWNLOADS}/{self.wheel.name}"
        if files.get_file_from_path(uri) is None:
            # A file on disk, not content in memory: mkdocs-static-i18n reads every file's source.
            files.append(File.generated(config, uri, abs_src_path=str(self.wheel)))
        site_url = config.site_url or ""
        if not site_url.startswith(("http://", "https://")):
            raise PluginError("site_url must be an absolute http(s) URL: pages give it to pip")
        self.values = {
            "wheel_url": f"{site_url.rstrip('/')}/{uri}",
            "wheel_name": self.wheel.name,
            "wheel_extras": extras_requirement(),
            "torch_version": torch_version(),
            "torch_lowest": torch_lowest(),
            "torch_lowest_extras": torch_lowest(with_extras=True),
        }
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files):
        if not self.config.enabled:
            return markdown
        assert self.values, "on_files came first"
        return PLACEHOLDER.sub(lambda match: self.values[match[1]], markdown)
