"""Publish the ``snippets`` package as a wheel inside the site, and tell the pages where it is.

Readers get the package the page examples import with one command,
``pip install <site_url>downloads/<wheel>``. This hook writes that wheel during every build
(``downloads/cnn_study_questions-<version>-py3-none-any.whl``, a generated file of the site) from
the project itself: every ``snippets/*.py`` module, plus the committed results files that pages
read (``snippets/results/*``, read by
``snippets.data.load_json``). Its metadata comes from ``pyproject.toml``: the required
dependencies, and the extras published for readers (``PUBLISHED_EXTRAS``).

The wheel is a zip written here, byte for byte the same for the same sources: entries in sorted
order, one fixed timestamp and mode (two builds must be byte-identical, see
``tests/site/test_reproducible.py``). Building it takes milliseconds, so it is not cached.

Pages name the wheel with placeholders that this hook fills in before Markdown is rendered:

* ``%%wheel_url%%`` — the absolute URL (``site_url`` + ``downloads/<wheel>``);
* ``%%wheel_name%%`` — the file name, for a relative link ``../downloads/%%wheel_name%%``;
* ``%%wheel_extras%%`` — the package with its extras, for ``pip install "%%wheel_extras%% @ URL"``;
* ``%%torch_version%%`` — the torch version pinned in ``requirements.lock``, which the tests use.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tempfile
import tomllib
import zipfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "snippets"
DATA_SOURCE = Path("snippets/results")  # committed results files that pages read
DATA_TARGET = f"{PACKAGE}/results"  # the same place inside the installed package
PUBLISHED_EXTRAS = ("figures", "experiment")  # "docs" and "test" are for this project only
DOWNLOADS = "downloads"
TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
PLACEHOLDER = re.compile(r"%%(wheel_url|wheel_name|wheel_extras|torch_version)%%")


def project_metadata(root: Path = ROOT) -> dict:
    """The ``[project]`` table of ``pyproject.toml``."""
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def wheel_name(root: Path = ROOT) -> str:
    """File name of the wheel, e.g. ``cnn_study_questions-0.1.0-py3-none-any.whl``."""
    project = project_metadata(root)
    distribution = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return f"{distribution}-{project['version']}-py3-none-any.whl"


def extras_requirement(root: Path = ROOT) -> str:
    """What pip installs for the package with every published extra, e.g. ``name[a,b]``."""
    return f"{project_metadata(root)['name']}[{','.join(PUBLISHED_EXTRAS)}]"


def torch_version(root: Path = ROOT) -> str:
    """The torch version pinned in ``requirements.lock``."""
    lock = (root / "requirements.lock").read_text(encoding="utf-8")
    match = re.search(r"^torch==(\S+)$", lock, flags=re.MULTILINE)
    if match is None:
        raise PluginError("requirements.lock pins no torch version")
    return match[1]


def _metadata(project: dict) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"License: {project['license']['text']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    lines += [f"Requires-Dist: {requirement}" for requirement in project["dependencies"]]
    optional = project.get("optional-dependencies", {})
    for extra in PUBLISHED_EXTRAS:
        if extra not in optional:
            raise PluginError(f"pyproject.toml has no optional-dependencies.{extra}")
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {need}; extra == "{extra}"' for need in optional[extra]]
    return "\n".join(lines) + "\n"


def wheel_contents(root: Path = ROOT) -> dict[str, bytes]:
    """Every file of the wheel by its path inside the wheel, RECORD last."""
    project = project_metadata(root)
    dist_info = wheel_name(root).split("-py3-")[0] + ".dist-info"
    files: dict[str, bytes] = {}
    for module in sorted((root / PACKAGE).glob("*.py")):
        files[f"{PACKAGE}/{module.name}"] = module.read_bytes()
    for data in sorted((root / DATA_SOURCE).iterdir()):
        if data.is_file():
            files[f"{DATA_TARGET}/{data.name}"] = data.read_bytes()
    files[f"{dist_info}/METADATA"] = _metadata(project).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: hooks/wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{dist_info}/top_level.txt"] = f"{PACKAGE}\n".encode()
    record = []
    for path, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(content)}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    return files


def build_wheel(root: Path = ROOT) -> bytes:
    """The wheel's bytes: the same sources always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
        for path, content in wheel_contents(root).items():
            info = zipfile.ZipInfo(path, date_time=TIMESTAMP)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, content)
    return buffer.getvalue()


def wheel_url(config: MkDocsConfig) -> str:
    """Absolute URL of the wheel on the published site."""
    site_url = config.site_url or ""
    if not site_url.startswith(("http://", "https://")):
        raise PluginError("site_url must be an absolute http(s) URL: pages give it to pip")
    return site_url.rstrip("/") + f"/{DOWNLOADS}/{wheel_name()}"


_written = tempfile.TemporaryDirectory(prefix="cnn-study-questions-wheel-")  # gone at exit


def on_files(files: Files, config: MkDocsConfig) -> Files:
    uri = f"{DOWNLOADS}/{wheel_name()}"
    if files.get_file_from_path(uri) is None:
        # A file on disk, not content in memory: mkdocs-static-i18n reads every file's source path.
        source = Path(_written.name) / wheel_name()
        source.write_bytes(build_wheel())
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    values = {
        "wheel_url": wheel_url(config),
        "wheel_name": wheel_name(),
        "wheel_extras": extras_requirement(),
        "torch_version": torch_version(),
    }
    return PLACEHOLDER.sub(lambda match: values[match[1]], markdown)
