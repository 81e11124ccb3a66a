"""Date the build by the commit, not the clock, so two builds of one commit are byte-identical.

The MkDocs plugin ``sitekit-reproducible``. MkDocs stamps every page's ``update_date`` (the
``<lastmod>`` of ``sitemap.xml``, and the timestamp inside ``sitemap.xml.gz``) with the day of
the build, unless ``SOURCE_DATE_EPOCH`` is set
(https://reproducible-builds.org/specs/source-date-epoch/); the reader's wheel
(``sitekit-wheel``) takes its file dates from it too. When it is not set, this plugin sets it
to the time of the commit being built, so ``<lastmod>`` says when the content last changed.
Outside a git checkout it leaves the date alone (and says so).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger

log = get_plugin_logger(__name__)


def commit_time(directory: Path) -> str | None:
    """Unix time of the last commit of the checkout holding ``directory``, or ``None``."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    stamp = result.stdout.strip()
    return stamp if stamp.isdigit() else None


class ReproducibleConfig(Config):
    enabled = config_options.Type(bool, default=True)


class ReproduciblePlugin(BasePlugin[ReproducibleConfig]):
    """Set ``SOURCE_DATE_EPOCH`` from the commit when it is not set."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled or "SOURCE_DATE_EPOCH" in os.environ:
            return config
        stamp = commit_time(Path(config.config_file_path).resolve().parent)
        if stamp is None:
            log.info("not a git checkout: pages are dated with today's date")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = stamp
        return config
